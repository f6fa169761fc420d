import type { EngineContext } from '../../context';
import { WardenError } from '../../errors';
import type { IndexEntry } from '../sqlite-file/index-btree';
import type { TableRow } from '../sqlite-file/table-btree';
import type { SalvageTarget, TargetTable } from './new-file';
import type { PageLedger } from './page-ledger';

// Rows go into the new file as they are read, a batch per transaction; between batches the event
// loop runs (so a Cancel is heard), progress is reported in pages, and a cancel stops the salvage.

const ROWS_PER_BATCH = 20_000;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class RowStream {
  private sinceCommit = 0;

  constructor(
    private readonly ctx: EngineContext,
    private readonly target: SalvageTarget,
    private readonly ledger: PageLedger,
    private readonly pageSize: number,
  ) {
    target.db.exec('BEGIN');
  }

  async place(table: TargetTable | null, rootPage: number | null, row: TableRow): Promise<void> {
    this.target.place(table, rootPage, row);
    if (++this.sinceCommit >= ROWS_PER_BATCH) await this.pause('recovering rows');
  }

  async placeEntry(table: TargetTable | null, rootPage: number, entry: IndexEntry): Promise<void> {
    this.target.placeEntry(table, rootPage, entry);
    if (++this.sinceCommit >= ROWS_PER_BATCH) await this.pause('recovering rows');
  }

  /** Commits the batch, reports progress, lets the event loop run and stops on a cancel. */
  async pause(phase: string): Promise<void> {
    this.target.db.exec('COMMIT');
    this.sinceCommit = 0;
    this.ctx.onProgress?.({ operation: 'salvage', phase, done: this.ledger.accounted, total: this.ledger.pageCount, unit: 'pages', pageSize: this.pageSize });
    await nextTurn();
    if (this.ctx.signal?.aborted)
      throw new WardenError(
        'CANCELLED',
        'Salvage was cancelled; the unfinished new file was removed and the damaged file was only read.',
        'Run it again when you are ready.',
      );
    this.target.db.exec('BEGIN');
  }

  end(): void {
    if (this.target.db.inTransaction) this.target.db.exec('COMMIT');
  }
}

import type { UnreadablePage } from '../../../../shared/types/repair';
import type { IndexWalkLedger } from '../sqlite-file/index-btree';
import type { Rowid, WalkLedger } from '../sqlite-file/table-btree';

// The account of every page of the damaged file: read (by a walk or the scan), damaged, or not
// data at all (freelist, pointer map, lock byte). One byte per page: flat in the file's size.

const UNSEEN = 0;
const READ = 1;
const DAMAGED = 2;
const NOT_DATA = 3;

export interface Owner {
  name: string;
  kind: UnreadablePage['ownerKind'];
  table: string | null;
}

export interface LostRow {
  table: string | null;
  pgno: number;
  rowid: Rowid | null;
  brokenPage: number;
  reason: string;
}

export class PageLedger {
  private readonly state: Uint8Array;
  readonly unreadable: UnreadablePage[] = [];
  readonly lostRows: LostRow[] = [];
  pagesRead = 0;
  /** Pages read or known to hold no data: the salvage's progress. */
  accounted = 0;

  constructor(readonly pageCount: number) {
    this.state = new Uint8Array(pageCount + 1);
  }

  isUnseen(pgno: number): boolean {
    return this.state[pgno] === UNSEEN;
  }

  markNotData(pgno: number): void {
    if (pgno < 1 || pgno > this.pageCount || this.state[pgno] !== UNSEEN) return;
    this.state[pgno] = NOT_DATA;
    this.accounted++;
  }

  /** Marks a page read; false when it was already accounted for. */
  markRead(pgno: number): boolean {
    if (pgno < 1 || pgno > this.pageCount || this.state[pgno] !== UNSEEN) return false;
    this.state[pgno] = READ;
    this.pagesRead++;
    this.accounted++;
    return true;
  }

  private markDamaged(pgno: number, owner: Owner, reason: string): void {
    this.state[pgno] = DAMAGED;
    this.unreadable.push({ page: pgno, owner: owner.name, ownerKind: owner.kind, table: owner.table, reason });
  }

  /** The ledger a walk of `owner`'s b-tree reports to. */
  walkOf(owner: Owner): WalkLedger & IndexWalkLedger {
    return {
      enter: (pgno) => this.markRead(pgno),
      unreadable: (pgno, reason) => this.markDamaged(pgno, owner, reason),
      overflowPage: (pgno) => this.markRead(pgno),
      lostRow: (pgno, rowid, brokenPage, reason) => this.lostRows.push({ table: owner.table, pgno, rowid, brokenPage, reason }),
    };
  }
}

import type { EngineContext } from '../../context';
import { walkIndexBtree, walkIndexEntries } from '../sqlite-file/index-btree';
import { forEachFreelistPage } from '../sqlite-file/freelist';
import { lockBytePage, type PageSource } from '../sqlite-file/page-source';
import { isPointerMapPage } from '../sqlite-file/pointer-map';
import { PAGE_TYPE } from '../sqlite-file/btree-page';
import { leafCells, leafRows, tablePage, walkTableBtree, type TableRow } from '../sqlite-file/table-btree';
import type { SalvageTarget } from './new-file';
import type { PageLedger } from './page-ledger';
import type { RecoveredObject } from './recovered-schema';
import { RowStream } from './row-stream';

// Every readable row into the new file: each table's b-tree walked from its root (its indexes too,
// so that damage is named by its owner), then every page no walk reached scanned for table leaves
// (the leaves below a damaged interior page), each matched to its table by shape.

const PAGES_PER_PAUSE = 2048;

/** Freelist, pointer-map and lock-byte pages hold no rows: they are never scanned for leaves. Returns what could not be followed. */
export function markPagesWithoutData(source: PageSource, ledger: PageLedger): string[] {
  const notes: string[] = [];
  ledger.markNotData(lockBytePage(source.pageSize));
  if (source.header.hasPointerMap) {
    for (let pgno = 2; pgno <= source.pageCount; pgno++) if (isPointerMapPage(pgno, source.usableSize, true)) ledger.markNotData(pgno);
  }
  if (!source.headerReadable) return notes;
  const broken = forEachFreelistPage(source, source.header.freelistTrunk, (pgno) => ledger.markNotData(pgno));
  if (broken)
    notes.push(
      `The freelist could not be followed to its end (${broken}): a freed page it no longer lists may have given back deleted rows, which would be in lost_and_found or their table.`,
    );
  return notes;
}

/** A WITHOUT ROWID table's rows: the entries of its index b-tree, the primary key's columns first. */
async function recoverWithoutRowid(source: PageSource, object: RecoveredObject, target: SalvageTarget, ledger: PageLedger, stream: RowStream): Promise<void> {
  const table = target.tableFor(object.name) ?? null;
  for (const entry of walkIndexEntries(
    source,
    object.rootPage,
    source.header.encoding,
    ledger.walkOf({ name: object.name, kind: 'table', table: object.name }),
  )) {
    await stream.placeEntry(table, object.rootPage, entry);
  }
}

async function recoverTable(source: PageSource, object: RecoveredObject, target: SalvageTarget, ledger: PageLedger, stream: RowStream): Promise<void> {
  if (object.withoutRowid) return recoverWithoutRowid(source, object, target, ledger, stream);
  const owner = { name: object.name, kind: 'table' as const, table: object.name };
  const rows = walkTableBtree(source, object.rootPage, source.header.encoding, ledger.walkOf(owner));
  const name = object.name.toLowerCase();
  if (name === 'sqlite_sequence') {
    for (const row of rows) if (typeof row.values[0] === 'string' && typeof row.values[1] === 'bigint') target.keepSequence(row.values[0], row.values[1]);
    return;
  }
  if (name.startsWith('sqlite_')) {
    for (const _ of rows); // SQLite's own statistics: their pages are accounted for, their rows are SQLite's to rebuild
    return;
  }
  const table = target.tableFor(object.name) ?? null;
  for (const row of rows) await stream.place(table, table ? null : object.rootPage, row);
}

/** The rows of a table leaf no walk reached, or null where the page is not a valid one. */
function orphanedLeafRows(source: PageSource, pgno: number, ledger: PageLedger): TableRow[] | null {
  const page = tablePage(source, pgno);
  if (typeof page === 'string' || page.type !== PAGE_TYPE.tableLeaf) return null;
  const cells = leafCells(page, source.header.encoding, source.pageCount);
  if (typeof cells === 'string') return null;
  return [...leafRows(source, page, cells, source.header.encoding, ledger.walkOf({ name: 'unknown', kind: 'table', table: null }))];
}

/** Scans every page no walk reached; returns how many were table leaves. */
async function recoverOrphanedLeaves(source: PageSource, target: SalvageTarget, ledger: PageLedger, stream: RowStream): Promise<number> {
  let leaves = 0;
  for (let pgno = 1; pgno <= source.pageCount; pgno++) {
    if (pgno % PAGES_PER_PAUSE === 0) await stream.pause('scanning for pages no b-tree reached');
    if (!ledger.markRead(pgno)) continue;
    const rows = orphanedLeafRows(source, pgno, ledger);
    if (rows === null) continue;
    leaves++;
    const table = target.matchShape(rows);
    for (const row of rows) await stream.place(table, null, row);
  }
  return leaves;
}

export interface Recovery {
  orphanedLeaves: number;
}

export async function recoverRows(
  ctx: EngineContext,
  source: PageSource,
  objects: RecoveredObject[],
  target: SalvageTarget,
  ledger: PageLedger,
): Promise<Recovery> {
  const stream = new RowStream(ctx, target, ledger, source.pageSize);
  try {
    for (const index of objects.filter((o) => o.type === 'index')) {
      walkIndexBtree(source, index.rootPage, ledger.walkOf({ name: index.name, kind: 'index', table: index.table }));
      await stream.pause('reading indexes');
    }
    for (const table of objects.filter((o) => o.type === 'table')) {
      await recoverTable(source, table, target, ledger, stream);
      await stream.pause('recovering rows');
    }
    target.buildUniqueIndexes();
    await stream.pause('building unique indexes');
    const orphanedLeaves = await recoverOrphanedLeaves(source, target, ledger, stream);
    return { orphanedLeaves };
  } finally {
    stream.end();
  }
}

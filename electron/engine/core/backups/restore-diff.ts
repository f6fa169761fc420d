import type { RestoreTableDiff } from '../../../../shared/types/backups';
import { throwIfCancelled, type EngineContext } from '../../context';
import type { Connection } from '../sqlite/open-database';
import { historyTablesOf } from '../schema/unaccounted-objects';

// What a restore would lose, per table: the live rows the backup lacks or holds differently, by
// primary key (rowid where there is none). Both files are read in key order side by side, one row
// of each at a time (a merge walk), so memory stays flat whatever the size; counts and a few keys.

const EXAMPLES = 5;
const CANCEL_EVERY = 10_000;

type Value = null | bigint | number | string | Buffer;

interface TableShape {
  /** The columns rows are matched by, in key order; empty: by rowid. */
  key: string[];
  columns: string[];
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

function userTables(db: Connection, leaveOut: Set<string>): string[] {
  const names = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")
    .pluck()
    .all() as string[];
  return names.filter((n) => !leaveOut.has(n.toLowerCase()));
}

function shapeOf(db: Connection, table: string): TableShape {
  const columns = db.prepare('SELECT name, pk FROM pragma_table_info(?) ORDER BY cid').all(table) as { name: string; pk: number }[];
  return {
    key: columns
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name),
    columns: columns.map((c) => c.name),
  };
}

function hasRowid(db: Connection, table: string): boolean {
  try {
    db.prepare(`SELECT rowid FROM ${quote(table)} LIMIT 0`).all();
    return true;
  } catch {
    return false; // a WITHOUT ROWID table: it always has a primary key
  }
}

/** SQLite's order of values (NULL, numbers, text, blob; text and blobs byte by byte, as the BINARY collation compares). */
function compareValues(a: Value, b: Value): number {
  const rank = (v: Value) => (v === null ? 0 : typeof v === 'bigint' || typeof v === 'number' ? 1 : typeof v === 'string' ? 2 : 3);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 0) return 0;
  if (ra === 1) return a! < b! ? -1 : a! > b! ? 1 : 0;
  if (ra === 2) return Buffer.compare(Buffer.from(a as string, 'utf8'), Buffer.from(b as string, 'utf8'));
  return Buffer.compare(a as Buffer, b as Buffer);
}

function compareKeys(a: Value[], b: Value[], width: number): number {
  for (let i = 0; i < width; i++) {
    const c = compareValues(a[i], b[i]);
    if (c !== 0) return c;
  }
  return 0;
}

/** As SQL's IS: 1 and 1.0 are the same value, text and a blob of its bytes are not. */
function sameValue(a: Value, b: Value): boolean {
  if (a === null || b === null) return a === b;
  if (Buffer.isBuffer(a) || Buffer.isBuffer(b)) return Buffer.isBuffer(a) && Buffer.isBuffer(b) && a.equals(b);
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  // biome-ignore lint/suspicious/noDoubleEquals: a bigint and a number of the same value are equal
  return a == b;
}

function keyText(row: Value[], width: number): string {
  const shown = row
    .slice(0, width)
    .map((v) =>
      v === null ? 'NULL' : Buffer.isBuffer(v) ? `x'${v.toString('hex').slice(0, 32)}'` : typeof v === 'string' ? `'${v.slice(0, 80)}'` : String(v),
    );
  return shown.length === 1 ? shown[0] : `(${shown.join(', ')})`;
}

function rowsInOrder(db: Connection, table: string, key: string[], columns: string[]): IterableIterator<Value[]> {
  const keyExpr = key.length ? key.map(quote) : ['rowid'];
  const order = key.length ? key.map((k) => `${quote(k)} COLLATE BINARY`) : ['rowid'];
  const sql = `SELECT ${[...keyExpr, ...columns.map(quote)].join(', ')} FROM ${quote(table)} ORDER BY ${order.join(', ')}`;
  return db.prepare(sql).safeIntegers(true).raw(true).iterate() as IterableIterator<Value[]>;
}

function emptyDiff(table: string, key: string[]): RestoreTableDiff {
  return { table, key: key.length ? key : ['rowid'], onlyHere: 0, different: 0, onlyInBackup: 0, examples: { onlyHere: [], different: [], onlyInBackup: [] } };
}

function note(diff: RestoreTableDiff, kind: 'onlyHere' | 'different' | 'onlyInBackup', row: Value[], width: number): void {
  diff[kind]++;
  if (diff.examples[kind].length < EXAMPLES) diff.examples[kind].push(keyText(row, width));
}

/** The key both files' rows are matched by: the live table's primary key when the backup's table has those columns, else rowid. */
function matchingKey(live: Connection, backup: Connection, table: string, liveShape: TableShape, backupShape: TableShape): string[] | null {
  if (liveShape.key.length && liveShape.key.every((k) => backupShape.columns.includes(k))) return liveShape.key;
  if (hasRowid(live, table) && hasRowid(backup, table)) return [];
  return null;
}

/** One table, walked in key order in both files at once. */
function diffTable(ctx: EngineContext, live: Connection, backup: Connection, table: string): RestoreTableDiff {
  const liveShape = shapeOf(live, table);
  const backupShape = shapeOf(backup, table);
  const key = matchingKey(live, backup, table, liveShape, backupShape);
  // Columns both have: a column a migration added is a change of schema (the version says it), not of every row.
  const columns = liveShape.columns.filter((c) => backupShape.columns.includes(c));
  const diff = emptyDiff(table, key ?? liveShape.key);
  if (key === null) {
    diff.uncomparable = `its primary key (${liveShape.key.join(', ')}) is not in the backup's table`;
    return diff;
  }
  const width = key.length || 1;
  const here = rowsInOrder(live, table, key, columns);
  const there = rowsInOrder(backup, table, key, columns);
  try {
    walkInKeyOrder(ctx, diff, here, there, width);
  } catch (err) {
    // A damaged page of the live table stops the walk: what a restore loses there cannot be counted,
    // and the other tables are still compared (this is the file a restore is most often for).
    if (!String((err as { code?: unknown }).code).startsWith('SQLITE_CORRUPT')) throw err;
    return {
      ...emptyDiff(table, key),
      uncomparable: `its pages in this database are damaged (${(err as Error).message}), so the rows a restore would lose cannot be counted`,
    };
  } finally {
    // Statements left mid-walk keep the connection busy: the snapshot's COMMIT would fail behind them.
    here.return?.();
    there.return?.();
  }
  return diff;
}

/** Both files' rows side by side, in key order, noting each difference in `diff`. */
function walkInKeyOrder(ctx: EngineContext, diff: RestoreTableDiff, here: IterableIterator<Value[]>, there: IterableIterator<Value[]>, width: number): void {
  let a = here.next();
  let b = there.next();
  let seen = 0;
  while (!a.done || !b.done) {
    if (++seen % CANCEL_EVERY === 0) throwIfCancelled(ctx, 'The comparison with the backup');
    const order = a.done ? 1 : b.done ? -1 : compareKeys(a.value, b.value, width);
    if (order < 0) {
      note(diff, 'onlyHere', a.value, width);
      a = here.next();
    } else if (order > 0) {
      note(diff, 'onlyInBackup', b.value, width);
      b = there.next();
    } else {
      const mine = a.value as Value[];
      const theirs = b.value as Value[];
      if (!mine.every((v, i) => i < width || sameValue(v, theirs[i]))) note(diff, 'different', mine, width);
      a = here.next();
      b = there.next();
    }
  }
}

function countOf(db: Connection, table: string): number {
  return Number(
    db
      .prepare(`SELECT count(*) FROM ${quote(table)}`)
      .pluck()
      .get(),
  );
}

/**
 * Per table, what restoring `backup` over `live` changes: rows here the backup lacks (lost), rows
 * both have with other values (changed back), rows only the backup has (brought back). The
 * history tables are left out: the restore carries their events across.
 */
export function restoreDiff(ctx: EngineContext, live: Connection, backup: Connection): RestoreTableDiff[] {
  const leaveOut = historyTablesOf(ctx.schema);
  const liveTables = userTables(live, leaveOut);
  const backupTables = new Set(userTables(backup, leaveOut));
  const diffs: RestoreTableDiff[] = [];
  // One snapshot of each file for the whole comparison.
  live.exec('BEGIN');
  backup.exec('BEGIN');
  try {
    liveTables.forEach((table, done) => {
      ctx.onProgress?.({ operation: 'restore-preview', phase: table, done, total: liveTables.length });
      if (!backupTables.has(table)) {
        diffs.push({ ...emptyDiff(table, shapeOf(live, table).key), onlyHere: countOf(live, table), missingIn: 'backup' });
        return;
      }
      diffs.push(diffTable(ctx, live, backup, table));
    });
    for (const table of backupTables) {
      if (!liveTables.includes(table)) diffs.push({ ...emptyDiff(table, shapeOf(backup, table).key), onlyInBackup: countOf(backup, table), missingIn: 'live' });
    }
  } finally {
    live.exec('ROLLBACK'); // a read transaction: the same as COMMIT, and it ends one a damaged page failed (COMMIT answers that failure again)
    backup.exec('COMMIT');
  }
  return diffs;
}

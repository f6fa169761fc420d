import type { RecoveredTable } from '../../../../shared/types/repair';
import { WardenError } from '../../errors';
import type { Connection } from '../sqlite/open-database';

// The rows of a table (and of its children, for the rows brought back) that a backup holds and the
// live database lacks, matched by primary key: planned, then copied parents first, never
// overwriting a live row. recover-rows and salvage's second pass both copy this way.

type Row = unknown[];

interface TableShape {
  table: string;
  /** Columns both the live table and the backup's have (generated columns are not listed by table_info). */
  columns: string[];
  key: number[];
}

export interface PlannedTable extends RecoveredTable {
  shape: TableShape;
  rows: Row[];
}

interface Link {
  child: string;
  from: string[];
  to: string[];
}

/** The largest value recover-rows reads from a backup: a row of the chat service's tables holds a few hundred bytes. */
const MAX_VALUE_BYTES = 16 * 1024 * 1024;

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Values as a string that tells 1 from '1' and keeps 64-bit integers exact. */
const keyOf = (values: unknown[]) => values.map((v) => (Buffer.isBuffer(v) ? `b${v.toString('hex')}` : `${typeof v}:${String(v)}`)).join('\u0000');

function columnsOf(db: Connection, table: string): { name: string; pk: number }[] {
  return db.prepare('SELECT name, pk FROM pragma_table_info(?) ORDER BY cid').all(table) as { name: string; pk: number }[];
}

/** The columns of `table` in the backup when it is a table there: a view of that name is not read (it could make up rows of any size). */
function backupColumnsOf(backup: Connection, table: string): Set<string> {
  const isTable = backup.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND lower(name) = lower(?)").get(table) !== undefined;
  return new Set(isTable ? columnsOf(backup, table).map((c) => c.name) : []);
}

function shapeOf(live: Connection, backup: Connection, table: string, backupPath: string): TableShape {
  const here = columnsOf(live, table);
  const there = backupColumnsOf(backup, table);
  if (here.length === 0)
    throw new WardenError(
      'NOT_FOUND',
      `Table ${table} is not in the database: there is nowhere to copy its rows.`,
      'Recreate it first with repair, then recover its rows.',
      undefined,
      [{ action: 'repair' }],
    );
  if (there.size === 0)
    throw new WardenError(
      'NOT_FOUND',
      `The backup ${backupPath} has no table ${table}: it holds none of its rows.`,
      'Pick a backup taken while the table had its rows.',
      undefined,
      [{ action: 'backups' }],
    );
  const columns = here.filter((c) => there.has(c.name));
  const keyColumns = here.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
  if (keyColumns.length === 0 || !keyColumns.every((c) => there.has(c.name))) {
    throw new WardenError(
      'NOT_SUPPORTED',
      `Table ${table} has no primary key the backup shares, so its rows cannot be matched.`,
      'Copy the rows by hand, or restore the whole backup.',
      undefined,
      [{ action: 'restore' }],
    );
  }
  return { table, columns: columns.map((c) => c.name), key: keyColumns.map((k) => columns.findIndex((c) => c.name === k.name)) };
}

/**
 * Refuses a table of the backup holding a value larger than a row may bring (octet_length reads
 * the stored size without loading the value), before any of its rows is read: a recovery holds
 * the rows it copies in memory.
 */
function assertValuesFit(db: Connection, shape: TableShape, backupPath: string): void {
  const oversized = shape.columns.map((c) => `octet_length(${quoted(c)}) > ${MAX_VALUE_BYTES}`).join(' OR ');
  const { n } = db.prepare(`SELECT count(*) AS n FROM ${quoted(shape.table)} WHERE ${oversized}`).get() as { n: number };
  if (n === 0) return;
  throw new WardenError(
    'NOT_SUPPORTED',
    `Refusing to copy rows from ${backupPath}: ${n} row(s) of its ${shape.table} hold a value over ${MAX_VALUE_BYTES / 1024 / 1024} MB, more than recover-rows reads of one value. Nothing was changed.`,
    'Check what the backup holds (verify it; sqlite3 BACKUP "SELECT max(octet_length(...)) FROM TABLE"), or restore the whole backup.',
    undefined,
    [{ action: 'verifyBackup' }, { action: 'restore' }],
  );
}

function rowsOf(db: Connection, shape: TableShape, backupPath: string): Row[] {
  assertValuesFit(db, shape, backupPath);
  return db
    .prepare(`SELECT ${shape.columns.map(quoted).join(', ')} FROM ${quoted(shape.table)}`)
    .raw(true)
    .safeIntegers(true)
    .all() as Row[];
}

function keysOf(db: Connection, shape: TableShape): Row[] {
  return db
    .prepare(`SELECT ${shape.key.map((k) => quoted(shape.columns[k])).join(', ')} FROM ${quoted(shape.table)}`)
    .raw(true)
    .safeIntegers(true)
    .all() as Row[];
}

/** The foreign keys of `table`: which columns point at which columns of which parent. */
function foreignKeysOf(db: Connection, table: string): { parent: string; from: string[]; to: string[] }[] {
  const rows = db.prepare('SELECT id, "table" AS parent, "from", "to" FROM pragma_foreign_key_list(?) ORDER BY id, seq').all(table) as {
    id: number;
    parent: string;
    from: string;
    to: string | null;
  }[];
  const byId = new Map<number, { parent: string; from: string[]; to: (string | null)[] }>();
  for (const r of rows) {
    const fk = byId.get(r.id) ?? { parent: r.parent, from: [], to: [] };
    fk.from.push(r.from);
    fk.to.push(r.to);
    byId.set(r.id, fk);
  }
  // A foreign key without parent columns points at the parent's primary key.
  return [...byId.values()].map((fk) => ({
    ...fk,
    to: fk.to.every((t) => t !== null)
      ? (fk.to as string[])
      : columnsOf(db, fk.parent)
          .filter((c) => c.pk > 0)
          .sort((a, b) => a.pk - b.pk)
          .map((c) => c.name),
  }));
}

function childrenOf(db: Connection, parent: string): Link[] {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name").all() as {
    name: string;
  }[];
  return tables.flatMap(({ name }) =>
    foreignKeysOf(db, name)
      .filter((fk) => fk.parent.toLowerCase() === parent.toLowerCase() && name !== parent)
      .map((fk) => ({ child: name, from: fk.from, to: fk.to })),
  );
}

function pick(row: Row, shape: TableShape, names: string[]): unknown[] {
  return names.map((n) => row[shape.columns.indexOf(n)]);
}

/**
 * A test of whether a row's foreign keys all find their parent, live or among the rows being
 * recovered; the parents' keys are gathered once per table, not once per row.
 */
function parentCheck(live: Connection, planned: PlannedTable[], shape: TableShape): (row: Row) => boolean {
  const checks = foreignKeysOf(live, shape.table)
    .filter((fk) => fk.from.every((c) => shape.columns.includes(c)))
    .map((fk) => {
      const recovered = planned.find((p) => p.table.toLowerCase() === fk.parent.toLowerCase());
      const recoveredKeys = new Set(recovered?.rows.map((r) => keyOf(pick(r, recovered.shape, fk.to))) ?? []);
      const liveParent = live.prepare(`SELECT 1 FROM ${quoted(fk.parent)} WHERE ${fk.to.map((c) => `${quoted(c)} = ?`).join(' AND ')}`);
      return (row: Row) => {
        const values = pick(row, shape, fk.from);
        return values.some((v) => v === null) || recoveredKeys.has(keyOf(values)) || liveParent.get(...values) !== undefined;
      };
    });
  return (row) => checks.every((check) => check(row));
}

/** What to copy: the table's missing rows, then, for each child table, the missing rows of the recovered parents. */
export function planRecovery(live: Connection, backup: Connection, table: string, backupPath: string): PlannedTable[] {
  const planned: PlannedTable[] = [];
  const visit = (name: string, belongs: (row: Row, shape: TableShape) => boolean) => {
    const shape = shapeOf(live, backup, name, backupPath);
    const candidates = rowsOf(backup, shape, backupPath).filter((row) => belongs(row, shape));
    const liveKeys = new Set(keysOf(live, shape).map(keyOf));
    const missing = candidates.filter((row) => !liveKeys.has(keyOf(shape.key.map((k) => row[k]))));
    const rows = missing.filter(parentCheck(live, planned, shape));
    const entry: PlannedTable = {
      table: name,
      inBackup: candidates.length,
      missing: missing.length,
      withoutParent: missing.length - rows.length,
      copied: rows.length,
      shape,
      rows,
    };
    planned.push(entry);
    for (const link of childrenOf(live, name)) {
      if (planned.some((p) => p.table === link.child)) continue;
      const parentKeys = new Set(entry.rows.map((r) => keyOf(pick(r, shape, link.to))));
      if (parentKeys.size) visit(link.child, (row, childShape) => parentKeys.has(keyOf(pick(row, childShape, link.from))));
    }
  };
  visit(table, () => true);
  return planned;
}

/**
 * Copies the rows in the plan. The tables' triggers are set aside meanwhile and put back as they
 * were: the rows are history, and an insert trigger would log them again as new uploads.
 */
export function copyRows(db: Connection, planned: PlannedTable[]): void {
  const tables = planned.filter((p) => p.rows.length).map((p) => p.table);
  const triggers = db
    .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN (${tables.map(() => '?').join(', ')}) ORDER BY rowid`)
    .all(...tables) as { name: string; sql: string }[];
  for (const t of triggers) db.exec(`DROP TRIGGER ${quoted(t.name)}`);
  for (const p of planned) {
    const insert = db.prepare(
      `INSERT INTO ${quoted(p.table)} (${p.shape.columns.map(quoted).join(', ')}) VALUES (${p.shape.columns.map(() => '?').join(', ')})`,
    );
    for (const row of p.rows) insert.run(...row);
  }
  for (const t of triggers) db.exec(t.sql);
}

/**
 * Copies into `db` the rows of `table` (and of its children, for the recovered rows) that `backup`
 * holds and `db` lacks; the caller holds the write transaction. For a database built anew (a
 * salvaged file), where no backup of it is needed first.
 */
export function copyMissingRows(db: Connection, backup: Connection, table: string, backupPath: string): RecoveredTable[] {
  const planned = planRecovery(db, backup, table, backupPath);
  copyRows(db, planned);
  return counts(planned);
}

export const counts = (planned: PlannedTable[]): RecoveredTable[] =>
  planned.map(({ table, inBackup, missing, withoutParent, copied }) => ({ table, inBackup, missing, withoutParent, copied }));

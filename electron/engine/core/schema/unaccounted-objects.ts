import type { PlanBlocker } from '../../../../shared/types/migrations';
import type { Problem } from '../../../../shared/types/schema';
import { WardenError } from '../../errors';
import { namesAnyTable, toolTablesOf } from './introspect';
import type { Connection } from '../sqlite/open-database';
import type { SchemaDefinition } from './schema-folder';
import { TOOL_FORMATS } from '../migrations/tool-formats/tool-formats';

type HistorySchema = Pick<SchemaDefinition, 'appVersionTable' | 'footprint'>;

// Objects a schema comparison leaves out because of the table they sit on (Schema Warden's own
// history tables, the app's own version table) or because of their name (sqlite_…).
// Leaving them out must not make them invisible: a trigger on schema_events fires on the tool's
// own writes, and a name that looks like SQLite's own hides an object from a casual look.

interface MasterRow {
  type: string;
  name: string;
  tbl_name: string;
  sql: string | null;
}

/** Tables whose content Schema Warden reads and writes for versions: nothing may act on them. */
export function historyTablesOf(schema: HistorySchema): Set<string> {
  const tables = toolTablesOf(schema);
  if (schema.appVersionTable) tables.add(schema.appVersionTable.table.toLowerCase());
  return tables;
}

/** The indexes the app's migration tool makes on its own history table (golang-migrate's version_unique): the tool's, not foreign. */
function isToolIndex(row: Pick<MasterRow, 'type' | 'name' | 'tbl_name'>, schema: HistorySchema): boolean {
  const app = schema.appVersionTable;
  return (
    row.type === 'index' &&
    Boolean(app?.tool) &&
    row.tbl_name.toLowerCase() === app!.table.toLowerCase() &&
    TOOL_FORMATS[app!.tool!].history.indexes(app!.table).includes(row.name)
  );
}

/** SQLite's own objects: the AUTOINCREMENT counter, ANALYZE's statistics and the automatic indexes of UNIQUE/PRIMARY KEY (which have no SQL). */
export function isSqliteOwn(row: Pick<MasterRow, 'type' | 'name' | 'sql'>): boolean {
  const name = row.name.toLowerCase();
  if (row.type === 'table') return name === 'sqlite_sequence' || /^sqlite_stat[1-4]$/.test(name);
  return row.type === 'index' && row.sql === null && name.startsWith('sqlite_autoindex_');
}

const KIND: Record<string, Problem['kind']> = { table: 'table', index: 'index', trigger: 'trigger', view: 'view' };
const LABEL: Record<string, string> = { table: 'Table', index: 'Index', trigger: 'Trigger', view: 'View' };

/** "trigger x on schema_events"; a view or table stands on its own. */
const where = (row: Pick<MasterRow, 'type' | 'tbl_name'>) => (row.type === 'index' || row.type === 'trigger' ? ` on ${row.tbl_name}` : '');

function problemFor(row: MasterRow, why: string): Problem {
  return {
    kind: KIND[row.type] ?? 'table',
    name: row.name,
    table: row.type === 'view' ? undefined : row.tbl_name,
    change: 'extra',
    severity: 'error',
    message: `${LABEL[row.type] ?? 'Object'} ${row.name}${where(row)} ${why}.`,
    actual: row.sql ?? undefined,
    hint: `Find out who made it, then drop it (DROP ${row.type.toUpperCase()} "${row.name.replace(/"/g, '""')}"); Schema Warden writes nothing to this database while it exists.`,
  };
}

/** Indexes and triggers on the history tables, and sqlite_… names SQLite did not make: each an error. */
export function unaccountedObjects(db: Connection, schema: HistorySchema): Problem[] {
  const history = historyTablesOf(schema);
  const rows = db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name').all() as MasterRow[];
  const problems: Problem[] = [];
  for (const row of rows) {
    if (isSqliteOwn(row) || isToolIndex(row, schema)) continue;
    if (row.name.toLowerCase().startsWith('sqlite_')) {
      problems.push(problemFor(row, "has a name reserved for SQLite's own objects, but SQLite did not make it"));
    } else if (row.type !== 'table' && row.type !== 'view' && history.has(row.tbl_name.toLowerCase())) {
      problems.push(problemFor(row, "is not part of the history table it sits on: it would act on the tool's own writes"));
    } else if ((row.type === 'trigger' || row.type === 'view') && namesAnyTable(row.sql, history)) {
      problems.push(problemFor(row, `reads or writes a history table (${[...history].join(', ')}), which no schema object may do`));
    }
  }
  return problems;
}

/**
 * Refuses a write to the history tables while anything unaccounted for could act on it (a
 * trigger on schema_events fires on the event the write records). Called before any row is
 * written, so a refused command leaves the file as it was.
 */
export function assertNothingActsOnHistory(db: Connection, schema: HistorySchema): void {
  const blocker = untrustedObjectsBlocker(db, schema);
  if (blocker) throw new WardenError(blocker.code, blocker.message, blocker.hint, { objects: blocker.objects });
}

/** The refusal as a plan blocker (null when every object is accounted for): migrate's plan lists it first. */
export function untrustedObjectsBlocker(db: Connection, schema: HistorySchema): (PlanBlocker & { objects: unknown[] }) | null {
  const found = unaccountedObjects(db, schema);
  if (found.length === 0) return null;
  const names = found.map((p) => `${p.kind} ${p.name}${p.kind === 'index' || p.kind === 'trigger' ? ` on ${p.table}` : ''}`);
  return {
    code: 'UNTRUSTED_OBJECT',
    message: `${names.join(', ')} ${found.length === 1 ? 'is' : 'are'} not Schema Warden's and could act on the history it records, so nothing was written.`,
    hint: found[0].hint ?? '',
    objects: found.map((p) => ({ kind: p.kind, name: p.name, table: p.table, sql: p.actual ?? null })),
  };
}

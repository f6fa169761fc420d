import type { SchemaDefinition } from '../schema/schema-folder';
import type { PageSource } from '../sqlite-file/page-source';
import { walkTableBtree } from '../sqlite-file/table-btree';
import type { PageLedger } from './page-ledger';
import { versionOrder } from '../schema/version-order';

// What the damaged file says about itself: its sqlite_schema rows (fileformat2 §2.6 "Storage Of
// The SQL Database Schema": type, name, tbl_name, rootpage, sql, in the table b-tree rooted at
// page 1), and the version its history table records.

export interface RecoveredObject {
  type: 'table' | 'index';
  name: string;
  table: string;
  rootPage: number;
  /** A WITHOUT ROWID table: its rows are in an index b-tree. */
  withoutRowid: boolean;
}

/** A table's options follow its column list's closing parenthesis: `) WITHOUT ROWID`, `) STRICT, WITHOUT ROWID`. */
const declaresWithoutRowid = (sql: unknown) => typeof sql === 'string' && /\bWITHOUT\s+ROWID\b/i.test(sql.slice(sql.lastIndexOf(')') + 1));

const SCHEMA_OWNER = { name: 'sqlite_schema', kind: 'schema', table: null } as const;

/** The tables and indexes with a b-tree of their own, as far as the schema's pages can be read. */
export function readSchemaObjects(source: PageSource, ledger: PageLedger): RecoveredObject[] {
  if (!source.headerReadable) return [];
  const objects: RecoveredObject[] = [];
  for (const row of walkTableBtree(source, 1, source.header.encoding, ledger.walkOf(SCHEMA_OWNER))) {
    const [type, name, table, rootPage, sql] = row.values;
    if ((type !== 'table' && type !== 'index') || typeof name !== 'string' || typeof table !== 'string' || typeof rootPage !== 'bigint') continue;
    if (rootPage < 2n || rootPage > BigInt(source.pageCount)) continue;
    objects.push({ type, name, table, rootPage: Number(rootPage), withoutRowid: type === 'table' && declaresWithoutRowid(sql) });
  }
  return objects;
}

/**
 * The newest version the recovered rows of the versions table (the footprint's) record that the schema folder knows, or
 * null where none can be read. Read without accounting: the walk of every table comes later.
 */
export function recordedVersion(source: PageSource, objects: RecoveredObject[], schema: SchemaDefinition): string | null {
  const history = objects.find((o) => o.type === 'table' && o.name.toLowerCase() === schema.footprint.versionsTable.toLowerCase());
  if (!history) return null;
  const known = new Set(schema.migrations.map((m) => m.version));
  const seen = new Set<number>();
  const once = { enter: (pgno: number) => !seen.has(pgno) && seen.add(pgno) !== undefined, unreadable: () => {}, overflowPage: () => {}, lostRow: () => {} };
  const versions: string[] = [];
  for (const row of walkTableBtree(source, history.rootPage, source.header.encoding, once)) {
    const version = row.values[0];
    if (typeof version === 'string' && known.has(version)) versions.push(version);
  }
  return versions.length ? versions.sort(versionOrder(schema).compare)[versions.length - 1] : null;
}

import type { DamagedPage } from '../../../../shared/types/integrity';
export { onlyIndexesDamaged } from '../../../../shared/damage';
import { WardenError } from '../../errors';
import type { Connection } from '../sqlite/open-database';

// Where SQLite's integrity findings are, in a support engineer's words: each page it names, with
// the table or index that page belongs to. SQLite 3.40+ names a b-tree by its root page ("Tree 9
// page 80 …"), looked up in sqlite_schema.rootpage; an older message ("On tree page 80 …", "Page
// 80: …") names only the page, whose owner the dbstat virtual table lists where it still reads.
// Index findings name the index itself ("wrong # of entries in index X").

interface TreeObject {
  name: string;
  type: 'table' | 'index';
  table: string;
  rootpage: number;
}

interface PageOwner {
  object: TreeObject;
  pageType: DamagedPage['pageType'];
}

interface Located {
  page: number | null;
  root: number | null;
  object: string | null;
  objectType?: DamagedPage['objectType'];
}

const SQLITE_SCHEMA: TreeObject = { name: 'sqlite_schema', type: 'table', table: 'sqlite_schema', rootpage: 1 };

/** The lines SQLite wrote, one finding each, without its "*** in database main ***" heading. */
export function findingsOf(rows: string[]): string[] {
  return rows
    .flatMap((row) => row.split('\n'))
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^\*\*\* in database \w+ \*\*\*$/.test(line));
}

/** What a message names: the tree (by its root page), the page, or an index or table by name. */
function locate(message: string): Located {
  const tree = /^Tree (\d+) page (\d+)/.exec(message);
  if (tree) return { root: Number(tree[1]), page: Number(tree[2]), object: null };
  const index =
    /(?:missing from|wrong # of entries in|non-unique entry in|entry missing from) index (\S+?)[.,:]?$/.exec(message) ?? /in index (\S+?)[.,:]?$/.exec(message);
  if (index) return { root: null, page: null, object: index[1], objectType: 'index' };
  const column = /^NULL value in (\S+?)\.\S+$/.exec(message) ?? /^CHECK constraint failed in (\S+)$/.exec(message);
  if (column) return { root: null, page: null, object: column[1], objectType: 'table' };
  if (/^Freelist/.test(message)) {
    const freePage = /page (\d+)/.exec(message);
    return { root: null, page: freePage ? Number(freePage[1]) : null, object: null, objectType: 'freelist' };
  }
  const page =
    /^On (?:tree )?page (\d+)/.exec(message) ??
    /^Page (\d+)\b/.exec(message) ??
    /(?:of|on) page (\d+)/.exec(message) ??
    /reference to page (\d+)/.exec(message);
  return { root: null, page: page ? Number(page[1]) : null, object: null };
}

function treeObjects(db: Connection): TreeObject[] {
  try {
    const rows = db.prepare("SELECT type, name, tbl_name AS tbl, rootpage FROM sqlite_schema WHERE type IN ('table', 'index') AND rootpage > 0").all() as {
      type: 'table' | 'index';
      name: string;
      tbl: string;
      rootpage: number;
    }[];
    return [SQLITE_SCHEMA, ...rows.map((r) => ({ name: r.name, type: r.type, table: r.tbl, rootpage: r.rootpage }))];
  } catch {
    // The schema's own pages are damaged: only messages naming an index can still be placed.
    return [SQLITE_SCHEMA];
  }
}

function hasDbstat(db: Connection): boolean {
  return db.prepare("SELECT 1 FROM pragma_compile_options WHERE compile_options = 'ENABLE_DBSTAT_VTAB'").get() !== undefined;
}

interface PageMap {
  owners: Map<number, PageOwner>;
  /** Trees dbstat could not walk to the end: a damaged page of theirs stops it. */
  unwalkable: TreeObject[];
}

/** Every page dbstat can still place, tree by tree, so one damaged tree does not hide the others. */
function pageOwners(db: Connection, objects: TreeObject[]): PageMap | null {
  if (!hasDbstat(db)) return null;
  const map: PageMap = { owners: new Map(), unwalkable: [] };
  const read = db.prepare("SELECT pageno, pagetype FROM dbstat WHERE schema = 'main' AND name = ?");
  for (const object of objects) {
    try {
      for (const row of read.iterate(object.name) as Iterable<{ pageno: number; pagetype: string }>) {
        map.owners.set(row.pageno, {
          object,
          pageType: row.pagetype === 'leaf' || row.pagetype === 'internal' || row.pagetype === 'overflow' ? row.pagetype : null,
        });
      }
    } catch {
      map.unwalkable.push(object);
    }
  }
  return map;
}

function pageWords(type: 'table' | 'index', pageType: DamagedPage['pageType']): string {
  if (pageType === 'leaf') return type === 'table' ? 'a leaf holding rows' : 'a leaf holding index entries';
  if (pageType === 'internal') return 'an interior page pointing to other pages';
  if (pageType === 'overflow') return 'an overflow page holding the rest of a long value';
  return '';
}

function ownerWords(entry: Omit<DamagedPage, 'description'>): string {
  if (entry.objectType === 'freelist') return 'the list of free pages';
  if (!entry.object) return '';
  if (entry.object === 'sqlite_schema') return 'the schema itself (sqlite_schema)';
  return entry.objectType === 'index' && entry.table ? `index ${entry.object} (of table ${entry.table})` : `${entry.objectType ?? 'object'} ${entry.object}`;
}

/** What SQLite's message means, in words, for the messages a damaged file gives most. */
const GLOSSES: [RegExp, string][] = [
  [/btreeInitPage\(\) returns error code/, 'its header cannot be read, so it is not a valid page any more'],
  [/Offset \d+ out of range|Extends off end of page|Multiple uses for byte|Fragmentation of|Corruption detected in cell/i, 'the cells on it are scrambled'],
  [/Rowid \d+ out of order/, 'its rows are out of order'],
  [/invalid page number|Child page depth differs|Failed to read ptrmap|Bad ptr map/i, 'it points to pages that are not there'],
  [/2nd reference to page/, 'two parts of the file claim the same page'],
  [/never used/, 'the page belongs to no table, no index and not to the free pages'],
  [/wrong # of entries in index/, 'the index does not have one entry per row of its table'],
  [/missing from index/, 'the index lacks entries for rows of its table'],
  [/non-unique entry in index/, 'a UNIQUE index holds the same value twice'],
  [/^NULL value in/, 'a NOT NULL column holds NULL'],
  [/^CHECK constraint failed/, 'a row breaks a CHECK constraint'],
];

function glossOf(message: string): string | null {
  return GLOSSES.find(([pattern]) => pattern.test(message))?.[1] ?? null;
}

/** "Page 37 of table conversation_files (a leaf holding rows) is damaged — its header cannot be read (SQLite: …)." */
export function describeDamage(entry: Omit<DamagedPage, 'description'>): string {
  const owner = ownerWords(entry);
  const kind = entry.objectType === 'table' || entry.objectType === 'index' ? pageWords(entry.objectType, entry.pageType) : '';
  const more = entry.messages > 1 ? ` (and ${entry.messages - 1} more finding${entry.messages === 2 ? '' : 's'} there)` : '';
  const gloss = glossOf(entry.message);
  const said = gloss ? `${gloss} (SQLite: ${entry.message.replace(/\.$/, '')})${more}.` : `${entry.message.replace(/\.$/, '')}${more}.`;
  if (entry.page === null) {
    if (owner) return `${owner[0].toUpperCase()}${owner.slice(1)} is damaged: ${said}`;
    if (/malformed/.test(entry.message)) return `SQLite stopped checking at damage it could not place: ${said}`;
    return `Damage SQLite did not place on a page or object: ${said}`;
  }
  if (!owner) return `Page ${entry.page} is damaged; which table or index it belongs to cannot be told: ${said}`;
  const guess = entry.foundBy === 'dbstat' && entry.pageType === null ? ', probably,' : '';
  return `Page ${entry.page}${guess} of ${owner}${kind ? ` (${kind})` : ''} is damaged: ${said}`;
}

function place(
  located: Located,
  byRoot: Map<number, TreeObject>,
  byName: Map<string, TreeObject>,
  pages: PageMap | null,
): Omit<DamagedPage, 'message' | 'messages' | 'description'> {
  const pageType = located.page !== null ? (pages?.owners.get(located.page)?.pageType ?? null) : null;
  if (located.root !== null) {
    const object = byRoot.get(located.root);
    if (object) return { page: located.page, object: object.name, objectType: object.type, table: object.table, pageType, foundBy: 'message' };
  }
  if (located.object !== null) {
    const object = byName.get(located.object);
    return {
      page: null,
      object: located.object,
      objectType: object?.type ?? located.objectType ?? null,
      table: object?.table ?? (located.objectType === 'table' ? located.object : null),
      pageType: null,
      foundBy: 'message',
    };
  }
  if (located.objectType === 'freelist') return { page: located.page, object: null, objectType: 'freelist', table: null, pageType: null, foundBy: 'message' };
  if (located.page !== null && pages) {
    const owner = pages.owners.get(located.page);
    if (owner)
      return {
        page: located.page,
        object: owner.object.name,
        objectType: owner.object.type,
        table: owner.object.table,
        pageType: owner.pageType,
        foundBy: 'dbstat',
      };
    // A page too damaged for dbstat to list: when exactly one tree cannot be walked, it is that tree's.
    if (pages.unwalkable.length === 1) {
      const [object] = pages.unwalkable;
      return { page: located.page, object: object.name, objectType: object.type, table: object.table, pageType: null, foundBy: 'dbstat' };
    }
  }
  return { page: located.page, object: null, objectType: null, table: null, pageType: null, foundBy: 'unknown' };
}

/** SQLite's findings grouped by the place they concern (a page, or an object), each with its owner and a sentence. */
export function damageMap(db: Connection, findings: string[]): DamagedPage[] {
  if (findings.length === 0) return [];
  const objects = treeObjects(db);
  const byRoot = new Map(objects.map((o) => [o.rootpage, o]));
  const byName = new Map(objects.map((o) => [o.name, o]));
  const located = findings.map((message) => ({ message, where: locate(message) }));
  const needsDbstat = located.some(({ where }) => where.page !== null);
  const pages = needsDbstat ? pageOwners(db, objects) : null;
  const grouped = new Map<string, Omit<DamagedPage, 'description'>>();
  for (const { message, where } of located) {
    const placed = place(where, byRoot, byName, pages);
    const key = placed.page !== null ? `page:${placed.page}` : placed.object !== null ? `object:${placed.object}` : `message:${message}`;
    const seen = grouped.get(key);
    if (seen) seen.messages++;
    else grouped.set(key, { ...placed, message, messages: 1 });
  }
  const tablesWithDamagedPages = new Set([...grouped.values()].filter((e) => e.objectType === 'table' && e.page !== null).map((e) => e.object));
  return [...grouped.values()].map((entry) => {
    // An index short of entries because its table lost a page is a consequence, not a second cause.
    const follows = entry.objectType === 'index' && entry.page === null && tablesWithDamagedPages.has(entry.table);
    return {
      ...entry,
      meaning: glossOf(entry.message),
      description: `${describeDamage(entry)}${follows ? ` This follows from the damage to table ${entry.table}'s pages.` : ''}`,
    };
  });
}

/** The tables whose own pages (not only their indexes') are damaged, or whose damage cannot be placed (null in the list). */
export function damagedTables(damage: DamagedPage[]): (string | null)[] {
  const tables = new Set<string | null>();
  for (const d of damage) {
    if (d.objectType === 'index') continue;
    tables.add(d.objectType === 'table' ? d.object : null);
  }
  // The check stopping ("malformed") after a placed table's damage is that damage, not another place.
  if (tables.size > 1) tables.delete(null);
  return [...tables];
}

function isCorruption(err: unknown): err is Error {
  return String((err as { code?: unknown } | null)?.code).startsWith('SQLITE_CORRUPT');
}

const quotedName = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** SQLite's quick_check of one table and its indexes, placed: where a table that cannot be read is damaged. */
export function damageOfTable(db: Connection, table: string): DamagedPage[] {
  const rows: string[] = [];
  try {
    for (const row of db
      .prepare(`PRAGMA quick_check(${quotedName(table)})`)
      .raw(true)
      .iterate() as Iterable<unknown[]>)
      rows.push(String(row[0]));
  } catch (err) {
    if (!isCorruption(err)) throw err;
    rows.push(err.message);
  }
  if (rows.length === 1 && rows[0] === 'ok') return [];
  return damageMap(db, findingsOf(rows));
}

/** The first damaged table among `tables` (checked one by one with quick_check), with where it is damaged. */
export function firstDamagedTable(db: Connection, tables: string[]): { table: string; damage: DamagedPage | undefined } | null {
  for (const table of tables) {
    let found: DamagedPage[];
    try {
      found = damageOfTable(db, table);
    } catch {
      continue;
    }
    if (found.length) return { table, damage: found.find((d) => d.object === table && d.page !== null) ?? found.find((d) => d.page !== null) ?? found[0] };
  }
  return null;
}

/**
 * A read that met a damaged page (SQLITE_CORRUPT), made specific: which table, which page, and
 * what to do — the SQL and the request were fine, the file is not.
 */
export function damagedReadError(
  dbPath: string,
  doing: string,
  found: { table: string; damage: DamagedPage | undefined } | null,
  sqliteMessage: string,
): WardenError {
  const said = found?.damage?.description;
  const message = !found
    ? `${doing} stopped at a damaged page of ${dbPath} (SQLite: ${sqliteMessage}); no table it reads fails quick_check, so the damage may be in an index (a full check places it). Nothing was changed.`
    : said
      ? `${doing} stopped: table ${found.table} in ${dbPath} is damaged. ${said} Nothing was changed.`
      : `${doing} stopped: table ${found.table} in ${dbPath} is damaged (SQLite: ${sqliteMessage}). Nothing was changed.`;
  return new WardenError(
    'CORRUPT',
    message,
    'The other tables can still be read. Keep the file as it is, see every damaged page with a full check, then restore a verified backup or salvage what can be read into a new file.',
    { table: found?.table ?? null, page: found?.damage?.page ?? null, sqliteMessage },
    [{ action: 'preserveCopy' }, { action: 'verify', full: true }, { action: 'backups' }, { action: 'restore' }, { action: 'salvage' }],
  );
}

/** The tables whose names appear in `sql` as words (every table, when it names none): where a read that met damage may have met it. */
export function tablesNamedIn(db: Connection, sql: string): string[] {
  const tables = (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'").all() as { name: string }[]).map(
    (t) => t.name,
  );
  const named = tables.filter((t) => new RegExp(`(^|[^A-Za-z0-9_$])${t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z0-9_$])`, 'i').test(sql));
  return named.length ? named : tables;
}

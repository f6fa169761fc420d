import type { Connection } from '../sqlite/open-database';
import type { Statement, Token } from '../schema/sql-text';

// Which tables a migration can have left with broken foreign keys, so the check before COMMIT
// reads those tables and not the whole database (on 400 MB a full check takes seconds).
// With foreign keys off, a change can break a foreign key only in a table whose rows or
// definition changed, or in a child of such a table. Anything this reading does not follow
// (a CTE, a PRAGMA, a temp object, a write that fires a trigger) answers 'all': the full check.

/** Lower-case names of the tables a script may change, or 'all'. */
export type TouchedTables = ReadonlySet<string> | 'all';

function word(token: Token | undefined): string {
  return token && token.kind === 'word' ? token.text.toLowerCase() : '';
}

function isName(token: Token | undefined): token is Token {
  return token !== undefined && (token.kind === 'word' || token.kind === 'identifier' || token.kind === 'string');
}

interface NameAt {
  name: string;
  next: number;
}

/** The (optionally `main.`-qualified) table name at `k`; null when it is absent or in another schema. */
function tableNameAt(tokens: Token[], k: number): NameAt | null {
  if (!isName(tokens[k])) return null;
  if (tokens[k + 1]?.text === '.') {
    if (tokens[k].text.toLowerCase() !== 'main' || !isName(tokens[k + 2])) return null;
    return { name: nameText(tokens[k + 2]), next: k + 3 };
  }
  return { name: nameText(tokens[k]), next: k + 1 };
}

function nameText(token: Token): string {
  return (token.kind === 'string' ? token.text.slice(1, -1).replace(/''/g, "'") : token.text).toLowerCase();
}

function skipWords(tokens: Token[], k: number, words: string[]): number {
  return words.every((w, i) => word(tokens[k + i]) === w) ? k + words.length : k;
}

/** The table a CREATE TRIGGER fires on: the name after its first ON. */
function triggerTable(tokens: Token[]): string | null {
  const on = tokens.findIndex((t) => word(t) === 'on');
  return on === -1 ? null : (tableNameAt(tokens, on + 1)?.name ?? null);
}

type Effect = { kind: 'none' } | { kind: 'all' } | { kind: 'tables'; tables: string[]; writesRows: boolean };

const NONE: Effect = { kind: 'none' };
const ALL: Effect = { kind: 'all' };

function tables(names: (NameAt | null)[], writesRows: boolean): Effect {
  if (names.some((n) => n === null)) return ALL;
  return { kind: 'tables', tables: names.map((n) => n!.name), writesRows };
}

function effectOfCreate(tokens: Token[]): Effect {
  let k = 1;
  if (['temp', 'temporary', 'virtual'].includes(word(tokens[k]))) return ALL;
  if (word(tokens[k]) === 'unique') k++;
  const object = word(tokens[k]);
  if (object === 'index' || object === 'view' || object === 'trigger') return NONE;
  if (object !== 'table') return ALL;
  return tables([tableNameAt(tokens, skipWords(tokens, k + 1, ['if', 'not', 'exists']))], false);
}

function effectOfAlter(tokens: Token[]): Effect {
  if (word(tokens[1]) !== 'table') return ALL;
  const table = tableNameAt(tokens, 2);
  if (table && word(tokens[table.next]) === 'rename' && word(tokens[table.next + 1]) === 'to') {
    return tables([table, tableNameAt(tokens, table.next + 2)], false);
  }
  return tables([table], false);
}

/** What one statement may change. */
function effectOf(statement: Statement): Effect {
  const tokens = statement.tokens.filter((t) => !(t.kind === 'punct' && t.text === ';'));
  switch (word(tokens[0])) {
    case 'create':
      return effectOfCreate(tokens);
    case 'drop': {
      const object = word(tokens[1]);
      if (object === 'index' || object === 'view' || object === 'trigger') return NONE;
      if (object !== 'table') return ALL;
      return tables([tableNameAt(tokens, skipWords(tokens, 2, ['if', 'exists']))], false);
    }
    case 'alter':
      return effectOfAlter(tokens);
    case 'insert':
    case 'replace': {
      const into = tokens.findIndex((t) => word(t) === 'into');
      return into === -1 ? ALL : tables([tableNameAt(tokens, into + 1)], true);
    }
    case 'update':
      return tables([tableNameAt(tokens, word(tokens[1]) === 'or' ? 3 : 1)], true);
    case 'delete':
      return word(tokens[1]) === 'from' ? tables([tableNameAt(tokens, 2)], true) : ALL;
    case 'select':
    case 'analyze':
    case 'reindex':
      return NONE;
    default:
      return ALL; // WITH … (a CTE before a write), PRAGMA, ATTACH, SAVEPOINT, anything unknown
  }
}

/**
 * The tables `statements` may change. `tablesWithTriggers` are the tables (and views) that had
 * triggers before the script ran; triggers the script itself creates are added. A row written
 * into any of them may fire a trigger that writes elsewhere, so such a write answers 'all'.
 */
export function tablesTouchedBy(statements: Statement[], tablesWithTriggers: ReadonlySet<string>): TouchedTables {
  const triggered = new Set(tablesWithTriggers);
  for (const statement of statements) {
    const tokens = statement.tokens;
    if (word(tokens[0]) === 'create' && tokens.slice(1, 4).some((t) => word(t) === 'trigger')) {
      const table = triggerTable(tokens);
      if (table === null) return 'all';
      triggered.add(table);
    }
  }
  const touched = new Set<string>();
  for (const statement of statements) {
    const effect = effectOf(statement);
    if (effect.kind === 'all') return 'all';
    if (effect.kind === 'none') continue;
    if (effect.writesRows && effect.tables.some((t) => triggered.has(t))) return 'all';
    for (const table of effect.tables) touched.add(table);
  }
  return touched;
}

/** Tables and views of the main database that have triggers, lower-case. */
export function tablesWithTriggers(db: Connection): Set<string> {
  const rows = db.prepare("SELECT DISTINCT lower(tbl_name) AS name FROM sqlite_master WHERE type = 'trigger'").all() as { name: string }[];
  return new Set(rows.map((r) => r.name));
}

/** The tables whose foreign keys must be checked after `touched` changed: the touched ones and their children. */
export function tablesToCheck(db: Connection, touched: TouchedTables): string[] | 'all' {
  if (touched === 'all') return 'all';
  const rows = db
    .prepare(
      `SELECT m.name AS name, lower(f."table") AS parent
       FROM sqlite_master AS m LEFT JOIN pragma_foreign_key_list(m.name) AS f
       WHERE m.type = 'table'`,
    )
    .all() as { name: string; parent: string | null }[];
  const check = new Set<string>();
  for (const row of rows) {
    if (touched.has(row.name.toLowerCase()) || (row.parent !== null && touched.has(row.parent))) check.add(row.name);
  }
  return [...check].sort();
}

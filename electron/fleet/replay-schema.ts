import Database from 'better-sqlite3';
import type { SchemaObjectsReport } from '../../shared/types/schema';
import { closingParen, type Connection, type Token, tokenize, WardenError } from '../engine';

// `fleet compare` replays each deployment's CREATE statements on this machine, and they come from
// another machine. A hostile agent answered `CREATE TABLE x AS WITH RECURSIVE … randomblob(1000)`,
// which ran its query here and grew the operator's process without limit. A schema is empty
// objects: only statements that create one are replayed (a table from its column list, an
// index, a view, a trigger — none of which reads or writes a row when created), one statement
// each, in a scratch database whose size (and so its memory: it lives in memory) is capped.

/** Far more than any schema takes (the statements themselves are bounded by the answer's 32 MB). */
export const MAX_SCRATCH_BYTES = 64 * 1024 * 1024;
const PAGE_BYTES = 4096;

/** Words that may follow a table's column list: its table options (sqlite.org/lang_createtable.html). */
const TABLE_OPTIONS = new Set(['without', 'rowid', 'strict']);

const word = (token: Token | undefined) => (token?.kind === 'word' ? token.text.toLowerCase() : '');

/** Why `sql` is not one statement creating an empty object, or null when it is one. */
export function notAnEmptyObject(sql: string): string | null {
  const tokens = tokenize(sql).filter((t, k, all) => !(t.text === ';' && k === all.length - 1));
  if (word(tokens[0]) !== 'create') return 'it is not a CREATE statement';
  let k = 1;
  if (word(tokens[k]) === 'temp' || word(tokens[k]) === 'temporary') return "it creates a temporary object, which is no part of a database's schema";
  if (word(tokens[k]) === 'unique') k++;
  const what = word(tokens[k]);
  if (what === 'index' || what === 'view' || what === 'trigger') return null;
  if (what === 'virtual' && word(tokens[k + 1]) === 'table') return null;
  if (what !== 'table') return 'it does not create a table, index, view or trigger';
  k++;
  if (word(tokens[k]) === 'if' && word(tokens[k + 1]) === 'not' && word(tokens[k + 2]) === 'exists') k += 3;
  k += tokens[k + 1]?.text === '.' ? 3 : 1; // the name, with its schema prefix if any
  // CREATE TABLE … AS SELECT runs its query (SQLite stores a table made so as a column list: no real schema holds one).
  const close = tokens[k]?.text === '(' ? closingParen(tokens, k) : -1;
  if (close === -1) return 'it creates a table from a query (AS SELECT) instead of a column list, and that query would run here';
  const rest = tokens.slice(close + 1);
  if (!rest.every((t) => t.text === ',' || TABLE_OPTIONS.has(word(t)))) return "it has more than a column list and table options after the table's name";
  return null;
}

/** An in-memory database holding exactly these objects (tables first, then the rest in stored order). */
export function replaySchema(report: SchemaObjectsReport, deployment: string, maxBytes = MAX_SCRATCH_BYTES): Connection {
  const db = new Database(':memory:');
  db.pragma(`page_size = ${PAGE_BYTES}`);
  db.pragma(`max_page_count = ${Math.ceil(maxBytes / PAGE_BYTES)}`);
  const own = report.objects.filter((o) => o.sql !== null && !o.name.toLowerCase().startsWith('sqlite_'));
  for (const object of [...own.filter((o) => o.type === 'table'), ...own.filter((o) => o.type !== 'table')]) {
    try {
      const refused = notAnEmptyObject(object.sql!);
      if (refused) throw new Error(`${refused}.`);
      // prepare refuses a string of more than one statement: "CREATE TABLE a(x); ATTACH '/home/me/prod.db' AS v; DROP TABLE v.files" once ran here.
      db.prepare(object.sql!).run();
    } catch (err) {
      db.close();
      const full =
        (err as { code?: unknown }).code === 'SQLITE_FULL' ? ` (the scratch database holding its schema is capped at ${maxBytes / 1024 / 1024} MB)` : '';
      throw new WardenError(
        'SCHEMA_INVALID',
        `The ${object.type} ${object.name} of ${deployment} cannot be read back: ${(err as Error).message}${full}`,
        'Run `warden verify` on that deployment: a schema is only CREATE statements of tables, indexes, views and triggers.',
      );
    }
  }
  return db;
}

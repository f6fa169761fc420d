import { canonicalExpression, closingParen, splitAtCommas, tokenize, type Token } from './sql-text';

// What a CREATE TABLE says that no pragma shows: a column's COLLATE, the ON CONFLICT clause of
// its NOT NULL / UNIQUE / PRIMARY KEY, a generated column's expression, and whether a foreign
// key is DEFERRABLE INITIALLY DEFERRED. Each changes what a write does, so each is compared.

export interface ColumnClauses {
  /** The declared collation, upper case; null for none or BINARY (the default). */
  collation: string | null;
  /** ON CONFLICT of NOT NULL / PRIMARY KEY, upper case; null for none or ABORT (the default). */
  notNullConflict: string | null;
  primaryKeyConflict: string | null;
  /** The expression of a generated column, canonical. */
  generatedAs: string | null;
}

export interface TableDefinition {
  columns: Map<string, ColumnClauses>;
  /** ON CONFLICT of each UNIQUE (column or table level), by its columns ("a, b"). */
  uniqueConflicts: Map<string, string>;
  /** Foreign keys declared DEFERRABLE INITIALLY DEFERRED, by foreignKeyKey(). */
  deferredForeignKeys: Set<string>;
}

const word = (t: Token | undefined) => (t?.kind === 'word' ? t.text.toLowerCase() : '');
const nameOf = (t: Token | undefined) => (t === undefined ? '' : t.kind === 'string' ? t.text.slice(1, -1).replace(/''/g, "'") : t.text).toLowerCase();

export const foreignKeyKey = (from: string[], parent: string) => `${from.join(',')}→${parent}`;

/** The conflict resolution after ON CONFLICT at `k`, or null when there is none or it is the default ABORT. */
function conflictAt(tokens: Token[], k: number): string | null {
  if (word(tokens[k]) !== 'on' || word(tokens[k + 1]) !== 'conflict') return null;
  const resolution = word(tokens[k + 2]).toUpperCase();
  return resolution === 'ABORT' || resolution === '' ? null : resolution;
}

/** `DEFERRABLE INITIALLY DEFERRED` (not preceded by NOT) anywhere in a REFERENCES clause. */
function isDeferred(clause: Token[]): boolean {
  const at = clause.findIndex((t) => word(t) === 'deferrable');
  return at !== -1 && word(clause[at - 1]) !== 'not' && word(clause[at + 1]) === 'initially' && word(clause[at + 2]) === 'deferred';
}

/** Column names of a parenthesized list at `open` (COLLATE, ASC and DESC dropped). */
function columnList(tokens: Token[], open: number): string[] {
  const close = closingParen(tokens, open);
  return close === -1 ? [] : splitAtCommas(tokens.slice(open + 1, close)).map((item) => nameOf(item[0]));
}

const COLUMN_CONSTRAINT_START = new Set(['constraint', 'primary', 'null', 'unique', 'check', 'default', 'collate', 'generated', 'as', 'references']);

/** The tokens of a REFERENCES clause starting at `k`, up to the next column constraint. */
function referencesClause(tokens: Token[], k: number): Token[] {
  let end = k + 1;
  while (end < tokens.length && !(COLUMN_CONSTRAINT_START.has(word(tokens[end])) || (word(tokens[end]) === 'not' && word(tokens[end + 1]) === 'null'))) {
    end = tokens[end].text === '(' ? closingParen(tokens, end) + 1 || tokens.length : end + 1;
  }
  return tokens.slice(k, end);
}

function parseColumn(name: string, tokens: Token[], table: TableDefinition): void {
  const clauses: ColumnClauses = { collation: null, notNullConflict: null, primaryKeyConflict: null, generatedAs: null };
  for (let k = 0; k < tokens.length; k++) {
    const w = word(tokens[k]);
    if (tokens[k].text === '(') {
      k = Math.max(k, closingParen(tokens, k)); // a CHECK, DEFAULT or type argument: nothing of the column's clauses inside
    } else if (w === 'collate') {
      const collation = nameOf(tokens[++k]).toUpperCase();
      clauses.collation = collation === 'BINARY' ? null : collation;
    } else if (w === 'not' && word(tokens[k + 1]) === 'null') {
      clauses.notNullConflict = conflictAt(tokens, k + 2);
    } else if (w === 'primary' && word(tokens[k + 1]) === 'key') {
      const after = ['asc', 'desc'].includes(word(tokens[k + 2])) ? k + 3 : k + 2;
      clauses.primaryKeyConflict = conflictAt(tokens, after);
    } else if (w === 'unique') {
      const conflict = conflictAt(tokens, k + 1);
      if (conflict) table.uniqueConflicts.set(name, conflict);
    } else if (w === 'as' && tokens[k + 1]?.text === '(') {
      const close = closingParen(tokens, k + 1);
      clauses.generatedAs = canonicalExpression(tokens.slice(k + 2, close === -1 ? tokens.length : close));
      k = close === -1 ? tokens.length : close;
    } else if (w === 'references') {
      const clause = referencesClause(tokens, k);
      if (isDeferred(clause)) table.deferredForeignKeys.add(foreignKeyKey([name], nameOf(clause[1])));
      k += clause.length - 1;
    }
  }
  table.columns.set(name, clauses);
}

function parseTableConstraint(tokens: Token[], table: TableDefinition, primaryKey: (conflict: string | null, columns: string[]) => void): void {
  const k = word(tokens[0]) === 'constraint' ? 2 : 0;
  const w = word(tokens[k]);
  if (w === 'primary' || w === 'unique') {
    const open = tokens.findIndex((t, i) => i > k && t.text === '(');
    if (open === -1) return;
    const columns = columnList(tokens, open);
    const conflict = conflictAt(tokens, closingParen(tokens, open) + 1);
    if (w === 'primary') primaryKey(conflict, columns);
    else if (conflict) table.uniqueConflicts.set(columns.join(', '), conflict);
  } else if (w === 'foreign') {
    const open = tokens.findIndex((t, i) => i > k && t.text === '(');
    const references = tokens.findIndex((t) => word(t) === 'references');
    if (open !== -1 && references !== -1 && isDeferred(tokens.slice(references))) {
      table.deferredForeignKeys.add(foreignKeyKey(columnList(tokens, open), nameOf(tokens[references + 1])));
    }
  }
}

const TABLE_CONSTRAINT_START = new Set(['constraint', 'primary', 'unique', 'check', 'foreign']);

/** Reads the clauses above from a CREATE TABLE statement (its sqlite_master SQL). */
export function parseTableDefinition(sql: string): TableDefinition {
  const table: TableDefinition = { columns: new Map(), uniqueConflicts: new Map(), deferredForeignKeys: new Set() };
  const tokens = tokenize(sql);
  const open = tokens.findIndex((t) => t.text === '(');
  const close = open === -1 ? -1 : closingParen(tokens, open);
  if (close === -1) return table;
  let tablePrimaryKey: { conflict: string | null; columns: string[] } | null = null;
  for (const part of splitAtCommas(tokens.slice(open + 1, close))) {
    if (part[0].kind === 'word' && TABLE_CONSTRAINT_START.has(word(part[0]))) {
      parseTableConstraint(part, table, (conflict, columns) => (tablePrimaryKey = { conflict, columns }));
    } else {
      parseColumn(nameOf(part[0]), part.slice(1), table);
    }
  }
  // PRIMARY KEY (a, b) ON CONFLICT …: each key column carries the clause, as a column-level one would.
  const key = tablePrimaryKey as { conflict: string | null; columns: string[] } | null;
  for (const column of key?.columns ?? []) {
    const clauses = table.columns.get(column);
    if (clauses) clauses.primaryKeyConflict = key!.conflict;
  }
  return table;
}

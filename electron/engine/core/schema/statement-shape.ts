import { closingParen, normalizeTokens, splitAtCommas, type Statement, type Token } from './sql-text';

// What a migration statement does to the schema, read from its tokens: just enough for the
// linter's rules. Names are lower-case and without their schema prefix (main.t → t).

export interface ColumnDefinition {
  name: string;
  notNull: boolean;
  /** A DEFAULT other than NULL. */
  hasDefault: boolean;
  /** NOT NULL ON CONFLICT REPLACE with a DEFAULT: an inserted NULL stores the default (sqlite.org/lang_conflict.html). */
  nullInsertStoresDefault: boolean;
  /** The parent table of a column-level REFERENCES. */
  references: string | null;
}

export type StatementShape =
  | { kind: 'create-table'; table: string; columns: ColumnDefinition[]; parents: string[] }
  | { kind: 'create-index'; name: string }
  | { kind: 'create-trigger'; name: string }
  | {
      kind: 'copy';
      into: string;
      from: string[] /** column → normalized SELECT expression, for INSERT INTO t (cols) SELECT exprs */;
      values: Map<string, string>;
    }
  | { kind: 'drop-table'; table: string }
  | { kind: 'rename-table'; table: string; to: string }
  | { kind: 'add-column'; table: string; column: ColumnDefinition }
  | { kind: 'drop-column'; table: string; column: string }
  | { kind: 'transaction-control'; verb: string }
  | { kind: 'attach'; verb: 'ATTACH' | 'DETACH' }
  | { kind: 'vacuum'; into: boolean }
  | { kind: 'set-pragma'; pragma: string }
  | { kind: 'all-rows'; verb: 'DELETE' | 'UPDATE'; table: string }
  | { kind: 'other' };

function wordAt(tokens: Token[], k: number): string {
  const token = tokens[k];
  return token !== undefined && token.kind === 'word' ? token.text.toLowerCase() : '';
}

/** The name at `k` (skipping a `schema.` prefix) and the index after it. */
function nameAt(tokens: Token[], k: number): { name: string; next: number } {
  const at = tokens[k + 1]?.text === '.' ? k + 2 : k;
  return { name: tokens[at]?.text.toLowerCase() ?? '', next: at + 1 };
}

/** Index after the optional words (IF NOT EXISTS, IF EXISTS, COLUMN…) when they are all there, else `k`. */
function skipWords(tokens: Token[], k: number, ...words: string[]): number {
  return words.every((word, offset) => wordAt(tokens, k + offset) === word) ? k + words.length : k;
}

/** Index of the first `word` outside parentheses, from `start` on, or -1. */
function topLevelWord(tokens: Token[], word: string, start = 0): number {
  let depth = 0;
  for (let k = start; k < tokens.length; k++) {
    if (tokens[k].text === '(') depth++;
    else if (tokens[k].text === ')') depth--;
    else if (depth === 0 && wordAt(tokens, k) === word) return k;
  }
  return -1;
}

function namesAfter(tokens: Token[], words: string[]): string[] {
  const names: string[] = [];
  tokens.forEach((_, k) => {
    if (words.includes(wordAt(tokens, k)) && tokens[k + 1] && tokens[k + 1].text !== '(') names.push(nameAt(tokens, k + 1).name);
  });
  return names;
}

export function columnDefinition(part: Token[]): ColumnDefinition {
  const words = part.map((_, k) => wordAt(part, k));
  const defaultAt = words.indexOf('default');
  const referencesAt = words.indexOf('references');
  const hasDefault = defaultAt !== -1 && words[defaultAt + 1] !== 'null';
  return {
    name: part[0]?.text.toLowerCase() ?? '',
    notNull: words.some((word, k) => word === 'not' && words[k + 1] === 'null'),
    hasDefault,
    nullInsertStoresDefault:
      hasDefault &&
      words.some((word, k) => word === 'not' && words[k + 1] === 'null' && words[k + 2] === 'on' && words[k + 3] === 'conflict' && words[k + 4] === 'replace'),
    references: referencesAt === -1 ? null : nameAt(part, referencesAt + 1).name,
  };
}

const TABLE_CONSTRAINTS = new Set(['constraint', 'primary', 'unique', 'check', 'foreign']);

function createTable(tokens: Token[], k: number): StatementShape {
  const { name, next } = nameAt(tokens, skipWords(tokens, k, 'if', 'not', 'exists'));
  const open = tokens[next]?.text === '(' ? next : -1;
  const close = open === -1 ? -1 : closingParen(tokens, open);
  if (close === -1) return { kind: 'create-table', table: name, columns: [], parents: namesAfter(tokens, ['references']) };
  const parts = splitAtCommas(tokens.slice(open + 1, close));
  const columns = parts.filter((part) => !TABLE_CONSTRAINTS.has(wordAt(part, 0))).map(columnDefinition);
  return { kind: 'create-table', table: name, columns, parents: [...new Set(namesAfter(tokens, ['references']))] };
}

function create(tokens: Token[]): StatementShape {
  let k = 1;
  if (['temp', 'temporary'].includes(wordAt(tokens, k))) k++;
  if (wordAt(tokens, k) === 'unique') k++;
  const what = wordAt(tokens, k);
  if (what === 'table') return createTable(tokens, k + 1);
  if (what === 'index' || what === 'trigger') {
    return { kind: what === 'index' ? 'create-index' : 'create-trigger', name: nameAt(tokens, skipWords(tokens, k + 1, 'if', 'not', 'exists')).name };
  }
  return { kind: 'other' };
}

function alterTable(tokens: Token[]): StatementShape {
  if (wordAt(tokens, 1) !== 'table') return { kind: 'other' };
  const { name: table, next } = nameAt(tokens, 2);
  const action = wordAt(tokens, next);
  if (action === 'rename' && wordAt(tokens, next + 1) === 'to') return { kind: 'rename-table', table, to: nameAt(tokens, next + 2).name };
  if (action === 'add')
    return { kind: 'add-column', table, column: columnDefinition(tokens.slice(skipWords(tokens, next + 1, 'column')).filter((t) => t.text !== ';')) };
  if (action === 'drop') return { kind: 'drop-column', table, column: nameAt(tokens, skipWords(tokens, next + 1, 'column')).name };
  return { kind: 'other' };
}

/** INSERT INTO t [(columns)] SELECT …: where rows go, where they come from, and what each column gets. */
function copy(tokens: Token[]): StatementShape {
  const into = tokens.findIndex((_, k) => wordAt(tokens, k) === 'into');
  if (into === -1) return { kind: 'other' };
  const { name, next } = nameAt(tokens, into + 1);
  const values = new Map<string, string>();
  const close = tokens[next]?.text === '(' ? closingParen(tokens, next) : -1;
  const select = topLevelWord(tokens, 'select', Math.max(next, close + 1));
  if (close !== -1 && select !== -1) {
    const end = topLevelWord(tokens, 'from', select);
    const columns = splitAtCommas(tokens.slice(next + 1, close));
    const expressions = splitAtCommas(tokens.slice(select + 1, end === -1 ? tokens.length : end));
    columns.forEach((column, k) => {
      if (expressions[k]) values.set(column[0].text.toLowerCase(), normalizeTokens(expressions[k]));
    });
  }
  return { kind: 'copy', into: name, from: namesAfter(tokens, ['from', 'join']), values };
}

const TRANSACTION_VERBS = new Set(['begin', 'commit', 'end', 'rollback']);

export function shapeOf(statement: Statement): StatementShape {
  const tokens = statement.tokens;
  const verb = wordAt(tokens, 0);
  switch (verb) {
    case 'create':
      return create(tokens);
    case 'alter':
      return alterTable(tokens);
    case 'drop':
      return wordAt(tokens, 1) === 'table' ? { kind: 'drop-table', table: nameAt(tokens, skipWords(tokens, 2, 'if', 'exists')).name } : { kind: 'other' };
    case 'insert':
    case 'replace':
      return copy(tokens);
    case 'attach':
    case 'detach':
      return { kind: 'attach', verb: verb === 'attach' ? 'ATTACH' : 'DETACH' };
    case 'vacuum':
      return { kind: 'vacuum', into: topLevelWord(tokens, 'into') !== -1 };
    case 'pragma': {
      const { name, next } = nameAt(tokens, 1);
      return tokens[next]?.text === '=' || tokens[next]?.text === '(' ? { kind: 'set-pragma', pragma: name } : { kind: 'other' };
    }
    case 'delete':
    case 'update': {
      if (topLevelWord(tokens, 'where') !== -1) return { kind: 'other' };
      const at = verb === 'delete' ? skipWords(tokens, 1, 'from') : wordAt(tokens, 1) === 'or' ? 3 : 1; // UPDATE OR REPLACE t
      return { kind: 'all-rows', verb: verb === 'delete' ? 'DELETE' : 'UPDATE', table: nameAt(tokens, at).name };
    }
    default:
      // ROLLBACK TO a savepoint stays inside the transaction; a bare ROLLBACK, BEGIN, COMMIT or END does not.
      if (TRANSACTION_VERBS.has(verb) && !(verb === 'rollback' && tokens.some((_, k) => wordAt(tokens, k) === 'to'))) {
        return { kind: 'transaction-control', verb: verb.toUpperCase() };
      }
      return { kind: 'other' };
  }
}

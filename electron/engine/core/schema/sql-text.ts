// A small SQL tokenizer: enough of SQLite's lexical rules to split scripts into statements,
// compare schema SQL while ignoring formatting, and find CHECK constraints.
// Pragmas do not expose CHECK constraints, so they can only be read from the CREATE TABLE text.

export type TokenKind = 'word' | 'identifier' | 'string' | 'number' | 'punct' | 'blob';

export interface Token {
  kind: TokenKind;
  text: string;
  /** 1-based line where the token starts. */
  line: number;
  /** Offset of the token's first character in the source. */
  start: number;
  end: number;
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  const push = (kind: TokenKind, start: number, end: number, text = sql.slice(start, end)) => {
    tokens.push({ kind, text, line, start, end });
    for (let k = start; k < end; k++) if (sql[k] === '\n') line++;
  };
  while (i < sql.length) {
    const c = sql[i];
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
    } else if (c === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      const end = close === -1 ? sql.length : close + 2;
      for (let k = i; k < end; k++) if (sql[k] === '\n') line++;
      i = end;
    } else if (c === "'" || ((c === 'x' || c === 'X') && sql[i + 1] === "'")) {
      const start = i;
      i = c === "'" ? i + 1 : i + 2;
      while (i < sql.length) {
        if (sql[i] === "'" && sql[i + 1] === "'") i += 2;
        else if (sql[i] === "'") break;
        else i++;
      }
      push(c === "'" ? 'string' : 'blob', start, Math.min(i + 1, sql.length));
      i++;
    } else if (c === '"' || c === '`' || c === '[') {
      const close = c === '[' ? ']' : c;
      const start = i;
      let name = '';
      i++;
      while (i < sql.length) {
        if (sql[i] === close && close !== ']' && sql[i + 1] === close) {
          name += close;
          i += 2;
        } else if (sql[i] === close) break;
        else name += sql[i++];
      }
      push('identifier', start, Math.min(i + 1, sql.length), name);
      i++;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      const start = i;
      while (i < sql.length && /[0-9A-Za-z_.]/.test(sql[i])) {
        if ((sql[i] === 'e' || sql[i] === 'E') && /[+-]/.test(sql[i + 1] ?? '')) i++;
        i++;
      }
      push('number', start, i);
    } else if (WORD_START.test(c)) {
      const start = i;
      while (i < sql.length && WORD_PART.test(sql[i])) i++;
      push('word', start, i);
    } else {
      const two = sql.slice(i, i + 2);
      const len = ['<=', '>=', '<>', '!=', '==', '||', '<<', '>>', '->'].includes(two) ? (sql.slice(i, i + 3) === '->>' ? 3 : 2) : 1;
      push('punct', i, i + len);
      i += len;
    }
  }
  return tokens;
}

/** A quoted name that reads as one word loses its quotes; any other keeps them, so it stays one name. */
const PLAIN_NAME = /^[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*$/;

/** A token as it compares: case and quoting of names and keywords do not count; literals do. */
function canonical(token: Token): string {
  switch (token.kind) {
    case 'word':
      return token.text.toLowerCase();
    case 'identifier': {
      const name = token.text.toLowerCase();
      return PLAIN_NAME.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
    }
    case 'blob':
      return token.text.toLowerCase();
    default:
      return token.text;
  }
}

/**
 * Canonical tokens joined the way a person writes them: no space inside parentheses, before a
 * comma or around a dot. Deterministic, so two texts compare equal exactly when their tokens do.
 */
export function normalizeTokens(tokens: Token[]): string {
  let text = '';
  tokens.forEach((token, k) => {
    const previous = tokens[k - 1];
    const glued = previous === undefined || previous.text === '(' || previous.text === '.' || [')', ',', '.'].includes(token.text);
    text += `${glued ? '' : ' '}${canonical(token)}`;
  });
  return text;
}

/** SQL with formatting, comments, keyword case and identifier quoting taken out. */
export function normalizeSql(sql: string): string {
  const tokens = tokenize(sql);
  while (tokens.length && tokens[tokens.length - 1].text === ';') tokens.pop();
  return normalizeTokens(tokens);
}

/** Index of the token that closes the parenthesis opened at `open`, or -1. */
export function closingParen(tokens: Token[], open: number): number {
  let depth = 0;
  for (let k = open; k < tokens.length; k++) {
    if (tokens[k].text === '(') depth++;
    else if (tokens[k].text === ')' && --depth === 0) return k;
  }
  return -1;
}

/** Splits tokens at top-level commas. */
export function splitAtCommas(tokens: Token[]): Token[][] {
  const parts: Token[][] = [[]];
  let depth = 0;
  for (const token of tokens) {
    if (token.text === '(') depth++;
    else if (token.text === ')') depth--;
    if (token.text === ',' && depth === 0) parts.push([]);
    else parts[parts.length - 1].push(token);
  }
  return parts.filter((part) => part.length > 0);
}

/** Words after which a parenthesis opens an operand, not a function's arguments, a column list or an IN list. */
const OPERAND_AFTER = new Set([
  'and',
  'or',
  'not',
  'is',
  'when',
  'then',
  'else',
  'case',
  'between',
  'like',
  'glob',
  'regexp',
  'match',
  'escape',
  'where',
  'select',
  'set',
]);

function opensOperand(previous: Token | undefined): boolean {
  if (previous === undefined) return true;
  if (previous.kind === 'punct') return previous.text !== ')' && previous.text !== '.';
  return previous.kind === 'word' && OPERAND_AFTER.has(previous.text.toLowerCase());
}

const isName = (t: Token | undefined) => t !== undefined && (t.kind === 'word' || t.kind === 'identifier');

/** One operand that no operator can split: a literal, a (qualified) name, a call, a signed one of those, or one parenthesized group. */
function isPrimary(tokens: Token[]): boolean {
  if (tokens.length === 0) return false;
  if (tokens[0].text === '(' && tokens[0].kind === 'punct') return closingParen(tokens, 0) === tokens.length - 1;
  if ((tokens[0].text === '-' || tokens[0].text === '+') && tokens.length > 1) return isPrimary(tokens.slice(1));
  if (tokens.length === 1) return tokens[0].kind !== 'punct';
  if (isName(tokens[0]) && tokens[1].text === '(') return closingParen(tokens, 1) === tokens.length - 1;
  return tokens.every((t, k) => (k % 2 === 0 ? isName(t) : t.text === '.')) && tokens.length % 2 === 1;
}

/**
 * Drops parentheses that change nothing: around a single operand (`(col) IN (…)`) and around a
 * whole expression (`((x >= 0))`). Parentheses that group an operator with its operands stay,
 * and so do a call's arguments and IN, VALUES and column lists (what precedes them says so).
 */
export function stripRedundantParens(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const close = tokens[k].text === '(' && tokens[k].kind === 'punct' ? closingParen(tokens, k) : -1;
    if (close === -1) {
      out.push(tokens[k]);
      continue;
    }
    const inner = stripRedundantParens(tokens.slice(k + 1, close));
    if (opensOperand(out[out.length - 1]) && isPrimary(inner)) out.push(...inner);
    else out.push(tokens[k], ...inner, tokens[close]);
    k = close;
  }
  // A parenthesized list (a row value: `(a, b)`) is not one expression in parentheses.
  let whole = out;
  while (whole.length > 2 && whole[0].text === '(' && closingParen(whole, 0) === whole.length - 1 && splitAtCommas(whole.slice(1, -1)).length === 1)
    whole = whole.slice(1, -1);
  return whole;
}

/** An expression as it compares: formatting, quoting and redundant parentheses do not count. */
export function canonicalExpression(expression: string | Token[]): string {
  return normalizeTokens(stripRedundantParens(typeof expression === 'string' ? tokenize(expression) : expression));
}

/** Every CHECK expression in a CREATE TABLE statement (column or table level), normalized and sorted. */
export function extractChecks(createTableSql: string): string[] {
  return checksAsWritten(createTableSql)
    .map((c) => c.normalized)
    .sort();
}

/** Every CHECK expression of a CREATE TABLE: normalized, and exactly as the statement spells it (to show a person). */
export function checksAsWritten(createTableSql: string): { normalized: string; written: string }[] {
  const tokens = tokenize(createTableSql);
  const checks: { normalized: string; written: string }[] = [];
  for (let k = 0; k < tokens.length - 1; k++) {
    if (tokens[k].kind === 'word' && tokens[k].text.toLowerCase() === 'check' && tokens[k + 1].text === '(') {
      const close = closingParen(tokens, k + 1);
      if (close === -1) break;
      const expression = tokens.slice(k + 2, close);
      const written = expression.length ? createTableSql.slice(expression[0].start, expression[expression.length - 1].end) : '';
      checks.push({ normalized: normalizeTokens(expression), written });
      k = close;
    }
  }
  return checks;
}

export interface Statement {
  sql: string;
  /** 1-based line of the statement's first token in the script. */
  line: number;
  tokens: Token[];
}

function isWord(token: Token | undefined, word: string): boolean {
  return token !== undefined && token.kind === 'word' && token.text.toLowerCase() === word;
}

/** True when the statement's tokens so far open a CREATE TRIGGER, whose body holds semicolons. */
function isTrigger(tokens: Token[]): boolean {
  let k = 0;
  if (!isWord(tokens[k++], 'create')) return false;
  if (isWord(tokens[k], 'temp') || isWord(tokens[k], 'temporary')) k++;
  return isWord(tokens[k], 'trigger');
}

/**
 * Splits a script into statements at semicolons, keeping a trigger's BEGIN … END body whole
 * (CASE … END inside the body is counted so its END does not close the body early).
 */
export function splitStatements(sql: string): Statement[] {
  const tokens = tokenize(sql);
  const statements: Statement[] = [];
  let current: Token[] = [];
  let bodyDepth = 0;
  const finish = () => {
    if (current.length > 0) {
      const start = current[0].start;
      const end = current[current.length - 1].end;
      statements.push({ sql: sql.slice(start, end), line: current[0].line, tokens: current });
    }
    current = [];
    bodyDepth = 0;
  };
  for (const token of tokens) {
    if (token.text === ';' && token.kind === 'punct' && bodyDepth === 0) {
      current.push(token);
      finish();
      continue;
    }
    current.push(token);
    if (isTrigger(current)) {
      if (isWord(token, 'begin') || isWord(token, 'case')) bodyDepth++;
      else if (isWord(token, 'end')) bodyDepth = Math.max(0, bodyDepth - 1);
    }
  }
  finish();
  return statements;
}

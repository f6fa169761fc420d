// The schema's names offered as you type in the query box: table and view names, and column
// names — after `name.` (a table, or an alias given in FROM/JOIN) only that table's columns.

export interface SchemaObject {
  name: string;
  kind: 'table' | 'view';
  columns: string[];
}

export interface Suggestion {
  /** The name as the schema spells it. */
  label: string;
  /** What replaces the word being typed: the name, double-quoted when it is not a plain identifier. */
  insert: string;
  /** "table", "view", or "column of conversation_files, file_metadata". */
  detail: string;
}

export interface Completion {
  /** The span of the text the chosen suggestion replaces. */
  from: number;
  to: number;
  suggestions: Suggestion[];
}

const MAX_SUGGESTIONS = 10;
const PLAIN = /^[A-Za-z_][A-Za-z0-9_]*$/;
const quoteIfNeeded = (name: string) => (PLAIN.test(name) ? name : `"${name.replace(/"/g, '""')}"`);
const unquote = (name: string) => (name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"') : name);

/** Aliases given in FROM and JOIN clauses (`FROM conversation_files cf`, `JOIN file_metadata AS m`), by lower-cased alias. */
function aliasesIn(text: string): Map<string, string> {
  const aliases = new Map<string, string>();
  const clause = /\b(?:from|join)\s+("(?:[^"]|"")+"|[A-Za-z_][\w$]*)(?:\s+(?:as\s+)?([A-Za-z_][\w$]*))?/gi;
  for (const match of text.matchAll(clause)) {
    const alias = match[2];
    if (alias && !/^(where|join|on|inner|left|right|cross|natural|group|order|limit|using|union|as)$/i.test(alias))
      aliases.set(alias.toLowerCase(), unquote(match[1]));
  }
  return aliases;
}

/** Whether the caret is inside a string literal or a comment, where names are not offered. */
function insideLiteral(before: string): boolean {
  const withoutComments = before.replace(/--[^\n]*$/, '\u0000');
  if (withoutComments.endsWith('\u0000')) return true;
  return (withoutComments.match(/'/g)?.length ?? 0) % 2 === 1;
}

/** What to offer at `caret` in `text`, or null when nothing fits. */
export function completionAt(text: string, caret: number, schema: SchemaObject[]): Completion | null {
  const before = text.slice(0, caret);
  if (insideLiteral(before)) return null;
  const match = /(?:("(?:[^"]|"")+"|[A-Za-z_][\w$]*)\.)?([A-Za-z_][\w$]*)?$/.exec(before);
  const qualifier = match?.[1];
  const word = match?.[2] ?? '';
  if (!qualifier && word === '') return null;
  const prefix = word.toLowerCase();
  const from = caret - word.length;
  const fits = (name: string) => name.toLowerCase().startsWith(prefix);

  let suggestions: Suggestion[];
  if (qualifier) {
    const named = unquote(qualifier);
    const tableName = aliasesIn(text).get(named.toLowerCase()) ?? named;
    const table = schema.find((t) => t.name.toLowerCase() === tableName.toLowerCase());
    if (!table) return null;
    suggestions = table.columns.filter(fits).map((c) => ({ label: c, insert: quoteIfNeeded(c), detail: `column of ${table.name}` }));
  } else {
    const tables = schema.filter((t) => fits(t.name)).map((t) => ({ label: t.name, insert: quoteIfNeeded(t.name), detail: t.kind }));
    const owners = new Map<string, string[]>();
    for (const table of schema) for (const column of table.columns.filter(fits)) owners.set(column, [...(owners.get(column) ?? []), table.name]);
    const columns = [...owners]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([column, of]) => ({ label: column, insert: quoteIfNeeded(column), detail: `column of ${of.join(', ')}` }));
    suggestions = [...tables, ...columns];
  }
  // A name typed out in full needs no offer.
  if (suggestions.length === 1 && suggestions[0].label === word) return null;
  return suggestions.length ? { from, to: caret, suggestions: suggestions.slice(0, MAX_SUGGESTIONS) } : null;
}

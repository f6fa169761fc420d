import type { ErrorInfo } from '../../shared/errors';
import type { Problem } from '../../shared/types/schema';
import { commandFor, nextLines, type CommandWords } from './suggested-commands';

/** A plain text table: columns padded to their widest cell, the last column left free. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

export function problemTable(problems: Problem[]): string {
  return table(
    ['SEVERITY', 'KIND', 'NAME', 'CHANGE', 'WHAT'],
    problems.map((p) => [p.severity, p.kind, p.table && p.table !== p.name ? `${p.table}.${p.name}` : p.name, p.change, p.message]),
  );
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/**
 * Text wrapped at spaces to `width` columns, so a terminal does not cut its words; its own line
 * breaks stay, and a word longer than a line (a path) gets a line of its own rather than a cut.
 */
export function wrapToWidth(text: string, width: number): string {
  return text
    .split('\n')
    .map((paragraph) => {
      const lines: string[] = [];
      let line = '';
      for (const word of paragraph.split(' ')) {
        if (line && line.length + 1 + word.length > width) {
          lines.push(line);
          line = word;
        } else {
          line = line ? `${line} ${word}` : word;
        }
      }
      return [...lines, line].join('\n');
    })
    .join('\n');
}

/** A time taken, in the unit a person reads it in: 840 ms, 6.8 s, 2 min 5 s. */
export function formatElapsed(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** An error as the command line prints it: the sentence, what to do, then each next action as a command (for the user's target, when `words` knows it). */
export function formatError(error: ErrorInfo, words: CommandWords = (next) => commandFor(next)): string {
  return `error [${error.code}]: ${error.message}${error.hint ? `\n  what to do: ${error.hint}` : ''}${nextLines(error.next, words, '  ')}`;
}

// C0 and C1 controls and line separators; then what reorders or hides text without showing itself:
// bidi embeddings, overrides and isolates (a name with U+202E reads backwards: "Trojan Source"),
// marks and zero-width characters, invisible operators, the BOM, interlinear annotations.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/g;
const NAMED_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Control characters as escapes (\n, \t, \x1b…): a path or a name read from a database, printed
 * in text output, cannot start a line of its own (a forged `Status HEALTHY`) nor move the cursor,
 * nor reverse or hide what is printed after it (bidi overrides, zero-width characters: \u202e, \u200b).
 */
export function escapeControls(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (c) => NAMED_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** SQL text (a migration, a statement): listed line by line, each indented or numbered, so its own line breaks stay. */
const LISTED_SQL_FIELDS = new Set(['sql', 'statement']);

/** A result with every string in it escaped: what the text renderers are given, so no renderer can forget. */
export function escapedForText<T>(value: T, key = ''): T {
  if (typeof value === 'string') return (LISTED_SQL_FIELDS.has(key) ? value.split('\n').map(escapeControls).join('\n') : escapeControls(value)) as T;
  if (Array.isArray(value)) return value.map((item) => escapedForText(item)) as T;
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapedForText(v, k)])) as T;
  return value;
}

import type { CellValue } from '../../../../shared/types/data';
import { formatBytes, formatCount } from '../../lib/format';

// A value as the record pane shows it in full: text as it is (long text wraps), text that is a
// JSON object or array pretty-printed, a BLOB as hex with its size, NULL as NULL.

export type RecordValue =
  | { kind: 'null'; text: 'NULL' }
  | { kind: 'number' | 'text'; text: string }
  | { kind: 'json'; text: string }
  | { kind: 'blob'; text: string; size: string; shownBytes: number; bytes: number };

/** Hex in groups of two bytes, 16 bytes a line, as hexdump shows it. */
export function hexLines(hex: string): string {
  const lines: string[] = [];
  for (let i = 0; i < hex.length; i += 32) lines.push(hex.slice(i, i + 32).replace(/(.{4})(?=.)/g, '$1 '));
  return lines.join('\n');
}

/** JSON pretty-printed when the text is a JSON object or array; null otherwise (a bare "12" or "true" stays text). */
export function prettyJson(text: string): string | null {
  const trimmed = text.trim();
  if (!/^[[{]/.test(trimmed)) return null;
  try {
    return JSON.stringify(JSON.parse(trimmed), null, 2);
  } catch {
    return null; // not JSON after all: shown as the text it is
  }
}

/** The size of a BLOB in words: "20 bytes", "2.0 KB (2,048 bytes)". */
export function blobSize(bytes: number): string {
  return bytes < 1024 ? formatBytes(bytes) : `${formatBytes(bytes)} (${formatCount(bytes)} bytes)`;
}

export function recordValue(value: CellValue): RecordValue {
  if (value === null) return { kind: 'null', text: 'NULL' };
  if (typeof value === 'number') return { kind: 'number', text: String(value) };
  if (typeof value === 'object')
    return { kind: 'blob', text: hexLines(value.hex), size: blobSize(value.blob), shownBytes: value.hex.length / 2, bytes: value.blob };
  const json = prettyJson(value);
  return json === null ? { kind: 'text', text: value } : { kind: 'json', text: json };
}

/** A row as one JSON object, column by column (a BLOB as its size and the hex the host sent). */
export function rowAsJson(columns: string[], row: CellValue[]): string {
  const entries = columns.map((name, k) => {
    const value = row[k];
    return [name, value !== null && typeof value === 'object' ? { blobBytes: value.blob, hex: value.hex } : value];
  });
  return JSON.stringify(Object.fromEntries(entries), null, 2);
}

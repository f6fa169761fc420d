import { describe, expect, it } from 'vitest';
import { fittedChars, MAX_COLUMN_CHARS, MIN_COLUMN_CHARS } from './column-widths';

describe('column widths', () => {
  it('fits the longest value or the name, within bounds', () => {
    expect(fittedChars('file_id', ['file-with-a-long-identifier-1', 'f'])).toBe('file-with-a-long-identifier-1'.length + 3);
    expect(fittedChars('id', [1, 2, 3])).toBe(MIN_COLUMN_CHARS);
    expect(fittedChars('original_filename', [null])).toBe(Math.ceil('original_filename'.length * 1.2) + 3);
    expect(fittedChars('notes', ['x'.repeat(5000)])).toBe(MAX_COLUMN_CHARS);
  });

  it('measures a BLOB and NULL by what the cell shows', () => {
    // "BLOB 20 bytes 0011…eeff…" is 47 characters: wider than the bound.
    expect(fittedChars('data', [{ blob: 20, hex: '00112233445566778899aabbccddeeff' }])).toBe(MAX_COLUMN_CHARS);
    expect(fittedChars('data', [{ blob: 0, hex: '' }])).toBe('BLOB 0 bytes'.length + 3);
    expect(fittedChars('x', [null])).toBe('NULL'.length + 3);
  });
});

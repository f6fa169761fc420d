import { describe, expect, it } from 'vitest';
import { blobSize, hexLines, prettyJson, recordValue, rowAsJson } from './record-value';

describe('record values', () => {
  it('pretty-prints text that is a JSON object or array, and leaves other text alone', () => {
    expect(prettyJson('{"pages":3,"tags":["a","b"]}')).toBe('{\n  "pages": 3,\n  "tags": [\n    "a",\n    "b"\n  ]\n}');
    expect(prettyJson(' [1,2] ')).toBe('[\n  1,\n  2\n]');
    expect(prettyJson('12')).toBeNull();
    expect(prettyJson('{not json')).toBeNull();
    expect(recordValue('{"a":1}')).toEqual({ kind: 'json', text: '{\n  "a": 1\n}' });
    const long = 'x'.repeat(5000);
    expect(recordValue(long)).toEqual({ kind: 'text', text: long });
  });

  it('shows a BLOB as hex in groups, with its size in words and in bytes', () => {
    expect(hexLines('00112233445566778899aabbccddeeff0011')).toBe('0011 2233 4455 6677 8899 aabb ccdd eeff\n0011');
    expect(blobSize(20)).toBe('20 bytes');
    expect(blobSize(2048)).toBe('2.0 KB (2,048 bytes)');
    expect(recordValue({ blob: 2048, hex: '00112233445566778899aabbccddeeff' })).toEqual({
      kind: 'blob',
      text: '0011 2233 4455 6677 8899 aabb ccdd eeff',
      size: '2.0 KB (2,048 bytes)',
      shownBytes: 16,
      bytes: 2048,
    });
    expect(recordValue(null)).toEqual({ kind: 'null', text: 'NULL' });
  });

  it('copies a row as one JSON object', () => {
    expect(JSON.parse(rowAsJson(['id', 'name', 'data', 'note'], [1, 'a', { blob: 2, hex: 'beef' }, null]))).toEqual({
      id: 1,
      name: 'a',
      data: { blobBytes: 2, hex: 'beef' },
      note: null,
    });
  });
});

import { describe, expect, it } from 'vitest';
import { completionAt, type SchemaObject } from './sql-completion';

const SCHEMA: SchemaObject[] = [
  { name: 'conversation_files', kind: 'table', columns: ['file_id', 'session_id', 'mime_type'] },
  { name: 'file_metadata', kind: 'table', columns: ['metadata_id', 'file_id', 'metadata_key'] },
  { name: 'v_active_files', kind: 'view', columns: ['file_id', 'session_count'] },
  { name: 'odd name', kind: 'table', columns: ['a b'] },
];

const at = (text: string) => completionAt(text, text.length, SCHEMA);
const labels = (text: string) => at(text)?.suggestions.map((s) => s.label) ?? [];

describe('completionAt', () => {
  it('offers tables, then columns (with the tables that have them), by the prefix typed', () => {
    expect(labels('SELECT * FROM conv')).toEqual(['conversation_files']);
    expect(at('SELECT fi')).toEqual({
      from: 7,
      to: 9,
      suggestions: [
        { label: 'file_metadata', insert: 'file_metadata', detail: 'table' },
        { label: 'file_id', insert: 'file_id', detail: 'column of conversation_files, file_metadata, v_active_files' },
      ],
    });
    expect(labels('select V_')).toEqual(['v_active_files']);
  });

  it("after a table name or an alias and a dot, offers only that table's columns", () => {
    expect(labels('SELECT file_metadata.')).toEqual(['metadata_id', 'file_id', 'metadata_key']);
    const aliased = 'SELECT cf.m FROM conversation_files cf';
    expect(completionAt(aliased, 'SELECT cf.m'.length, SCHEMA)?.suggestions.map((s) => s.label)).toEqual(['mime_type']);
    const text = 'SELECT m.meta FROM file_metadata AS m';
    expect(completionAt(text, 'SELECT m.meta'.length, SCHEMA)?.suggestions.map((s) => s.label)).toEqual(['metadata_id', 'metadata_key']);
    expect(labels('SELECT nothing.')).toEqual([]);
  });

  it('double-quotes a name that is not a plain identifier', () => {
    expect(at('SELECT * FROM od')?.suggestions[0]).toEqual({ label: 'odd name', insert: '"odd name"', detail: 'table' });
    expect(at('SELECT "odd name".')?.suggestions[0].insert).toBe('"a b"');
  });

  it('offers nothing inside a string or a comment, for an empty word, or for a name typed in full', () => {
    expect(at("SELECT * FROM conversation_files WHERE mime_type = 'fi")).toBeNull();
    expect(at('-- fi')).toBeNull();
    expect(at('SELECT ')).toBeNull();
    expect(at('SELECT session_count')).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { diffSql } from './sql-diff';

const marked = (segments: { text: string; differs: boolean }[]) => segments.map((s) => (s.differs ? `[${s.text.trim()}]` : s.text.trim())).join(' ');

describe('diffSql marks the words that differ, not the formatting', () => {
  it('an index with one more column', () => {
    const d = diffSql('CREATE INDEX i ON t (a)', 'CREATE INDEX i ON t (a, b)');
    // The expected side marks where the column would go.
    expect(marked(d.expected)).toBe('CREATE INDEX i ON t (a [] )');
    expect(marked(d.actual)).toBe('CREATE INDEX i ON t (a [, b] )');
  });

  it('a reformatted table whose only change is NOT NULL: only NOT NULL is marked', () => {
    const d = diffSql("CREATE TABLE t (\n    a TEXT,\n    b TEXT DEFAULT ''\n)", "create table t (a TEXT, b TEXT NOT NULL DEFAULT '' )");
    expect(d.expected.filter((s) => s.differs).map((s) => s.text)).toEqual(['']);
    expect(d.actual.filter((s) => s.differs).map((s) => s.text.trim())).toEqual(['NOT NULL']);
    // The text reads back as written.
    expect(d.actual.map((s) => s.text).join('')).toBe("create table t (a TEXT, b TEXT NOT NULL DEFAULT '' )");
  });

  it('identical definitions mark nothing', () => {
    expect(diffSql('CREATE VIEW v AS SELECT 1', 'CREATE VIEW v AS SELECT 1').actual).toEqual([{ text: 'CREATE VIEW v AS SELECT 1', differs: false }]);
  });

  it('a name quoted on one side only is the same name: nothing marked', () => {
    const diff = diffSql('CREATE TABLE "file_access_log" (id INTEGER, [note] TEXT)', 'CREATE TABLE file_access_log (id INTEGER, note TEXT)');
    expect(diff.expected.filter((s) => s.differs)).toEqual([]);
    expect(diff.actual.filter((s) => s.differs)).toEqual([]);
    // A string is not a name: 'x' and x differ.
    expect(diffSql("DEFAULT 'x'", 'DEFAULT x').expected.some((s) => s.differs)).toBe(true);
  });
});

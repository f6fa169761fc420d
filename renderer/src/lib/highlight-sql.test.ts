import { describe, expect, it } from 'vitest';
import { highlightSqlLines } from './highlight-sql';

function balanced(html: string): boolean {
  return (html.match(/<span/g) ?? []).length === (html.match(/<\/span>/g) ?? []).length;
}

describe('highlightSqlLines', () => {
  it('gives one line of HTML per line of SQL, keywords marked', () => {
    const lines = highlightSqlLines('CREATE TABLE t (\n  id INTEGER\n);');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain('<span class="hljs-keyword">CREATE TABLE</span>');
  });

  it('closes and reopens spans across lines, so a multi-line comment stays coloured', () => {
    const lines = highlightSqlLines('/* first\nsecond */ SELECT 1;');
    expect(lines.every(balanced)).toBe(true);
    expect(lines[1]).toMatch(/^<span class="hljs-comment">second \*\/<\/span>/);
  });

  it('escapes the source', () => {
    expect(highlightSqlLines("SELECT '<b>';").join('')).toContain('&lt;b&gt;');
  });
});

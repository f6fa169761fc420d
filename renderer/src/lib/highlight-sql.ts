import hljs from 'highlight.js/lib/core';
import sql from 'highlight.js/lib/languages/sql';
import './highlight-sql.css';

hljs.registerLanguage('sql', sql);

const TOKEN = /(<span[^>]*>|<\/span>|\n)/;

/**
 * Highlights SQL and cuts the result into lines, closing the spans still open at each line end and
 * reopening them on the next, so a multi-line comment or string stays coloured line by line.
 * highlight.js escapes the source, so each line is safe HTML.
 */
export function highlightSqlLines(source: string): string[] {
  const html = hljs.highlight(source, { language: 'sql', ignoreIllegals: true }).value;
  const lines: string[] = [];
  const open: string[] = [];
  let line = '';
  for (const token of html.split(TOKEN)) {
    if (token === '\n') {
      lines.push(line + '</span>'.repeat(open.length));
      line = open.join('');
    } else if (token.startsWith('<span')) {
      open.push(token);
      line += token;
    } else if (token === '</span>') {
      open.pop();
      line += token;
    } else {
      line += token;
    }
  }
  lines.push(line + '</span>'.repeat(open.length));
  return lines;
}

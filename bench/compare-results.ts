import type { Row } from './figures';

// Issue 25: a regression is seen the day it lands. Each figure of this run is set against the same
// figure (same name, same database) in the previous RESULTS.md. The ratio to the reference is
// compared, not the time alone: both sides ran on the same machine in the same run, so the ratio
// moves much less than a time when the machine is busier one day than another.

/** More than this much worse than the previous run is flagged. */
const WORSE_BY = 1.2;

interface PreviousFigure {
  ms: number;
  ratio: number | null;
}

/** "1.16 s", "649 ms", "8.2 ms" → milliseconds. */
function parseTime(cell: string): number | null {
  const m = /^([\d.]+) (ms|s)\b/.exec(cell.trim());
  return m ? Number(m[1]) * (m[2] === 's' ? 1000 : 1) : null;
}

const keyOf = (figure: string, database: string) => `${figure.replace(/ — _.*_$/, '').trim()}\u0000${database.trim()}`;

/** The ratio table of a RESULTS.md, by figure and database. */
export function previousFigures(markdown: string): Map<string, PreviousFigure> {
  const figures = new Map<string, PreviousFigure>();
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('| ') || line.startsWith('| figure') || line.startsWith('| ---')) continue;
    const cells = line.slice(2, -2).split(' | ');
    if (cells.length !== 9) continue;
    const ms = parseTime(cells[2]);
    if (ms === null) continue;
    const ratio = /^([\d.]+)×$/.exec(cells[4].trim());
    figures.set(keyOf(cells[0], cells[1]), { ms, ratio: ratio ? Number(ratio[1]) : null });
  }
  return figures;
}

const percent = (change: number) => `${change >= 1 ? '+' : '−'}${Math.abs((change - 1) * 100).toFixed(0)}%`;

/** A Markdown section: each figure against the previous run, the ones more than 20% worse first and marked. */
export function comparisonSection(previousMarkdown: string, rows: Row[]): string {
  const previous = previousFigures(previousMarkdown);
  const commit = /commit ([0-9a-f]{7,})/.exec(previousMarkdown)?.[1] ?? 'unknown';
  const compared = rows.flatMap((row) => {
    const before = previous.get(keyOf(row.figure, row.database));
    if (!before) return [];
    const ratio = row.reference ? row.warden.ms / row.reference.ms : null;
    // The ratio where both runs have one; the time otherwise.
    const change = ratio !== null && before.ratio !== null ? ratio / before.ratio : row.warden.ms / before.ms;
    return [{ row, before, ratio, change, worse: change > WORSE_BY }];
  });
  if (compared.length === 0) return `Against the previous results (commit ${commit}): no figure of this run was in them.`;
  compared.sort((a, b) => Number(b.worse) - Number(a.worse) || b.change - a.change);
  const worse = compared.filter((c) => c.worse).length;
  const lines = [
    `Against the previous results (commit ${commit}): ${worse === 0 ? 'no figure is' : `**${worse} figure${worse === 1 ? ' is' : 's are'}**`} more than ${((WORSE_BY - 1) * 100).toFixed(0)}% worse (by the ratio to the reference where both runs have one, else by time).`,
    '',
    '| figure | database | before | now | ratio before | ratio now | change |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  const time = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`);
  for (const c of compared) {
    lines.push(
      `| ${c.row.figure} | ${c.row.database} | ${time(c.before.ms)} | ${time(c.row.warden.ms)} | ${c.before.ratio === null ? '—' : `${c.before.ratio.toFixed(2)}×`} | ${c.ratio === null ? '—' : `${c.ratio.toFixed(2)}×`} | ${c.worse ? `**${percent(c.change)} worse**` : percent(c.change)} |`,
    );
  }
  return lines.join('\n');
}

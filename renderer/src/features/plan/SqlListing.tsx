import { Fragment, useMemo } from 'react';
import type { LintWarning } from '../../../../shared/types/migrations';
import { highlightSqlLines } from '../../lib/highlight-sql';

const RULE_LABELS: Record<LintWarning['rule'], string> = {
  'table-rebuild': 'Table rebuild',
  'drop-table': 'Drops a table',
  'drop-column': 'Drops a column',
  'not-null-without-default': 'NOT NULL without default',
  'not-null-added': 'Adds NOT NULL',
  'null-insert-fails': 'NULL inserts fail',
  'non-transactional': 'Cannot run in a transaction',
  'foreign-keys': 'Touches foreign keys',
  other: 'Note',
};

function WarningNote({ warning }: { warning: LintWarning }) {
  return (
    <div className={`lint-note lint-note--${warning.severity}`}>
      <span className="lint-note__rule">
        <span aria-hidden="true">{warning.severity === 'danger' ? '✕' : '!'}</span> {warning.severity === 'danger' ? 'Danger' : 'Caution'} ·{' '}
        {RULE_LABELS[warning.rule] ?? warning.rule}
      </span>
      <span className="lint-note__message">{warning.message}</span>
    </div>
  );
}

function spanOf(warning: LintWarning): number {
  return Math.max(1, warning.statement.trimEnd().split('\n').length);
}

/** The severity each line is flagged with: every line of a flagged statement, danger winning. */
function flaggedLines(warnings: LintWarning[]): Map<number, LintWarning['severity']> {
  const flagged = new Map<number, LintWarning['severity']>();
  for (const w of warnings) {
    for (let line = w.line; line < w.line + spanOf(w); line += 1) {
      if (flagged.get(line) !== 'danger') flagged.set(line, w.severity);
    }
  }
  return flagged;
}

/** Warnings gathered by the line their statement starts on, with how many lines the longest covers. */
function notesByLine(warnings: LintWarning[], lineCount: number) {
  const byLine = new Map<number, LintWarning[]>();
  for (const w of warnings) byLine.set(w.line, [...(byLine.get(w.line) ?? []), w]);
  return [...byLine.entries()].map(([line, list]) => ({
    line: Math.min(line, lineCount),
    span: Math.max(1, Math.min(Math.max(...list.map(spanOf)), lineCount - line + 1)),
    warnings: list,
  }));
}

/**
 * A migration's SQL, highlighted, with line numbers; each linter warning sits beside the
 * statement it concerns (a grid cell spanning the statement's lines), and those lines are marked.
 */
export function SqlListing({ sql, warnings }: { sql: string; warnings: LintWarning[] }) {
  const lines = useMemo(() => highlightSqlLines(sql.replace(/\s+$/, '')), [sql]);
  const flagged = useMemo(() => flaggedLines(warnings), [warnings]);
  const notes = useMemo(() => notesByLine(warnings, lines.length), [warnings, lines.length]);
  return (
    <div className="sql-listing" role="group" aria-label="SQL with linter warnings">
      {lines.map((html, index) => {
        const number = index + 1;
        const flag = flagged.get(number);
        const tone = flag ? ` sql-listing--${flag}` : '';
        return (
          <Fragment key={number}>
            <span className={`sql-listing__number${tone}`} style={{ gridRow: number }} aria-hidden="true">
              {number}
            </span>
            <code className={`sql-listing__code${tone}`} style={{ gridRow: number }} dangerouslySetInnerHTML={{ __html: html || ' ' }} />
          </Fragment>
        );
      })}
      {notes.map(({ line, span, warnings: here }) => (
        <div key={line} className="sql-listing__notes" style={{ gridRow: `${line} / span ${span}` }}>
          {here.map((w, i) => (
            <WarningNote key={i} warning={w} />
          ))}
        </div>
      ))}
    </div>
  );
}

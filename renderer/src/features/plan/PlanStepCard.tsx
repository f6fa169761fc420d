import type { PlannedDataChange, PlanStep } from '../../../../shared/types/migrations';
import { Tag } from '../../components/Tag';
import { hrefForBrowse } from '../../lib/browse-link';
import { formatDuration, plural, shortHash } from '../../lib/format';
import { SqlListing } from './SqlListing';
import type { StepState } from './step-states';

function StepStateTag({ state }: { state: StepState }) {
  switch (state.state) {
    case 'pending':
      return <Tag tone="neutral">Pending</Tag>;
    case 'running':
      return (
        <Tag tone="info" strong>
          Applying…
        </Tag>
      );
    case 'applied':
      return <Tag tone="ok">✓ Applied{state.executionMs !== null ? ` in ${formatDuration(state.executionMs)}` : ''}</Tag>;
    case 'failed':
      return (
        <Tag tone="bad" strong>
          ✕ Failed
        </Tag>
      );
  }
}

/** "1.2.0 will fill in mime_type on 100 rows of conversation_files", with a link that browses them. */
function DataChangeLine({ db, version, change }: { db: string; version: string; change: PlannedDataChange }) {
  if (change.rows === null) {
    return (
      <li>
        {version} will {change.change} in <span className="mono">{change.table}</span>; not counted yet: {change.notCounted}
      </li>
    );
  }
  return (
    <li>
      <strong>
        {version} will {change.change} on {plural(change.rows, 'row')}
      </strong>{' '}
      of <span className="mono">{change.table}</span>
      {change.rows > 0 && (
        <>
          {' '}
          · <a href={hrefForBrowse(db, { table: change.table, sort: null, filters: change.filters })}>Browse {change.rows === 1 ? 'it' : 'them'}</a>
        </>
      )}
      {change.afterEarlierSteps && <span className="muted"> (counted in the rows as they are now; the steps before it run first)</span>}
    </li>
  );
}

/** One pending migration: version, what it does, its file and checksum, warnings, state, the rows it changes, and the SQL. */
export function PlanStepCard({ db, step, index, state }: { db: string; step: PlanStep; index: number; state: StepState }) {
  const dangers = step.warnings.filter((w) => w.severity === 'danger').length;
  const cautions = step.warnings.length - dangers;
  return (
    <article className={`plan-step plan-step--${state.state}`} aria-label={`Step ${index + 1}: ${step.version}`}>
      <header className="plan-step__header">
        <span className="plan-step__index">{index + 1}</span>
        <div className="plan-step__title">
          <h3>
            <span className="mono">{step.version}</span> {step.description}
          </h3>
          <p className="muted">
            <span className="mono">{step.file}</span> · checksum{' '}
            <span className="mono" title={step.checksum}>
              {shortHash(step.checksum)}
            </span>
          </p>
        </div>
        <div className="plan-step__tags">
          {dangers > 0 && <Tag tone="bad">{plural(dangers, 'danger')}</Tag>}
          {cautions > 0 && <Tag tone="warn">{plural(cautions, 'caution')}</Tag>}
          {step.warnings.length === 0 && <Tag tone="neutral">No warnings</Tag>}
          <StepStateTag state={state} />
        </div>
      </header>
      {step.dataChanges.length > 0 && (
        <ul className="plan-step__data" aria-label={`Rows ${step.version} changes`}>
          {step.dataChanges.map((change, k) => (
            <DataChangeLine key={k} db={db} version={step.version} change={change} />
          ))}
        </ul>
      )}
      <details className="plan-step__sql" open>
        <summary>SQL · {plural(step.sql.trimEnd().split('\n').length, 'line')}</summary>
        <SqlListing sql={step.sql} warnings={step.warnings} />
      </details>
    </article>
  );
}

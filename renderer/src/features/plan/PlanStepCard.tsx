import type { PlanStep } from '../../../../shared/types';
import { Tag } from '../../components/Tag';
import { formatDuration, plural, shortHash } from '../../lib/format';
import { SqlListing } from './SqlListing';
import type { StepState } from './step-states';

function StepStateTag({ state }: { state: StepState }) {
  switch (state.state) {
    case 'pending':
      return <Tag tone="neutral">Pending</Tag>;
    case 'running':
      return <Tag tone="info" strong>Applying…</Tag>;
    case 'applied':
      return <Tag tone="ok">✓ Applied{state.executionMs !== null ? ` in ${formatDuration(state.executionMs)}` : ''}</Tag>;
    case 'failed':
      return <Tag tone="bad" strong>✕ Failed</Tag>;
  }
}

/** One pending migration: version, what it does, its file and checksum, warnings, state, and the SQL. */
export function PlanStepCard({ step, index, state }: { step: PlanStep; index: number; state: StepState }) {
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
            <span className="mono">{step.file}</span> · checksum <span className="mono" title={step.checksum}>{shortHash(step.checksum)}</span>
          </p>
        </div>
        <div className="plan-step__tags">
          {dangers > 0 && <Tag tone="bad">{plural(dangers, 'danger')}</Tag>}
          {cautions > 0 && <Tag tone="warn">{plural(cautions, 'caution')}</Tag>}
          {step.warnings.length === 0 && <Tag tone="neutral">No warnings</Tag>}
          <StepStateTag state={state} />
        </div>
      </header>
      <details className="plan-step__sql" open>
        <summary>SQL · {plural(step.sql.trimEnd().split('\n').length, 'line')}</summary>
        <SqlListing sql={step.sql} warnings={step.warnings} />
      </details>
    </article>
  );
}

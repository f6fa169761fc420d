import { useState, type FormEvent } from 'react';
import type { MethodInput } from '../../../../shared/contract';
import type { DeploymentStatus } from '../../../../shared/types/fleet';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { Field } from '../../components/Field';
import { plural } from '../../lib/format';
import { predict, type Prediction } from './rollout-prediction';
import { compareVersionNames } from './version-names';

// The rolling migrate's dialog: the target, the canary, how many at a time, and which deployments
// take part (each with what is foreseen for it). Those that cannot be reached start left out, with
// why. A rollout halts before touching any database when one rehearsal fails, so a start that its
// own prediction says will fail is only possible after ticking a confirmation that names them.

export type RolloutInput = Omit<MethodInput<'fleetMigrate'>, 'operationId'>;

const MAX_AT_ONCE = 16;

/** Versions any deployment could be migrated to: its pending steps and its schema's latest; newest first. */
export function targetVersions(deployments: DeploymentStatus[]): string[] {
  const versions = new Set(deployments.flatMap((d) => [...d.pending, ...(d.latest ? [d.latest] : [])]));
  return [...versions].sort((a, b) => compareVersionNames(b, a));
}

const FORESEEN_WORDS: Record<Prediction['foreseen'], string> = {
  migrates: 'Migrates',
  'at target': 'Left as it is',
  fails: 'Will fail',
  'not known': 'Not known yet',
};

function DeploymentChoice({
  d,
  prediction,
  included,
  onToggle,
}: {
  d: DeploymentStatus;
  prediction: Prediction;
  included: boolean;
  onToggle: (on: boolean) => void;
}) {
  const words = included ? FORESEEN_WORDS[prediction.foreseen] : 'Left out';
  const tone = !included ? 'idle' : prediction.foreseen === 'fails' ? 'bad' : prediction.foreseen === 'migrates' ? 'good' : 'idle';
  return (
    <tr data-deployment={d.name}>
      <th scope="row" className="nowrap">
        <label className="rollout-choice__label">
          <input type="checkbox" checked={included} onChange={(e) => onToggle(e.target.checked)} aria-describedby={`rollout-why-${d.name}`} /> {d.name}
        </label>
      </th>
      <td className="nowrap">{d.group}</td>
      <td className="nowrap">{d.version ?? '—'}</td>
      <td id={`rollout-why-${d.name}`}>
        <span className={`rollout__outcome rollout__outcome--${tone}`}>{words}</span>
        <span className="rollout-choice__why">
          :{' '}
          {included
            ? prediction.why
            : prediction.foreseen === 'fails'
              ? `${prediction.why}; left out, it stays as it is`
              : `it stays as it is${d.version ? `, at ${d.version}` : ''}`}
        </span>
      </td>
    </tr>
  );
}

export function RolloutDialog({
  deployments,
  group,
  onStart,
  onClose,
}: {
  deployments: DeploymentStatus[];
  group: string | null;
  onStart: (input: RolloutInput) => void;
  onClose: () => void;
}) {
  const versions = targetVersions(deployments);
  const [to, setTo] = useState(versions[0] ?? '');
  const [included, setIncluded] = useState(() => new Set(deployments.filter((d) => predict(d, versions[0] ?? '').includedByDefault).map((d) => d.name)));
  const [canary, setCanary] = useState('');
  const [atOnce, setAtOnce] = useState(1);
  const [startAnyway, setStartAnyway] = useState(false);

  const predictions = new Map(deployments.map((d) => [d.name, predict(d, to)]));
  const taking = deployments.filter((d) => included.has(d.name));
  const needing = taking.filter((d) => predictions.get(d.name)!.foreseen === 'migrates');
  const failing = taking.filter((d) => predictions.get(d.name)!.foreseen === 'fails');
  const leftOut = deployments.filter((d) => !included.has(d.name));
  const canaryName = needing.some((d) => d.name === canary) ? canary : '';
  const firstNeeding = needing[0]?.name ?? '';

  const blocked = !to
    ? 'Choose a target version.'
    : taking.length === 0
      ? 'Tick at least one deployment.'
      : needing.length === 0 && failing.length === 0
        ? `Nothing to start: none of the deployments ticked needs ${to}.`
        : null;
  const mayStart = blocked === null && (failing.length === 0 || startAnyway);

  function toggle(name: string, on: boolean) {
    setIncluded((was) => {
      const next = new Set(was);
      if (on) next.add(name);
      else next.delete(name);
      return next;
    });
    setStartAnyway(false);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!mayStart) return;
    onStart({ to, parallel: atOnce, deployments: taking.map((d) => d.name), ...(canaryName && { canary: canaryName }), ...(group !== null && { group }) });
    // The rollout runs on the host; its progress shows on the page from the job, not from this request.
    onClose();
  }

  return (
    <Dialog
      title={`Roll ${to || 'a migration'} out to ${group === null ? 'the fleet' : `the ${group} group`}?`}
      width="wide"
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose} data-autofocus>
            Cancel
          </Button>
          <Button
            type="submit"
            form="fleet-rollout"
            variant={failing.length > 0 ? 'danger' : 'primary'}
            disabled={!mayStart}
            aria-describedby="rollout-start-why"
          >
            {failing.length > 0 ? 'Start anyway' : 'Start the rolling migrate'}
          </Button>
        </>
      }
    >
      <form id="fleet-rollout" className="rollout-form" onSubmit={submit}>
        <div className="rollout-form__fields">
          <Field label="Target version">
            {(control) => (
              <select
                {...control}
                value={to}
                onChange={(e) => {
                  setTo(e.target.value);
                  setStartAnyway(false);
                }}
              >
                {versions.map((v) => (
                  <option key={v} value={v}>
                    {v}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Canary" help="Migrated and verified before any other.">
            {(control) => (
              <select {...control} value={canaryName} onChange={(e) => setCanary(e.target.value)}>
                <option value="">{firstNeeding ? `First that needs it (${firstNeeding})` : 'First that needs it'}</option>
                {needing.map((d) => (
                  <option key={d.name} value={d.name}>
                    {d.name} ({d.group})
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="How many at a time" help="After the canary.">
            {(control) => (
              <input
                {...control}
                type="number"
                min={1}
                max={MAX_AT_ONCE}
                value={atOnce}
                onChange={(e) => setAtOnce(Math.min(MAX_AT_ONCE, Math.max(1, Number(e.target.value) || 1)))}
              />
            )}
          </Field>
        </div>
        <fieldset className="rollout-choices">
          <legend className="field__label">Deployments in this rollout</legend>
          <div className="table-frame rollout-choices__frame">
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">Deployment</th>
                  <th scope="col">Group</th>
                  <th scope="col">Now at</th>
                  <th scope="col">What is foreseen</th>
                </tr>
              </thead>
              <tbody>
                {deployments.map((d) => (
                  <DeploymentChoice
                    key={d.name}
                    d={d}
                    prediction={predictions.get(d.name)!}
                    included={included.has(d.name)}
                    onToggle={(on) => toggle(d.name, on)}
                  />
                ))}
              </tbody>
            </table>
          </div>
        </fieldset>
        {failing.length > 0 && (
          <div className="rollout-form__foreseen" role="group" aria-label="Foreseen to fail">
            <p className="rollout-form__warning">
              This rollout will halt with no database migrated:{' '}
              {failing.length === 1
                ? 'the rehearsal on 1 deployment is foreseen to fail'
                : `the rehearsals on ${failing.length} deployments are foreseen to fail`}
              .
            </p>
            <ul className="plain-list">
              {failing.map((d) => (
                <li key={d.name}>
                  <strong>{d.name}</strong>: {predictions.get(d.name)!.why}.
                </li>
              ))}
            </ul>
            <p>Untick {failing.length === 1 ? 'it' : 'them'} to roll out to the others, or start anyway to see each rehearsal's own answer.</p>
            <label className="rollout-form__confirm">
              <input type="checkbox" checked={startAnyway} onChange={(e) => setStartAnyway(e.target.checked)} /> Start anyway, knowing that{' '}
              {failing.map((d) => d.name).join(', ')} will fail and the rollout will halt before any database is touched
            </label>
          </div>
        )}
        <p>
          {plural(taking.length, 'deployment')} of {deployments.length} in the rollout; {plural(needing.length, 'needs', 'need')} {to}.
          {leftOut.length > 0 && <> Left out, and not touched: {leftOut.map((d) => d.name).join(', ')}.</>}
        </p>
        <ol className="rollout-form__steps">
          <li>
            Every deployment in the rollout rehearses {to} on a copy of its database. If one rehearsal fails, the rollout halts before any database is touched.
          </li>
          <li>
            The canary
            {(canaryName || firstNeeding) && (
              <>
                , <strong>{canaryName || firstNeeding}</strong>,
              </>
            )}{' '}
            is migrated, then verified in full (integrity, foreign keys, schema).
          </li>
          <li>
            Then the rest, {atOnce === 1 ? 'one at a time' : `${atOnce} at a time`}. The rollout halts at the first failure: what is under way finishes, nothing
            more starts.
          </li>
        </ol>
        <p className="muted">
          Each deployment takes its own verified backup before it migrates, and applies each step in its own transaction. Cancel in the Jobs panel stops it the
          same way a failure does.
        </p>
        <p id="rollout-start-why" className={mayStart ? 'visually-hidden' : 'rollout-form__blocked'}>
          {blocked ?? (mayStart ? 'Ready to start.' : `Start stays off until you untick ${failing.map((d) => d.name).join(', ')} or confirm above.`)}
        </p>
      </form>
    </Dialog>
  );
}

import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { DeploymentStatus } from '../../../../shared/types/fleet';
import { FLEET_JOB_KINDS } from '../../../../shared/types/jobs';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Notice } from '../../components/Notice';
import { HealthDot } from '../../components/HealthDot';
import { CheckedAgo } from '../../components/CheckedAgo';
import { EmptyState, LoadingState } from '../../components/QueryStates';
import { useNow } from '../../hooks/use-now';
import { formatAge, formatTimestamp, plural } from '../../lib/format';
import { useJobs } from '../../queries/jobs';
import { ApiError } from '../../api/api-error';
import { useHostKind } from '../../api/connection-context';
import { DeploymentActions, OpenFleetButton } from './desktop-fleet-actions';
import { fleetKeys, useFleetStatus } from './fleet-queries';
import { FleetActionProgress } from './FleetActionProgress';
import { FleetActions, useStartBackUpAll, useStartVerifyAll } from './FleetActions';
import { RolloutAction, useStartRollout } from './RolloutAction';
import { RolloutProgress } from './RolloutProgress';
import { FleetCompare } from './FleetCompare';
import { compareHref } from './compare-sides';
import { FLEET_SECTIONS, useFleetPlace, type FleetSection } from './fleet-sections';
import { STATE_LABEL, stateDot } from './fleet-state-words';
import { VersionMatrix } from './VersionMatrix';
import './fleet.css';

/** Nothing is known of it (yet): its columns say so rather than "None". */
const unknown = (d: DeploymentStatus) => d.status === 'unreachable' || d.status === 'waiting' || d.status === 'locked';

function driftText(d: DeploymentStatus): string {
  if (unknown(d)) return '—';
  const { errors, warnings } = d.drift;
  if (errors + warnings === 0) return 'None';
  return [errors && plural(errors, 'error'), warnings && plural(warnings, 'warning')].filter(Boolean).join(', ');
}

function DeploymentRow({ d, now }: { d: DeploymentStatus; now: Date }) {
  const backup = d.lastVerifiedBackup;
  return (
    <tr>
      <td className="nowrap">
        <span className="fleet__state">
          <HealthDot status={stateDot(d.status)} />
          {STATE_LABEL[d.status]}
        </span>
        {/* Asked again and not answered yet: what is shown is its last answer; the page asks again soon. */}
        {d.waitingSince !== undefined && d.status !== 'waiting' && <span className="fleet__waiting muted">still waiting for a new answer</span>}
        {/* When it was asked (its own clock, for an agent): a fleet read in parts can be old in parts. */}
        <time className="fleet__checked muted" dateTime={d.checkedAt} title={formatTimestamp(d.checkedAt)}>
          checked {formatAge(d.checkedAt, now)}
        </time>
      </td>
      <th scope="row" className="nowrap">
        {d.name}
      </th>
      <td className="nowrap fleet__group">{d.group}</td>
      <td className="nowrap">{d.version ?? '—'}</td>
      <td>{unknown(d) ? '—' : d.pending.length ? d.pending.join(', ') : 'None'}</td>
      <td className="fleet__drift" title={d.drift.first ?? undefined}>
        {driftText(d)}
        {/* Where it drifts, object by object: Compare schemas against the expected schema at its own version. Only for errors: a
            warning is as often a missing backup as an extra object, and the comparison would then find the same schema. */}
        {!unknown(d) && d.version !== null && d.drift.errors > 0 && (
          <a
            className="fleet__compare-link"
            href={compareHref(d.name, { expectedAt: d.version })}
            aria-label={`Compare ${d.name} with the expected schema at ${d.version}`}
          >
            Compare
          </a>
        )}
      </td>
      <td className="nowrap">
        {unknown(d) ? (
          '—'
        ) : backup ? (
          <time dateTime={backup.createdAt} title={formatTimestamp(backup.createdAt)}>
            {formatAge(backup.createdAt, now)}
          </time>
        ) : (
          'None'
        )}
      </td>
      <td className="fleet__reason">{d.status === 'healthy' && d.waitingSince === undefined ? '' : d.reason}</td>
      <td className="nowrap">
        <DeploymentActions d={d} />
      </td>
    </tr>
  );
}

function DeploymentsTable({ deployments, now }: { deployments: DeploymentStatus[]; now: Date }) {
  if (deployments.length === 0) return <EmptyState title="No deployment in this group" />;
  return (
    <div className="table-frame fleet__table">
      <table className="data-table">
        <caption className="visually-hidden">Deployments, worst first</caption>
        <thead>
          <tr>
            <th scope="col">Status</th>
            <th scope="col">Deployment</th>
            <th scope="col" className="fleet__group">
              Group
            </th>
            <th scope="col">Version</th>
            <th scope="col">Pending</th>
            <th scope="col">Drift</th>
            <th scope="col" className="fleet__wraps">
              Last verified backup
            </th>
            <th scope="col">Why</th>
            <th scope="col">
              <span className="visually-hidden">Open</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {deployments.map((d) => (
            <DeploymentRow key={d.name} d={d} now={now} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The page's parts: links, each to its own address (the current one marked). */
function SectionLinks({ current }: { current: FleetSection }) {
  return (
    <nav className="fleet__sections" aria-label="Fleet">
      {FLEET_SECTIONS.map((s) => (
        <a key={s.id} href={s.href} className="fleet__section-link" aria-current={s.id === current ? 'page' : undefined}>
          {s.label}
        </a>
      ))}
    </nav>
  );
}

/** Every deployment of the host's fleet file, worst first; filter by group; open one in the full console; the version matrix; compare two schemas. */
export function FleetView() {
  const [group, setGroup] = useState<string | null>(null);
  const all = useFleetStatus(null);
  const shown = useFleetStatus(group);
  const now = useNow();
  const start = useStartRollout();
  const desktop = useHostKind() === 'electron';
  const verifyAll = useStartVerifyAll();
  const backUpAll = useStartBackUpAll();
  // The newest job across the fleet this host kept (a running one first): its job carries each deployment's progress.
  const fleetJob = useJobs().data?.find((job) => FLEET_JOB_KINDS.has(job.kind)) ?? null;
  const fleetJobRunning = fleetJob?.state === 'running';
  const queryClient = useQueryClient();
  const place = useFleetPlace();
  // When it ends, the versions, states and backups shown are read again.
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed on the job and whether it runs, not on each poll's new object
  useEffect(() => {
    if (fleetJob && !fleetJobRunning) void queryClient.invalidateQueries({ queryKey: fleetKeys.all });
  }, [fleetJob?.id, fleetJobRunning, queryClient]);
  if (all.isPending) return <LoadingState label="Asking every deployment of the fleet…" />;
  if (all.isError && desktop && all.error instanceof ApiError && all.error.info.code === 'NOT_FOUND') {
    return (
      <EmptyState title="No fleet file is open" action={<OpenFleetButton variant="primary" />}>
        A fleet file lists your deployments and how to reach each one: a database file, a warden serve agent, or an agent behind SSH. Its tokens are kept by
        your system's keychain, never in the file.
      </EmptyState>
    );
  }
  if (all.isError) return <ErrorNotice error={all.error} context="The fleet's status could not be read" />;
  const groups = [...new Set(all.data.deployments.map((d) => d.group))].sort();
  const report = shown.data ?? all.data;
  const counts = groups.length;
  return (
    <section className="fleet" aria-labelledby="fleet-title">
      <header className="fleet__header">
        <div>
          <h1 id="fleet-title" className="fleet__title">
            Fleet
          </h1>
          <p className="muted fleet__file">
            {report.fleet} · {plural(all.data.deployments.length, 'deployment')} in {plural(counts, 'group')}
          </p>
        </div>
        <div className="fleet__tools">
          <label className="fleet__filter">
            Group{' '}
            <select value={group ?? ''} onChange={(e) => setGroup(e.target.value === '' ? null : e.target.value)}>
              <option value="">All groups</option>
              {groups.map((g) => (
                <option key={g} value={g}>
                  {g}
                </option>
              ))}
            </select>
          </label>
          <CheckedAgo at={report.checkedAt} onRefresh={() => void shown.refetch()} refreshing={shown.isFetching} />
          {desktop && <OpenFleetButton />}
          <FleetActions
            deployments={report.deployments}
            group={group}
            busy={fleetJobRunning}
            onVerifyAll={(input) => verifyAll.mutate(input)}
            onBackUpAll={(input) => backUpAll.mutate(input)}
          />
          <RolloutAction deployments={report.deployments} group={group} running={fleetJobRunning} onStart={(input) => start.mutate(input)} />
        </div>
      </header>
      <SectionLinks current={place.section} />
      {start.isError && <ErrorNotice error={start.error} context="The rolling migrate did not start" />}
      {verifyAll.isError && <ErrorNotice error={verifyAll.error} context="Verify all did not start" />}
      {backUpAll.isError && <ErrorNotice error={backUpAll.error} context="Back up all did not start" />}
      {fleetJob &&
        (fleetJob.kind === 'fleetMigrate' ? <RolloutProgress job={fleetJob} statuses={all.data.deployments} /> : <FleetActionProgress job={fleetJob} />)}
      {shown.isError && <ErrorNotice error={shown.error} context="This group's status could not be read" />}
      {report.warnings?.length ? (
        <Notice tone="warn" title="Tokens sent over plain HTTP">
          {report.warnings.map((w) => (
            <p key={w}>{w}</p>
          ))}
        </Notice>
      ) : null}
      {place.section === 'deployments' && <DeploymentsTable deployments={report.deployments} now={now} />}
      {place.section === 'versions' && (
        <section aria-labelledby="fleet-versions-title" className="fleet__part">
          <h2 id="fleet-versions-title" className="fleet__section-title">
            Versions{group !== null && ` of the ${group} group`}
          </h2>
          <VersionMatrix deployments={report.deployments} />
        </section>
      )}
      {place.section === 'compare' && <FleetCompare key={place.params.toString()} deployments={all.data.deployments} params={place.params} />}
    </section>
  );
}

import type { BackupInfo } from '../../../../shared/types/backups';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Tag } from '../../components/Tag';
import { formatAgo, formatTimestamp } from '../../lib/format';
import { useBackupSchedule, useSetBackupSchedule } from './backups-queries';

const CHOICES: { every: string | null; label: string }[] = [
  { every: null, label: 'Never' },
  { every: '1h', label: 'Every hour' },
  { every: '6h', label: 'Every 6 hours' },
  { every: '1d', label: 'Every day' },
  { every: '7d', label: 'Every week' },
];

function everyInWords(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1000, 'second'],
  ];
  const [size, unit] = units.find(([size]) => ms % size === 0) ?? [1000, 'second'];
  const n = Math.round(ms / size);
  return n === 1 ? `every ${unit}` : `every ${n} ${unit}s`;
}

function choiceOf(ms: number | null): string {
  if (ms === null) return 'never';
  return (
    CHOICES.find((c) => c.every !== null && c.every === `${ms / 3_600_000}h`)?.every ?? CHOICES.find((c) => c.every === `${ms / 86_400_000}d`)?.every ?? 'other'
  );
}

/** Scheduled backups: how often, the last one the schedule took, when the next is due; the desktop app can change the interval here. */
export function BackupSchedulePanel({ db, newestVerified }: { db: string; newestVerified: BackupInfo | null }) {
  const schedule = useBackupSchedule(db);
  const change = useSetBackupSchedule(db);
  if (schedule.isPending || schedule.isError) return null;
  const { everyMs, last, nextAt, settable } = schedule.data;
  return (
    <section className="backup-schedule" aria-label="Scheduled backups">
      <p>
        <strong>Scheduled backups:</strong> {everyMs === null ? <Tag tone="warn">off</Tag> : <Tag tone="ok">{everyInWords(everyMs)}</Tag>}
        {everyMs === null && !settable && (
          <span className="muted">
            {' '}
            — start the host with <code>warden serve --backup-every 1d</code> to schedule them.
          </span>
        )}
      </p>
      {everyMs !== null && (
        <ul className="plain-list">
          <li>
            <strong>Last:</strong>{' '}
            {last ? (
              last.ok ? (
                <>
                  <time dateTime={last.at} title={formatTimestamp(last.at)}>
                    {formatAgo(last.at)}
                  </time>{' '}
                  <code>{last.name}</code>
                </>
              ) : (
                <>
                  <Tag tone="bad">failed</Tag> {formatAgo(last.at)}: {last.error}
                </>
              )
            ) : newestVerified ? (
              <>
                none by this schedule yet; the newest verified backup is from{' '}
                <time dateTime={newestVerified.createdAt}>{formatAgo(newestVerified.createdAt)}</time>
              </>
            ) : (
              'none yet'
            )}
          </li>
          <li>
            <strong>Next:</strong>{' '}
            {nextAt ? (
              <time dateTime={nextAt} title={formatTimestamp(nextAt)}>
                {formatTimestamp(nextAt)}
              </time>
            ) : (
              'being worked out'
            )}
          </li>
        </ul>
      )}
      {settable && (
        <label className="backup-schedule__setting">
          Back up every open database:{' '}
          <select value={choiceOf(everyMs)} onChange={(e) => change.mutate(e.target.value === 'never' ? null : e.target.value)} disabled={change.isPending}>
            {CHOICES.map((c) => (
              <option key={c.label} value={c.every ?? 'never'}>
                {c.label}
              </option>
            ))}
            {choiceOf(everyMs) === 'other' && (
              <option value="other" disabled>
                {everyInWords(everyMs!)}
              </option>
            )}
          </select>
        </label>
      )}
      {change.error != null && <ErrorNotice error={change.error} context="The schedule was not changed" />}
    </section>
  );
}

import type { AppliedVersion, EventAction, LifecycleEvent } from '../../../../shared/types/history';
import type { Job } from '../../../../shared/types/jobs';
import { formatDuration, formatTimestamp } from '../../lib/format';
import { jobOutcome, jobTitle } from '../../lib/job-text';
import { ACTION_LABELS, describeEvent } from './event-text';
import { eventStory, personOf, versionStory, type Story } from './event-words';

// Everything the History view knows, as items on one time axis: the versions table's rows, the
// events table's rows, and the checks this host kept. Each sits in a lane by what it is.

export type Lane = 'versions' | 'migrations' | 'backups' | 'restores' | 'repairs' | 'checks';

export const LANES: { id: Lane; label: string }[] = [
  { id: 'versions', label: 'Versions' },
  { id: 'migrations', label: 'Migrations' },
  { id: 'backups', label: 'Backups' },
  { id: 'restores', label: 'Restores' },
  { id: 'repairs', label: 'Repairs' },
  { id: 'checks', label: 'Checks' },
];

const LANE_OF: Record<EventAction, Lane> = {
  init: 'migrations',
  migrate: 'migrations',
  baseline: 'migrations',
  'accept-checksum': 'migrations',
  backup: 'backups',
  restore: 'restores',
  repair: 'repairs',
  'recover-rows': 'repairs',
};

export type TimelineSource = { kind: 'event'; event: LifecycleEvent } | { kind: 'version'; version: AppliedVersion } | { kind: 'check'; job: Job };

export interface TimelineItem {
  key: string;
  at: number;
  lane: Lane;
  /** What happened, in a few words. */
  label: string;
  /** Who did it, without the process id. */
  who: string;
  failed: boolean;
  source: TimelineSource;
}

/** A check that failed to run, or ran and found the database unhealthy, stands out. */
function checkFailed(job: Job): boolean {
  if (job.state === 'failed' || job.state === 'interrupted') return true;
  const status = (job.result as { status?: unknown } | null)?.status;
  return job.kind === 'verify' && status === 'unhealthy';
}

/** Oldest first. */
export function timelineItems(versions: AppliedVersion[], events: LifecycleEvent[], checks: Job[]): TimelineItem[] {
  const items: TimelineItem[] = [
    ...versions.map(
      (v): TimelineItem => ({
        key: `version-${v.version}`,
        at: Date.parse(v.appliedAt),
        lane: 'versions',
        label: `Version ${v.version}${v.description ? ` (${v.description})` : ''}`,
        who: v.actor ? personOf(v.actor) : 'not recorded',
        failed: false,
        source: { kind: 'version', version: v },
      }),
    ),
    ...events.map(
      (e): TimelineItem => ({
        key: `event-${e.id}`,
        at: Date.parse(e.at),
        lane: LANE_OF[e.action] ?? 'repairs',
        label: `${ACTION_LABELS[e.action] ?? e.action}: ${describeEvent(e)}`,
        who: personOf(e.actor),
        failed: e.outcome === 'failed',
        source: { kind: 'event', event: e },
      }),
    ),
    ...checks.map(
      (job): TimelineItem => ({
        key: `check-${job.id}`,
        at: Date.parse(job.endedAt ?? job.startedAt),
        lane: 'checks',
        label: `${jobTitle(job)}: ${jobOutcome(job)}`,
        who: personOf(job.startedBy),
        failed: checkFailed(job),
        source: { kind: 'check', job },
      }),
    ),
  ];
  return items.filter((item) => !Number.isNaN(item.at)).sort((a, b) => a.at - b.at);
}

function checkStory(job: Job): Story {
  const ms = job.endedAt ? Date.parse(job.endedAt) - Date.parse(job.startedAt) : null;
  return {
    lead: `${jobTitle(job)}: ${jobOutcome(job)}${/[.!?]$/.test(jobOutcome(job)) ? '' : '.'}`,
    byline: `${personOf(job.startedBy)}, ${formatTimestamp(job.endedAt ?? job.startedAt)}.`,
    points: [
      ...(ms !== null && ms >= 0 ? [`It took ${formatDuration(ms)}.`] : []),
      'A check only reads the database, so nothing of it is written there: this host keeps it, until it restarts.',
    ],
    statements: [],
  };
}

/** What the item's details say, in words. */
export function storyOf(item: TimelineItem): Story {
  switch (item.source.kind) {
    case 'event':
      return eventStory(item.source.event);
    case 'version':
      return versionStory(item.source.version);
    case 'check':
      return checkStory(item.source.job);
  }
}

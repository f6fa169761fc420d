import type { AppliedVersion, LifecycleEvent } from '../../../../shared/types/history';
import { formatBytes, formatDuration, formatTimestamp, plural } from '../../lib/format';
import { ACTION_LABELS } from './event-text';

// What one event of the history recorded, told in sentences: what happened, who did it and when,
// and each thing its detail holds that a person would ask about. No field names, no JSON.

export interface Story {
  /** The one sentence that says what happened. */
  lead: string;
  /** Who and when, in a sentence. */
  byline: string;
  /** Everything else worth knowing, a sentence each. */
  points: string[];
  /** SQL it ran, shown as code. */
  statements: string[];
}

/** "alice via warden serve (root)" from "alice via warden serve (root, pid 123)"; "root" from "root (pid 123)". */
export function personOf(actor: string): string {
  return actor.replace(/\s*\(([^()]*?),?\s*pid \d+\)$/, (_, user: string) => (user ? ` (${user})` : '')).trim() || actor;
}

const str = (d: Record<string, unknown>, key: string): string | null => (typeof d[key] === 'string' && d[key] !== '' ? (d[key] as string) : null);
const num = (d: Record<string, unknown>, key: string): number | null => (typeof d[key] === 'number' ? (d[key] as number) : null);
const list = (d: Record<string, unknown>, key: string): unknown[] => (Array.isArray(d[key]) ? (d[key] as unknown[]) : []);
const names = (items: unknown[]): string[] =>
  items
    .map((item) => (typeof item === 'string' ? item : typeof item === 'object' && item && 'name' in item ? String((item as { name: unknown }).name) : ''))
    .filter(Boolean);

const BACKUP_REASONS: Record<string, string> = {
  manual: 'a backup taken by hand',
  scheduled: 'a scheduled backup',
  'pre-migrate': 'the backup taken before a migration',
  'pre-repair': 'the backup taken before a repair',
  'pre-restore': 'the backup of what a restore replaced',
  'pre-recover': 'the backup taken before recovering rows',
  'preserved-damaged': 'a byte copy of the damaged file',
};

function steps(d: Record<string, unknown>): string[] {
  return list(d, 'steps').map((step) => {
    const s = step as { version?: unknown; description?: unknown; executionMs?: unknown };
    const took = typeof s.executionMs === 'number' ? `, in ${formatDuration(s.executionMs)}` : '';
    return `Applied ${String(s.version)}${s.description ? ` (${String(s.description)})` : ''}${took}.`;
  });
}

function failure(event: LifecycleEvent): Pick<Story, 'lead' | 'points' | 'statements'> {
  const d = event.detail;
  const file = str(d, 'file');
  const line = num(d, 'line') ?? str(d, 'line');
  const why = str(d, 'sqliteMessage') ?? str(d, 'message') ?? str(d, 'error');
  const what = `${ACTION_LABELS[event.action] ?? 'The action'} failed`;
  const where = file ? ` in ${file}${line !== null ? ` at line ${line}` : ''}` : '';
  const points = [why ? `SQLite said: ${why}.` : 'The history does not say why.'];
  if (event.action === 'init' || event.action === 'migrate') points.push('Its transaction was rolled back: the database stayed at the version it had before.');
  const statement = str(d, 'statement');
  return { lead: `${what}${where}.`, points, statements: statement ? [statement] : [] };
}

function backupPoints(d: Record<string, unknown>): string[] {
  const verified = d.verified;
  return [
    verified === true ? 'It was checked before it was kept, and the check passed.' : verified === false ? 'Its check failed.' : 'It was kept without a check.',
    ...(str(d, 'path') ? [`The file is ${str(d, 'path')}.`] : []),
    ...(str(d, 'sha256') ? [`Its SHA-256 fingerprint is ${str(d, 'sha256')}.`] : []),
  ];
}

function success(event: LifecycleEvent): Pick<Story, 'lead' | 'points' | 'statements'> {
  const d = event.detail;
  const none = { points: [] as string[], statements: [] as string[] };
  switch (event.action) {
    case 'init': {
      const applied = list(d, 'steps').length;
      return {
        ...none,
        lead: `Created the database at ${str(d, 'to') ?? event.version ?? 'its first version'}${applied ? `, applying ${plural(applied, 'migration')}` : ''}.`,
        points: steps(d),
      };
    }
    case 'migrate':
      return {
        ...none,
        lead: `Migrated the database from ${str(d, 'from') ?? 'its previous version'} to ${str(d, 'to') ?? event.version ?? 'a new version'}.`,
        points: steps(d),
      };
    case 'baseline': {
      const legacy = str(d, 'legacyVersion');
      return {
        ...none,
        lead: `Adopted the database as version ${event.version ?? str(d, 'version') ?? '(not recorded)'}.`,
        points: [
          ...(legacy ? [`The service's own versions table recorded ${legacy}.`] : []),
          ...(d.automatic === true ? ['Initialize did this on its own: the schema was exactly that version.'] : []),
        ],
      };
    }
    case 'accept-checksum':
      return {
        ...none,
        lead: `Accepted the edited migration ${str(d, 'file') ?? event.version ?? ''} for version ${event.version ?? '(not recorded)'}.`,
        points: [
          ...(str(d, 'reason') ? [`The reason given: “${str(d, 'reason')}”.`] : []),
          ...(str(d, 'checksum')
            ? [
                `The database is held to the edited file's checksum ${str(d, 'checksum')} from now on${str(d, 'previous') ? `, instead of ${str(d, 'previous')}` : ''}.`,
              ]
            : []),
        ],
      };
    case 'repair': {
      const rebuilt = names(list(d, 'rebuiltIndexes'));
      if (rebuilt.length) {
        const damage = list(d, 'damage').map((item) => {
          const x = item as { page?: unknown; object?: unknown; message?: unknown };
          return `${x.page ? `Page ${String(x.page)}` : 'A page'}${x.object ? ` of ${String(x.object)}` : ''} was damaged${x.message ? `: ${String(x.message)}` : ''}.`;
        });
        return {
          ...none,
          lead: `Rebuilt the damaged ${rebuilt.length === 1 ? 'index' : 'indexes'} ${rebuilt.join(', ')} from ${rebuilt.length === 1 ? 'its table' : 'their tables'}.`,
          points: [...damage, ...(str(d, 'preservedCopy') ? [`The file as it was is preserved in ${str(d, 'preservedCopy')}.`] : [])],
        };
      }
      const recreated = names(list(d, 'recreated'));
      const refused = names(list(d, 'refused'));
      return {
        lead: recreated.length ? `Recreated ${plural(recreated.length, 'missing object')}: ${recreated.join(', ')}.` : 'Repaired the database.',
        points: [
          ...(refused.length ? [`Left alone, as repair never changes them: ${refused.join(', ')}.`] : []),
          str(d, 'backup') ? `A verified backup was taken first: ${str(d, 'backup')}.` : 'No backup was taken first.',
        ],
        statements: list(d, 'statements').filter((s): s is string => typeof s === 'string'),
      };
    }
    case 'backup': {
      const reason = BACKUP_REASONS[str(d, 'reason') ?? ''] ?? 'a backup';
      const bytes = num(d, 'bytes');
      const name = str(d, 'name');
      return { ...none, lead: `Took ${reason}${name ? `, ${name}` : ''}${bytes !== null ? ` (${formatBytes(bytes)})` : ''}.`, points: backupPoints(d) };
    }
    case 'restore': {
      const from = str(d, 'from') ?? str(d, 'backup') ?? str(d, 'restoredFrom');
      const takenAt = str(d, 'takenAt');
      const carried = num(d, 'carriedEvents');
      return {
        ...none,
        lead: `Restored the database from ${from ?? 'a backup'}${takenAt ? `, a backup taken ${formatTimestamp(takenAt)}` : ''}.`,
        points: [
          str(d, 'preRestoreBackup') ? `What it replaced was backed up first, to ${str(d, 'preRestoreBackup')}.` : 'What it replaced was not backed up first.',
          ...(str(d, 'downgradedFrom')
            ? [`This took the database back from version ${str(d, 'downgradedFrom')} to ${event.version ?? 'the backup’s version'}.`]
            : []),
          ...(carried ? [`${plural(carried, 'event')} of the replaced database's history ${carried === 1 ? 'was' : 'were'} carried across.`] : []),
          ...(str(d, 'historyNotCarried') ? [`The replaced database's history could not be carried across: ${str(d, 'historyNotCarried')}`] : []),
        ],
      };
    }
    case 'recover-rows': {
      const tables = list(d, 'tables').map((t) => t as { table?: unknown; name?: unknown; copied?: unknown });
      const copied = tables.reduce((n, t) => n + (typeof t.copied === 'number' ? t.copied : 0), 0);
      return {
        ...none,
        lead: `Copied back ${plural(copied, 'row')} of ${str(d, 'table') ?? 'a table'} and its children from ${str(d, 'backup') ?? 'a backup'}.`,
        points: [
          ...tables.filter((t) => typeof t.copied === 'number').map((t) => `${String(t.table ?? t.name)}: ${plural(t.copied as number, 'row')} copied back.`),
          ...(str(d, 'preRecoverBackup') ? [`A verified backup was taken first: ${str(d, 'preRecoverBackup')}.`] : []),
        ],
      };
    }
  }
}

/** One event of the history in sentences. */
export function eventStory(event: LifecycleEvent): Story {
  const told = event.outcome === 'failed' ? failure(event) : success(event);
  const carried = event.detail.carriedFrom as { database?: unknown } | undefined;
  const points = carried
    ? [...told.points, `It happened to ${String(carried.database ?? 'the database a restore replaced')}, and a restore carried it across.`]
    : told.points;
  return { ...told, points, byline: `${personOf(event.actor)}, ${formatTimestamp(event.at)}${event.version ? `, at version ${event.version}` : ''}.` };
}

const VERSION_KINDS: Record<string, string> = {
  init: 'when the database was created',
  migrate: 'by a migration',
  baseline: 'by adopting a database made elsewhere',
};

/** One row of the versions table in sentences. */
export function versionStory(v: AppliedVersion): Story {
  return {
    lead: `Version ${v.version}${v.description ? ` (${v.description})` : ''} was applied ${v.kind ? VERSION_KINDS[v.kind] : ''}`.trim() + '.',
    byline: `${v.actor ? personOf(v.actor) : 'Whoever applied it is not recorded'}, ${formatTimestamp(v.appliedAt)}.`,
    points: [
      ...(v.executionMs !== null ? [`Its migration ran in ${formatDuration(v.executionMs)}.`] : []),
      ...(v.checksum ? [`The checksum of its migration file then was ${v.checksum}.`] : []),
    ],
    statements: [],
  };
}

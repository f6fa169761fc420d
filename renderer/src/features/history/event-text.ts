import type { EventAction, LifecycleEvent } from '../../../../shared/types/history';
import { plural } from '../../lib/format';

export const ACTION_LABELS: Record<EventAction, string> = {
  init: 'Initialize',
  migrate: 'Migrate',
  baseline: 'Adopt (baseline)',
  repair: 'Repair',
  backup: 'Backup',
  restore: 'Restore',
  'accept-checksum': 'Accept checksum',
  'recover-rows': 'Recover rows',
};

function text(detail: Record<string, unknown>, key: string): string | null {
  const value = detail[key];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
}

function count(detail: Record<string, unknown>, key: string): number | null {
  const value = detail[key];
  return Array.isArray(value) ? value.length : null;
}

/** The file name at the end of a path, whichever separator the host uses. */
function fileName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}

function describeFailure(detail: Record<string, unknown>): string {
  const file = text(detail, 'file');
  const line = text(detail, 'line');
  const why = text(detail, 'sqliteMessage') ?? text(detail, 'message') ?? text(detail, 'error');
  const where = file ? `${file}${line ? ` failed at line ${line}` : ' failed'}` : 'Failed';
  return why ? `${where}: ${why}` : where;
}

/** One line saying what happened, from the event's action and its detail. */
export function describeEvent(event: LifecycleEvent): string {
  const d = event.detail;
  if (event.outcome === 'failed') return describeFailure(d);
  const steps = count(d, 'steps');
  switch (event.action) {
    case 'init':
      return `Created at ${text(d, 'to') ?? event.version ?? '?'}${steps !== null ? ` (${plural(steps, 'migration')})` : ''}`;
    case 'migrate':
      return `${text(d, 'from') ?? '?'} → ${text(d, 'to') ?? event.version ?? '?'}`;
    case 'baseline':
      return `Adopted as ${event.version ?? text(d, 'version') ?? '?'}${text(d, 'legacyVersion') ? ` (the service recorded ${text(d, 'legacyVersion')})` : ''}${d.automatic === true ? ' by init' : ''}`;
    case 'accept-checksum': {
      const reason = text(d, 'reason');
      return `Accepted the edited migration ${event.version ?? ''}${reason ? `: “${reason}”` : ''}`;
    }
    case 'repair': {
      const rebuilt = count(d, 'rebuiltIndexes');
      if (rebuilt) return `Rebuilt ${plural(rebuilt, 'damaged index', 'damaged indexes')}`;
      const recreated = count(d, 'recreated');
      return recreated !== null ? `Recreated ${plural(recreated, 'object')}` : 'Repaired';
    }
    case 'backup': {
      const name = text(d, 'name');
      const reason = text(d, 'reason');
      return name ? `${reason ? `${reason} backup` : 'Backup'} ${name}` : 'Backed up';
    }
    case 'restore': {
      const from = text(d, 'from') ?? text(d, 'backup') ?? text(d, 'restoredFrom');
      return from ? `From ${fileName(from)}` : 'Restored';
    }
    case 'recover-rows': {
      const tables = Array.isArray(d.tables) ? (d.tables as { copied?: unknown }[]) : [];
      const copied = tables.reduce((n, t) => n + (typeof t.copied === 'number' ? t.copied : 0), 0);
      return `Copied back ${plural(copied, 'row')} of ${text(d, 'table') ?? '?'} from ${text(d, 'backup') ?? '?'}`;
    }
  }
}

/** How long the action took, when its detail says (steps with executionMs, or durationMs). */
export function eventDurationMs(event: LifecycleEvent): number | null {
  const direct = event.detail.durationMs;
  if (typeof direct === 'number') return direct;
  const steps = event.detail.steps;
  if (!Array.isArray(steps)) return null;
  const times = steps.map((s) => (s as { executionMs?: unknown }).executionMs).filter((ms): ms is number => typeof ms === 'number');
  return times.length ? times.reduce((a, b) => a + b, 0) : null;
}

/** Failed and accepted-checksum events are the ones a support engineer must not miss. */
export function emphasisOf(event: LifecycleEvent): 'failed' | 'accepted' | null {
  if (event.outcome === 'failed') return 'failed';
  return event.action === 'accept-checksum' ? 'accepted' : null;
}

import type { HostEvent, LogEvent, Progress } from '../../../shared/types/jobs';

/** What the console knows about one running operation: its latest progress and log line. */
export interface OperationActivity {
  progress: Progress | null;
  log: LogEvent | null;
}

const REMEMBERED_OPERATIONS = 100;

/**
 * Listens to the host's events for the whole session and keeps the latest activity per
 * operationId, so a progress bar that mounts a moment after its call started misses nothing.
 */
export class OperationActivityStore {
  private readonly activity = new Map<string, OperationActivity>();
  private readonly listeners = new Set<() => void>();

  readonly record = (event: HostEvent): void => {
    if ((event.type !== 'progress' && event.type !== 'log') || !event.operationId) return;
    const previous = this.activity.get(event.operationId) ?? { progress: null, log: null };
    const next = event.type === 'progress' ? { ...previous, progress: event.progress } : { ...previous, log: event.log };
    this.activity.delete(event.operationId);
    this.activity.set(event.operationId, next);
    if (this.activity.size > REMEMBERED_OPERATIONS) this.activity.delete(this.activity.keys().next().value as string);
    for (const listener of this.listeners) listener();
  };

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  activityOf(operationId: string | null): OperationActivity | null {
    return operationId ? (this.activity.get(operationId) ?? null) : null;
  }
}

/** An operation id the contract accepts, made without crypto.randomUUID (absent outside secure contexts). */
export function newOperationId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `op-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

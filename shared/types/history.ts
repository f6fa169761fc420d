// What a database records about itself: the versions applied and every lifecycle event.

export interface AppliedVersion {
  version: string;
  appliedAt: string;
  description: string | null;
  checksum: string | null;
  executionMs: number | null;
  /** Who applied it (user@host, or the app's tool's own record); null where the app's table keeps none. */
  actor: string | null;
  kind: 'init' | 'migrate' | 'baseline' | null;
}

export type EventAction = 'init' | 'migrate' | 'baseline' | 'repair' | 'backup' | 'restore' | 'accept-checksum' | 'recover-rows';

export interface LifecycleEvent {
  id: number;
  at: string;
  action: EventAction;
  version: string | null;
  outcome: 'ok' | 'failed';
  actor: string;
  detail: Record<string, unknown>;
}

export interface HistoryReport {
  path: string;
  version: string | null;
  versions: AppliedVersion[];
  events: LifecycleEvent[];
}

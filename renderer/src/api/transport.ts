import type { CallEnvelope } from '../../../shared/transport';
import type { HostEvent } from '../../../shared/types/jobs';

/** How the console reaches its host: IPC inside Electron, HTTP + server-sent events in a browser. */
export interface Transport {
  kind: 'electron' | 'http';
  call(method: string, input: unknown): Promise<CallEnvelope<unknown>>;
  /** Subscribes to the host's progress and log events; returns the unsubscribe function. */
  subscribe(listener: (event: HostEvent) => void): () => void;
}

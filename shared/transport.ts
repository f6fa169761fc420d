import type { ErrorInfo } from './errors';
import type { HostEvent } from './types/jobs';

// How a call travels between the renderer and a host. Both hosts answer the same envelope.
//
// Electron: the preload exposes `window.warden` (WardenBridge). One ipcMain.handle per method,
// channel `warden:<method>`; events to the window on channel `warden:event`.
//
// HTTP (`warden serve`): POST /api/<method> with the input as the JSON body and the header
// `Authorization: Bearer <token>` and `Content-Type: application/json`; the answer is always a
// CallEnvelope in the body (HTTP 200 when ok, 4xx/5xx with the error otherwise: read the body,
// not just the status). Events: GET /api/events?token=<token> as server-sent events, each
// `data:` line one HostEvent as JSON. The console's URL carries the token as `?token=`; the page
// keeps it in sessionStorage and takes it out of the address bar. GET /api/health needs no token.
// A call may name the person acting in the X-Warden-Operator header (see HTTP_OPERATOR_HEADER).
//
// A page without `window.warden` is in a browser and uses HTTP. Both hosts send a `databases`
// event when their list of databases changes (File → Open/New in Electron, createDatabase).

export type CallEnvelope<T> = { ok: true; result: T } | { ok: false; error: ErrorInfo };

export interface WardenBridge {
  host: 'electron';
  call(method: string, input: unknown): Promise<CallEnvelope<unknown>>;
  /** Subscribes to host events (progress, log, databases, status, job); returns the unsubscribe function. */
  onEvent(listener: (event: HostEvent) => void): () => void;
}

export const IPC_EVENT_CHANNEL = 'warden:event';
export const ipcChannelFor = (method: string): string => `warden:${method}`;

/** The operator's name with each call (percent-encoded, as headers carry only Latin-1); the history records it. */
export const HTTP_OPERATOR_HEADER = 'X-Warden-Operator';
export const HTTP_HEALTH_ROUTE = '/api/health';
export const HTTP_EVENTS_ROUTE = '/api/events';
export const httpRouteFor = (method: string): string => `/api/${method}`;

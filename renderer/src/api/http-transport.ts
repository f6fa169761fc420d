import { HTTP_OPERATOR_HEADER, type CallEnvelope } from '../../../shared/transport';
import type { ErrorInfo } from '../../../shared/errors';
import type { HostEvent } from '../../../shared/types/jobs';
import { sessionOperator } from './session-operator';
import type { Transport } from './transport';

function failure(error: ErrorInfo): CallEnvelope<never> {
  return { ok: false, error };
}

function isEnvelope(value: unknown): value is CallEnvelope<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean';
}

/** An answer that is not an envelope (a proxy's page, an auth refusal) still becomes a sentence. */
function errorForStatus(status: number): ErrorInfo {
  if (status === 401 || status === 403) {
    return {
      code: 'INTERNAL',
      message: 'The Schema Warden server refused this console: its access token is missing or no longer valid.',
      consoleHint: 'Open the console with the address its server printed when it started: that address carries the access token.',
    };
  }
  if (status === 413) {
    return { code: 'INVALID_INPUT', message: 'The request was too large for the Schema Warden server.', consoleHint: 'Shorten what you typed and try again.' };
  }
  return {
    code: 'INTERNAL',
    message: `The Schema Warden server answered with HTTP ${status} and no explanation.`,
    consoleHint: "The server's log (the terminal it runs in) says what went wrong; try again once it is fixed.",
  };
}

const UNREACHABLE: ErrorInfo = {
  code: 'INTERNAL',
  message: 'The console cannot reach the Schema Warden server.',
  consoleHint: 'Check that the server is still running, then reload the page.',
};

/** POST /api/<method> with the bearer token; events as server-sent events from /api/events. */
export function httpTransport(token: string | null, base = ''): Transport {
  // One event stream for every subscriber: a browser keeps at most six connections to a host over
  // HTTP/1.1, and a stream per hook had taken them all — the next call (a Cancel) waited forever.
  const listeners = new Set<(event: HostEvent) => void>();
  let source: EventSource | null = null;
  return {
    kind: 'http',
    async call(method, input) {
      let response: Response;
      const operator = sessionOperator();
      try {
        response = await fetch(`${base}/api/${method}`, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            ...(token ? { Authorization: `Bearer ${token}` } : {}),
            // Percent-encoded: a header carries only Latin-1, a name may not be.
            ...(operator ? { [HTTP_OPERATOR_HEADER]: encodeURIComponent(operator) } : {}),
          },
          body: JSON.stringify(input ?? {}),
        });
      } catch {
        return failure(UNREACHABLE);
      }
      const body: unknown = await response.json().catch(() => null);
      if (isEnvelope(body)) return body;
      return failure(errorForStatus(response.status));
    },
    subscribe(listener) {
      listeners.add(listener);
      if (!source) {
        source = new EventSource(`${base}/api/events${token ? `?token=${encodeURIComponent(token)}` : ''}`);
        // Keep-alives are SSE comments and never reach onmessage: every message is one HostEvent.
        source.onmessage = (message: MessageEvent<string>) => {
          const event = JSON.parse(message.data) as HostEvent;
          for (const each of [...listeners]) each(event);
        };
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          source?.close();
          source = null;
        }
      };
    },
  };
}

import { request as httpRequest, type ClientRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { HostEvent } from '../../shared/types/jobs';
import type { Endpoint } from './deployment-client';

// An agent's events (GET /api/events, server-sent events: one HostEvent as JSON per `data:` line)
// for a process that is not a browser: the desktop app passes a deployment's progress and job
// events on to the window that shows it. A stream that ends or fails is opened again after a
// pause while someone listens (an agent restarting, a tunnel reopened).

const RECONNECT_MS = 3_000;

/**
 * More than any event an agent sends (the largest, a finished job with its result, is bounded as
 * answers are: a few MB at most). An event that grows past it is not one of ours: the stream is dropped.
 */
export const MAX_EVENT_CHARS = 16 * 1024 * 1024;

/** An event ran past MAX_EVENT_CHARS before it ended. */
export class EventTooLarge extends Error {}

/**
 * Reads server-sent-event text as it arrives, chunk by chunk. Each chunk is scanned once, from
 * where the last one ended: rescanning the unfinished event on every chunk made a 25 MB event
 * cost 6.7 s of CPU, and an event that never ended was kept whole.
 */
export class EventStreamReader {
  /** The unfinished line (the chunks since the last line end). */
  private line = '';
  /** The data lines of the unfinished event. */
  private data: string[] = [];
  private dataChars = 0;

  constructor(private readonly maxEventChars = MAX_EVENT_CHARS) {}

  /** The events `chunk` completes; throws EventTooLarge when the unfinished event runs past the cap. */
  push(chunk: string): HostEvent[] {
    const events: HostEvent[] = [];
    let start = 0;
    for (let end = chunk.indexOf('\n'); end !== -1; end = chunk.indexOf('\n', start)) {
      const whole = this.line + chunk.slice(start, end);
      this.line = '';
      start = end + 1;
      this.take(whole.endsWith('\r') ? whole.slice(0, -1) : whole, events);
    }
    this.line += chunk.slice(start);
    if (this.dataChars + this.line.length > this.maxEventChars) {
      throw new EventTooLarge(`an event ran past ${this.maxEventChars / 1024 / 1024} MB without ending, more than any event of Schema Warden`);
    }
    return events;
  }

  private take(line: string, events: HostEvent[]): void {
    if (line === '') return this.dispatch(events);
    // `: comment` lines are keep-alives; the data of one event may span several `data:` lines.
    if (!line.startsWith('data:')) return;
    const value = line.slice(line.startsWith('data: ') ? 6 : 5);
    this.data.push(value);
    this.dataChars += value.length;
  }

  private dispatch(events: HostEvent[]): void {
    const data = this.data.join('\n');
    this.data = [];
    this.dataChars = 0;
    if (!data) return;
    try {
      events.push(JSON.parse(data) as HostEvent);
    } catch {
      // Not an event of ours: skipped rather than ending the stream.
    }
  }
}

/**
 * Listens to the agent's events until the returned function is called. `endpoint` is asked again at
 * each reconnect. `onDropped` hears why a stream was dropped by this side (an event past the cap).
 */
export function subscribeAgentEvents(endpoint: () => Promise<Endpoint>, listener: (event: HostEvent) => void, onDropped?: (why: string) => void): () => void {
  let stopped = false;
  let current: ClientRequest | null = null;
  let retry: NodeJS.Timeout | null = null;

  const again = () => {
    current = null;
    if (!stopped && !retry) retry = setTimeout(() => ((retry = null), void open()), RECONNECT_MS);
  };

  async function open(): Promise<void> {
    let target: Endpoint;
    try {
      target = await endpoint();
    } catch {
      return again();
    }
    if (stopped) return;
    const url = new URL('/api/events', target.origin);
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
      url,
      { headers: { Host: target.host, Authorization: `Bearer ${target.token}`, Accept: 'text/event-stream' } },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return again();
        }
        const reader = new EventStreamReader();
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          let events: HostEvent[];
          try {
            events = reader.push(chunk);
          } catch (err) {
            // Dropped, with why; the stream is opened afresh after the pause (a new reader, nothing kept).
            onDropped?.(`The event stream of ${target.address} was dropped: ${(err as Error).message}.`);
            req.destroy();
            return again();
          }
          for (const event of events) listener(event);
        });
        res.on('end', again);
        res.on('error', again);
      },
    );
    req.on('error', again);
    req.end();
    current = req;
  }

  void open();
  return () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    current?.destroy();
  };
}

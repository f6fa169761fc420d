import { request as httpRequest, type ClientRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { HostEvent } from '../../shared/types';
import type { Endpoint } from './deployment-client';

// An agent's events (GET /api/events, server-sent events: one HostEvent as JSON per `data:` line)
// for a process that is not a browser: the desktop app passes a deployment's progress and job
// events on to the window that shows it. A stream that ends or fails is opened again after a
// pause while someone listens (an agent restarting, a tunnel reopened).

const RECONNECT_MS = 3_000;

/** The events in a chunk of server-sent-event text; what is left is an unfinished event. */
export function parseEventText(text: string): { events: HostEvent[]; rest: string } {
  const blocks = text.split(/\r?\n\r?\n/);
  const rest = blocks.pop() ?? '';
  const events: HostEvent[] = [];
  for (const block of blocks) {
    // `: comment` lines are keep-alives; the data of one event may span several `data:` lines.
    const data = block
      .split(/\r?\n/)
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).replace(/^ /, ''))
      .join('\n');
    if (!data) continue;
    try {
      events.push(JSON.parse(data) as HostEvent);
    } catch {
      // Not an event of ours: skipped rather than ending the stream.
    }
  }
  return { events, rest };
}

/** Listens to the agent's events until the returned function is called. `endpoint` is asked again at each reconnect. */
export function subscribeAgentEvents(endpoint: () => Promise<Endpoint>, listener: (event: HostEvent) => void): () => void {
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
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { headers: { Host: target.host, Authorization: `Bearer ${target.token}`, Accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return again();
      }
      let pending = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const { events, rest } = parseEventText(pending + chunk);
        pending = rest;
        for (const event of events) listener(event);
      });
      res.on('end', again);
      res.on('error', again);
    });
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

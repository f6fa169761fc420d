import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { HostEvent } from '../../../shared/types/jobs';

// A bare HTTP client for the host's tests: unlike fetch it can send any Host header and any
// body, and report exactly what came back.

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON (null when it is not JSON); tests read it field by field. */
  json: any;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export function request(origin: string, path: string, options: RequestOptions = {}): Promise<Reply> {
  const url = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown = null;
        try {
          json = JSON.parse(text);
        } catch {
          json = null; // not JSON (a static file): the test reads .text
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    // The host may answer (413) and close before a large body is fully sent; the answer is what
    // counts. A connection closed with no answer at all resolves with status 0.
    const noAnswer = () => resolve({ status: 0, headers: {}, text: '', json: null });
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? setTimeout(noAnswer, 500) : reject(err)));
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** Calls an API method the way the console does. */
export function callApi(origin: string, token: string, method: string, input: unknown): Promise<Reply> {
  return request(origin, `/api/${method}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  });
}

export interface EventListener {
  events: HostEvent[];
  /** Resolves with the first event (already received or to come) that matches. */
  waitFor(match: (event: HostEvent) => boolean, timeoutMs?: number): Promise<HostEvent>;
  close(): void;
}

/** Subscribes to GET /api/events and collects every HostEvent. */
export function listenToEvents(origin: string, token: string): Promise<EventListener> {
  const url = new URL(origin);
  return new Promise((resolve, reject) => {
    const events: HostEvent[] = [];
    const waiters: { match: (e: HostEvent) => boolean; done: (e: HostEvent) => void }[] = [];
    const req = httpRequest({ host: url.hostname, port: url.port, path: `/api/events?token=${encodeURIComponent(token)}` }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`events answered ${res.statusCode}`));
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').find((line) => line.startsWith('data: '));
          if (!data) continue;
          const event = JSON.parse(data.slice('data: '.length)) as HostEvent;
          events.push(event);
          for (const w of waiters.filter((w) => w.match(event))) w.done(event);
        }
      });
      resolve({
        events,
        waitFor(match, timeoutMs = 10_000) {
          const seen = events.find(match);
          if (seen) return Promise.resolve(seen);
          return new Promise((done, fail) => {
            const timer = setTimeout(() => fail(new Error('no matching event arrived')), timeoutMs);
            waiters.push({ match, done: (e) => (clearTimeout(timer), done(e)) });
          });
        },
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}

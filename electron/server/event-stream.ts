import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HostEvent } from '../../shared/types/jobs';

// GET /api/events: server-sent events, one HostEvent as JSON per `data:` line, to every console
// connected. A comment line every 15 s keeps proxies from closing an idle stream. Streams are
// bounded: a thousand idle ones took every file descriptor (health stopped answering) and two
// hundred that never read pinned 561 MB of buffers. So there are at most MAX_STREAMS, and a
// reader that falls MAX_UNREAD_BYTES behind is dropped (its EventSource reconnects and the
// console reloads what it shows).

const KEEP_ALIVE_MS = 15_000;
/** Far more than the consoles a team has open (each uses one stream for all its views). */
export const MAX_STREAMS = 64;
/** Events not yet taken by a reader, beyond the socket's own buffer: a console that reads lags by a few kB at most. */
export const MAX_UNREAD_BYTES = 1024 * 1024;

/** What one stream is shown of an event (the read-only token sees jobs without their content). */
export type EventView = (event: HostEvent) => HostEvent;

export class EventStream {
  private readonly clients = new Map<ServerResponse, EventView | undefined>();
  private readonly keepAlive = setInterval(() => this.write(() => ': keep-alive\n\n'), KEEP_ALIVE_MS).unref();

  /** False (nothing attached) when MAX_STREAMS are open already: the caller answers 503. */
  attach(req: IncomingMessage, res: ServerResponse, headers: Record<string, string>, view?: EventView): boolean {
    if (this.clients.size >= MAX_STREAMS) return false;
    res.writeHead(200, {
      ...headers,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write(': connected\n\n');
    this.clients.set(res, view);
    req.on('close', () => this.clients.delete(res));
    return true;
  }

  /** How many streams are open. */
  get size(): number {
    return this.clients.size;
  }

  broadcast(event: HostEvent): void {
    const text = `data: ${JSON.stringify(event)}\n\n`;
    this.write((view) => (view ? `data: ${JSON.stringify(view(event))}\n\n` : text));
  }

  close(): void {
    clearInterval(this.keepAlive);
    for (const res of this.clients.keys()) res.end();
    this.clients.clear();
  }

  private write(textFor: (view: EventView | undefined) => string): void {
    for (const [res, view] of this.clients) {
      if (res.writableLength > MAX_UNREAD_BYTES) {
        this.clients.delete(res);
        res.destroy();
      } else {
        res.write(textFor(view));
      }
    }
  }
}

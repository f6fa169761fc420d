import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { EventStreamReader, MAX_EVENT_CHARS, subscribeAgentEvents } from './agent-events';

// The server-sent-event text of an agent's /api/events, as it arrives in chunks. A hostile agent
// sent one endless event: it was kept whole and rescanned on every chunk (25 MB: 6.7 s of CPU).

const MB = 1024 * 1024;

function readAll(reader: EventStreamReader, chunks: string[]): unknown[] {
  return chunks.flatMap((chunk) => reader.push(chunk));
}

describe('EventStreamReader', () => {
  it('reads each data line as an event, skips keep-alives and keeps an unfinished event for the next chunk', () => {
    const job = { type: 'status', db: 'a', status: null };
    const whole = `: connected\n\ndata: ${JSON.stringify(job)}\n\n: keep-alive\n\ndata: ${JSON.stringify({ ...job, db: 'b' })}\n\n`;
    const cut = whole.length - 10;
    const reader = new EventStreamReader();
    expect(reader.push(whole.slice(0, cut))).toEqual([job]);
    expect(reader.push(whole.slice(cut))).toEqual([{ ...job, db: 'b' }]);
  });

  it('joins an event spread over several data lines, reads CRLF (even split between chunks), and skips what is not JSON', () => {
    expect(readAll(new EventStreamReader(), ['data: {"type":\r\ndata: "job"}\r\n\r', '\ndata: <html>\n\n'])).toEqual([{ type: 'job' }]);
  });

  it('reads a 1 MB event sent one character per chunk (each chunk scanned once, not the whole event again)', () => {
    // Rescanning the unfinished event on every chunk is a million scans of up to 1 MB here: it never finished.
    const event = { type: 'log', operationId: null, db: 'a', log: { level: 'info', message: 'x'.repeat(MB), at: '2026-01-01T00:00:00.000Z' } };
    const text = `data: ${JSON.stringify(event)}\n\n`;
    const reader = new EventStreamReader();
    const events: unknown[] = [];
    for (const char of text) events.push(...reader.push(char));
    expect(events).toEqual([event]);
  });

  it('cuts off a 25 MB event that never ends at the cap', () => {
    const reader = new EventStreamReader();
    const chunk = 'x'.repeat(64 * 1024);
    let read = 'data: '.length;
    reader.push('data: ');
    const cutOff = (() => {
      for (; read < 25 * MB; read += chunk.length) {
        try {
          reader.push(chunk);
        } catch (err) {
          return err as Error;
        }
      }
      return null;
    })();
    expect(cutOff?.message).toBe('an event ran past 16 MB without ending, more than any event of Schema Warden');
    expect(read).toBeLessThanOrEqual(MAX_EVENT_CHARS + chunk.length);
  });

  it('counts an event over its data lines: many short lines add up to the cap', () => {
    const reader = new EventStreamReader(1000);
    expect(() =>
      readAll(
        reader,
        Array.from({ length: 200 }, () => 'data: 123456789\n'),
      ),
    ).toThrow('an event ran past');
  });
});

describe('subscribeAgentEvents', () => {
  let agent: Server;
  afterAll(() => {
    agent.closeAllConnections();
    agent.close();
  });

  it('passes the events on, then drops the stream of an agent whose event never ends, saying why', async () => {
    agent = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write(': connected\n\ndata: {"type":"job","n":1}\n\ndata: "');
      const chunk = 'x'.repeat(MB);
      const pour = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pour);
      };
      pour();
    });
    await new Promise<void>((resolve) => agent.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(agent.address() as AddressInfo).port}`;
    const events: unknown[] = [];
    const dropped = await new Promise<string>((resolve) => {
      const stop = subscribeAgentEvents(
        async () => ({ origin, host: new URL(origin).host, token: 't', tokenFrom: 'a test', address: origin }),
        (event) => events.push(event),
        (why) => (stop(), resolve(why)),
      );
    });
    expect(events).toEqual([{ type: 'job', n: 1 }]);
    expect(dropped).toBe(`The event stream of ${origin} was dropped: an event ran past 16 MB without ending, more than any event of Schema Warden.`);
  });
});

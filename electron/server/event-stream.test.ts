import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EventStream, MAX_STREAMS } from './event-stream';

// The events stream's bounds, on a real HTTP server and real sockets: how many streams it keeps,
// and what happens to one whose reader stopped reading (a stalled console, or an attacker).

let server: Server;
let stream: EventStream;
const sockets: Socket[] = [];

async function listen(): Promise<number> {
  stream = new EventStream();
  server = createServer((req, res) => {
    if (!stream.attach(req, res, {})) res.writeHead(503).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A raw connection that asks for the stream, then never reads a byte of it. */
function stalledReader(port: number): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write('GET /api/events HTTP/1.1\r\nHost: x\r\n\r\n');
      socket.pause();
      resolve(socket);
    });
    socket.on('error', () => undefined);
    sockets.push(socket);
  });
}

function statusOf(port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/events' }, (res) => {
      resolve(res.statusCode ?? 0);
      res.destroy();
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

const until = async (done: () => boolean) => {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
};

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  stream.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('the events stream', () => {
  it(`keeps at most ${MAX_STREAMS} streams and refuses the next with 503`, async () => {
    const port = await listen();
    await Promise.all(Array.from({ length: MAX_STREAMS }, () => stalledReader(port)));
    await until(() => stream.size === MAX_STREAMS);
    expect(stream.size).toBe(MAX_STREAMS);
    expect(await statusOf(port)).toBe(503);
    // One goes away: its place is free again.
    sockets[0].destroy();
    await until(() => stream.size < MAX_STREAMS);
    expect(stream.size).toBe(MAX_STREAMS - 1);
  });

  it('drops a reader that stopped reading once it is a megabyte behind, and keeps one that reads', async () => {
    const port = await listen();
    await stalledReader(port);
    let received = 0;
    await new Promise<void>((resolve) => {
      const req = request({ host: '127.0.0.1', port, path: '/api/events' }, (res) => {
        res.on('data', (chunk: Buffer) => (received += chunk.length));
        resolve();
      });
      req.end();
    });
    await until(() => stream.size === 2);
    const event = { type: 'log', db: 'x', operationId: 'y', log: { level: 'info', message: 'x'.repeat(64 * 1024), at: '' } } as never;
    // Far more than both the kernel's socket buffers and MAX_UNREAD_BYTES.
    for (let i = 0; i < 400 && stream.size === 2; i++) {
      stream.broadcast(event);
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(stream.size).toBe(1);
    // The one left is the reader that reads: what is broadcast now reaches it.
    await until(() => false); // let it take what was sent before
    const before = received;
    for (let i = 0; i < 5; i++) stream.broadcast(event);
    await until(() => received >= before + 5 * 64 * 1024);
    expect(received).toBeGreaterThanOrEqual(before + 5 * 64 * 1024);
  });
});

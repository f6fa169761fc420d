import type { IncomingMessage } from 'node:http';
import { WardenError } from '../engine';

// Request bodies are small JSON objects; anything larger than the limit is refused (HTTP 413)
// without being kept, so a client cannot make the host buffer megabytes.

export class BodyTooLarge extends WardenError {
  constructor(limit: number) {
    super('INVALID_INPUT', `The request body is larger than ${limit} bytes.`, "Send only the method's input as JSON.");
  }
}

/** The client closed the connection before its whole body arrived: nobody is left to answer, and nothing failed here. */
export class ClientGone extends Error {
  constructor() {
    super('The client closed the connection before sending its whole request.');
  }
}

/** The whole body, up to `limit` bytes; past it the rest is left unread (see discardBody). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.off('data', onData);
      req.pause();
      reject(new BodyTooLarge(limit));
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'ECONNRESET' ? new ClientGone() : err));
  });
}

/**
 * Reads and drops the rest of a refused body before the refusal is sent: a connection closed with
 * bytes still unread is reset, and the client loses the answer with it (RFC 9112, 9.6). A client
 * that sends more than `maxBytes`, or for longer than `maxMs`, is cut off without one.
 */
export function discardBody(req: IncomingMessage, maxBytes: number, maxMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (req.complete) return resolve(true);
    let dropped = 0;
    const finish = (drained: boolean) => {
      clearTimeout(timer);
      req.off('data', onData);
      if (!drained) req.socket.destroy();
      resolve(drained);
    };
    const onData = (chunk: Buffer) => {
      dropped += chunk.length;
      if (dropped > maxBytes) finish(false);
    };
    const timer = setTimeout(() => finish(false), maxMs);
    req.on('data', onData);
    req.once('end', () => finish(true));
    req.once('close', () => finish(req.complete));
    req.resume();
  });
}

export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  if (Number(req.headers['content-length'] ?? 0) > limit) throw new BodyTooLarge(limit);
  const body = await readBody(req, limit);
  const text = body.toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new WardenError(
      'INVALID_INPUT',
      'The request body is not valid JSON.',
      'Send the method\'s input as a JSON object, e.g. {"db": "<a database id from listDatabases>"}.',
    );
  }
}

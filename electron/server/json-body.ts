import type { IncomingMessage } from 'node:http';
import { WardenError } from '../engine/errors';

// Request bodies are small JSON objects; anything larger than the limit is refused before it is
// read to the end (HTTP 413), so a client cannot make the host buffer megabytes.

export class BodyTooLarge extends WardenError {
  constructor(limit: number) {
    super('INVALID_INPUT', `The request body is larger than ${limit} bytes.`, 'Send only the method\'s input as JSON.');
  }
}

export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  if (Number(req.headers['content-length'] ?? 0) > limit) throw new BodyTooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLarge(limit);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new WardenError('INVALID_INPUT', 'The request body is not valid JSON.', 'Send the method\'s input as a JSON object, e.g. {"db": "conversation_files"}.');
  }
}

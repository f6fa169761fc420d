import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { throwIfCancelled, type EngineContext } from './context';

const CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * SHA-256 of a file, read in chunks so memory stays flat whatever its size; reports progress
 * in bytes and stops between chunks when the operation is cancelled.
 */
export async function sha256OfFile(ctx: EngineContext, path: string, operation: string, what: string): Promise<{ sha256: string; bytes: number }> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    let bytes = 0;
    for (;;) {
      throwIfCancelled(ctx, what);
      const { bytesRead } = await file.read(buffer, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      bytes += bytesRead;
      ctx.onProgress?.({ operation, phase: 'computing SHA-256', done: bytes, total: Math.max(size, bytes) });
    }
    return { sha256: hash.digest('hex'), bytes };
  } finally {
    await file.close();
  }
}

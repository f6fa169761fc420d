import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { EngineContext } from '../../context';
import { WardenError } from '../../errors';

// SHA-256 of a file on a worker thread: a backup's fingerprint is computed while the main thread
// runs SQLite's check of the same file, so verifying costs the longer of the two, not their sum.
// The worker is plain CommonJS in a string so it runs the same under tsx, Vitest and a bundle.

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { closeSync, fstatSync, openSync, readSync } = require('node:fs');
const { createHash } = require('node:crypto');
const fd = openSync(workerData.path, 'r');
try {
  const size = fstatSync(fd).size;
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(4 * 1024 * 1024);
  let bytes = 0;
  for (let n; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0; ) {
    hash.update(buffer.subarray(0, n));
    bytes += n;
    parentPort.postMessage({ bytes, size });
  }
  parentPort.postMessage({ bytes, size, sha256: hash.digest('hex') });
} finally {
  closeSync(fd);
}
`;

export interface FileDigest {
  sha256: string;
  bytes: number;
}

export interface Fingerprinting {
  /** The digest, once the whole file is read; rejects with CANCELLED when the operation is cancelled. */
  done: Promise<FileDigest>;
  /** Stops the worker (when the result is no longer wanted). */
  stop: () => Promise<void>;
}

/** Starts computing the SHA-256 of a file; reports progress in bytes. */
export function startSha256(ctx: EngineContext, path: string, operation: string, what: string): Fingerprinting {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path } });
  const done = new Promise<FileDigest>((resolve, reject) => {
    const onAbort = () => {
      reject(new WardenError('CANCELLED', `${what} was cancelled; nothing was changed by the unfinished step.`, 'Run it again when you are ready.'));
      void worker.terminate();
    };
    if (ctx.signal?.aborted) onAbort();
    ctx.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (message: { bytes: number; size: number; sha256?: string }) => {
      if (ctx.signal?.aborted) return;
      ctx.onProgress?.({ operation, phase: 'computing SHA-256', done: message.bytes, total: Math.max(message.size, message.bytes), unit: 'bytes' });
      if (message.sha256) resolve({ sha256: message.sha256, bytes: message.bytes });
    });
    worker.on('error', reject);
    worker.on('exit', () => {
      ctx.signal?.removeEventListener('abort', onAbort);
      reject(new Error(`The SHA-256 of ${path} stopped before the end of the file.`));
    });
  });
  done.catch(() => {}); // the caller awaits it, or stops it; either way a rejection here is not lost
  return { done, stop: async () => void (await worker.terminate()) };
}

/**
 * The SHA-256 of a file on this thread, for the few moments where nothing else may run in between
 * (a restore fingerprints the pre-restore copy while it holds the database's write lock).
 */
export function sha256FileSync(path: string): FileDigest {
  const fd = openSync(path, 'r');
  try {
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(4 * 1024 * 1024);
    let bytes = 0;
    for (let n; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0; ) {
      hash.update(buffer.subarray(0, n));
      bytes += n;
    }
    return { sha256: hash.digest('hex'), bytes };
  } finally {
    closeSync(fd);
  }
}

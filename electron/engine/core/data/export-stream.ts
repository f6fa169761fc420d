import type { CellValue } from '../../../../shared/types/data';
import type { EngineContext } from '../../context';
import { WardenError } from '../../errors';
import {
  answerLimitReached,
  type ChildReply,
  type ExportRequest,
  noAnswerError,
  type ReadLimits,
  replyError,
  startReadChild,
  stderrTail,
} from './read-process';

// A whole result, streamed: the read process (read-process.ts) steps the rows in one read
// transaction and writes them a page per line; the host takes the next line only once the sink
// has written the page before. Pausing the pipe stops the child at its next write, so neither
// process holds more than one page (EXPORT_PAGE_ROWS rows or about EXPORT_PAGE_BYTES of JSON;
// a single row larger than that is one page) however large the result, and a slow download slows
// the read instead of filling memory.

export const EXPORT_PAGE_ROWS = 1000;
export const EXPORT_PAGE_BYTES = 1024 * 1024;

/** Where the pages go: a file, an HTTP response. Each call is awaited before the next page is read. */
export interface PageSink {
  head(columns: string[], total: number | null): Promise<void> | void;
  page(rows: CellValue[][]): Promise<void> | void;
}

export type StreamOutcome =
  | { kind: 'done'; rows: number; heldBytesAtMost: number }
  | { kind: 'refused'; why: string }
  | { kind: 'failed'; message: string; code: string | undefined };

type Line = ChildReply & { head?: { columns: string[]; total: number | null }; rows?: CellValue[][]; end?: true };

/** Splits the child's output into lines without holding more than one line and the chunk it ends in. */
class LineReader {
  private pending: Buffer[] = [];
  pendingBytes = 0;

  /** The whole lines this chunk ends; the rest waits for the next chunk. */
  take(chunk: Buffer): Buffer[] {
    const lines: Buffer[] = [];
    let start = 0;
    let end: number;
    while ((end = chunk.indexOf(10, start)) !== -1) {
      lines.push(Buffer.concat([...this.pending, chunk.subarray(start, end)]));
      this.pending = [];
      this.pendingBytes = 0;
      start = end + 1;
    }
    if (start < chunk.length) {
      this.pending.push(chunk.subarray(start));
      this.pendingBytes += chunk.length - start;
    }
    return lines;
  }
}

/**
 * Streams every row of `request` into `sink` a page at a time, in a read process bounded like a
 * query's (time, memory, temporary storage; a page's size by the answer limit); Cancel kills it.
 * SQLite's refusal or failure is answered for the caller to word, as runRead's is.
 */
export function streamRead(ctx: EngineContext, request: ExportRequest, limits: ReadLimits, what: string, sink: PageSink): Promise<StreamOutcome> {
  const read = startReadChild(ctx, request, limits, what);
  const { child } = read;
  const stderr = stderrTail(read);
  const reader = new LineReader();
  let rows = 0;
  let held = 0;
  let ended: StreamOutcome | null = null;
  let working: Promise<void> = Promise.resolve();

  const handle = async (line: Line) => {
    const error = replyError(line, what, read);
    if (error) return read.stop(error);
    if (line.refused) ended = { kind: 'refused', why: line.refused };
    else if (line.failed !== undefined) ended = { kind: 'failed', message: line.failed, code: line.code };
    else if (line.head) await sink.head(line.head.columns, line.head.total);
    else if (line.rows) {
      await sink.page(line.rows);
      rows += line.rows.length;
    } else if (line.end) ended = { kind: 'done', rows, heldBytesAtMost: held };
  };

  child.stdout.on('data', (chunk: Buffer) => {
    if (read.stopped()) return;
    const lines = reader.take(chunk);
    const holding = reader.pendingBytes + lines.reduce((sum, l) => sum + l.length, 0);
    held = Math.max(held, holding);
    // The child keeps a page within the answer limit; this bounds the host even if it did not.
    if (reader.pendingBytes > read.answerBytes + EXPORT_PAGE_BYTES) return read.stop(answerLimitReached(what, read.answerBytes));
    if (lines.length === 0) return;
    child.stdout.pause();
    working = (async () => {
      for (const line of lines) await handle(JSON.parse(line.toString('utf8')) as Line);
    })()
      .catch((err: unknown) => read.stop(sinkFailed(what, err)))
      // Resumed even once stopped: what is left is read and dropped, so the pipe closes.
      .finally(() => child.stdout.resume());
  });

  return new Promise((resolve, reject) => {
    child.on('close', (code, signal) => {
      void working.then(() => {
        read.finish();
        const stopped = read.stopped();
        if (stopped) return reject(stopped);
        if (ended) return resolve(ended);
        reject(noAnswerError(what, read, code, signal, stderr()));
      });
    });
  });
}

/** The sink could not take a page (the download was closed, the disk is full): the read stops there, with the sink's reason. */
function sinkFailed(what: string, err: unknown): WardenError {
  if (err instanceof WardenError) return err;
  return new WardenError('INTERNAL', `${what} stopped: its rows could not be written (${err instanceof Error ? err.message : String(err)}).`, 'Try again.');
}

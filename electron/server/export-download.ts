import type { IncomingMessage, ServerResponse } from 'node:http';
import { once } from 'node:events';
import { WardenError } from '../engine';
import { errorInfoOf } from '../api/error-info';
import type { HostContext } from '../api/host-context';
import type { ExportTickets } from '../api/export-tickets';
import { EXPORT_CONTENT_TYPES, exportFileName, writeExport } from '../api/result-export';
import { HTTP_STATUS } from './http-status';

// GET /api/download/<ticket>: the file of an export the console asked for (exportResult), streamed
// as the engine reads it. The ticket is the only credential a browser's download can carry (no
// Authorization header on a link): one use, a minute, 128 random bits, handed only to the operator
// token. Closing the download, or Cancel in the console, stops the read.

type SendError = (res: ServerResponse, status: number, error: ReturnType<typeof errorInfoOf>) => void;

/** Waits until the socket took what was written, or until the download was closed (then the read stops). */
function drained(res: ServerResponse): Promise<void> {
  const closed = () => new WardenError('CANCELLED', 'The download was closed before the export ended; nothing was changed.', 'Export again.');
  if (res.destroyed) return Promise.reject(closed());
  return Promise.race([once(res, 'drain'), once(res, 'close')]).then(() => {
    if (res.destroyed) throw closed();
  });
}

export async function answerDownload(
  req: IncomingMessage,
  res: ServerResponse,
  ticket: string,
  host: HostContext,
  tickets: ExportTickets,
  headers: Record<string, string>,
  sendError: SendError,
): Promise<void> {
  if (req.method !== 'GET') return sendError(res, 405, { code: 'NOT_SUPPORTED', message: 'A download answers GET.' });
  const input = tickets.take(ticket);
  if (input === null)
    return sendError(res, 404, { code: 'NOT_FOUND', message: 'This download address was used already or has expired (a minute).', hint: 'Export again.' });
  const operation = host.operations.start(input.operationId ?? null);
  const cancelOnClose = () => {
    if (!res.writableFinished && input.operationId) host.operations.cancel(input.operationId);
  };
  res.on('close', cancelOnClose);
  const write = (text: string) => {
    if (!res.headersSent) {
      res.writeHead(200, {
        ...headers,
        'Content-Type': EXPORT_CONTENT_TYPES[input.format],
        'Content-Disposition': `attachment; filename="${exportFileName(input.db, input)}"`,
        'Cache-Control': 'no-store',
      });
    }
    return res.write(text) ? Promise.resolve() : drained(res);
  };
  try {
    await writeExport(host, input, write, operation.signal);
    if (!res.headersSent) await write(''); // no rows and no header line (JSON lines of an empty result): an empty file
    res.end();
  } catch (err) {
    // Once the file has started, a status can no longer say it failed: the download is cut, so the
    // browser marks it failed instead of keeping a file that looks whole. The console got the reason.
    if (res.headersSent) res.destroy();
    else {
      const info = errorInfoOf(err);
      sendError(res, HTTP_STATUS[info.code], info);
    }
  } finally {
    operation.finish();
    res.off('close', cancelOnClose);
  }
}

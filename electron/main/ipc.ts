import type { IpcMain, IpcMainInvokeEvent, WebFrameMain } from 'electron';
import { METHOD_NAMES } from '../../shared/contract';
import { ipcChannelFor, type CallEnvelope } from '../../shared/transport';

// One ipcMain.handle per contract method. A message is answered only when it comes from the top
// frame of the app's own page (its warden://console scheme and host, or the dev server's origin): not from an iframe,
// not from a page the window was somehow navigated to.

type Frame = Pick<WebFrameMain, 'url' | 'parent'>;

export function isAppFrame(frame: Frame | null, appUrl: string): boolean {
  if (!frame || frame.parent !== null) return false;
  try {
    const sender = new URL(frame.url);
    const app = new URL(appUrl);
    // Scheme and host, not `origin`: a URL of a scheme Node does not know has the origin "null", which any other such URL shares.
    return sender.protocol === app.protocol && sender.host === app.host && (app.protocol !== 'file:' || sender.pathname === app.pathname);
  } catch {
    return false; // not a URL at all: not our page
  }
}

export function registerApiHandlers(
  ipc: Pick<IpcMain, 'handle'>,
  appUrl: string,
  /** `windowId`: the sending window's webContents id (a fleet deployment's window is answered by its deployment). */
  call: (method: string, input: unknown, windowId: number) => Promise<CallEnvelope<unknown>>,
): void {
  for (const method of METHOD_NAMES) {
    ipc.handle(ipcChannelFor(method), async (event: Pick<IpcMainInvokeEvent, 'senderFrame' | 'sender'>, input: unknown): Promise<CallEnvelope<unknown>> => {
      if (!isAppFrame(event.senderFrame, appUrl)) {
        return { ok: false, error: { code: 'UNAUTHORIZED', message: `${method} was refused: the message did not come from the Schema Warden window.` } };
      }
      return call(method, input, event.sender.id);
    });
  }
}

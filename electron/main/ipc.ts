import type { IpcMain, IpcMainInvokeEvent, WebFrameMain } from 'electron';
import { METHOD_NAMES } from '../../shared/contract';
import { ipcChannelFor, type CallEnvelope } from '../../shared/transport';

// One ipcMain.handle per contract method. A message is answered only when it comes from the top
// frame of the app's own page (its file:// path, or the dev server's origin): not from an iframe,
// not from a page the window was somehow navigated to.

type Frame = Pick<WebFrameMain, 'url' | 'parent'>;

export function isAppFrame(frame: Frame | null, appUrl: string): boolean {
  if (!frame || frame.parent !== null) return false;
  try {
    const sender = new URL(frame.url);
    const app = new URL(appUrl);
    return app.protocol === 'file:' ? sender.protocol === 'file:' && sender.pathname === app.pathname : sender.origin === app.origin;
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

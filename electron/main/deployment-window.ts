import type { BrowserWindow } from 'electron';
import { IPC_EVENT_CHANNEL } from '../../shared/transport';
import type { HostEvent } from '../../shared/types/jobs';
import type { DeploymentWindow } from './desktop-fleet';

/** The part of a BrowserWindow a deployment window's handle uses (a test gives its own). */
export type DeploymentBrowserWindow = Pick<BrowserWindow, 'isDestroyed' | 'destroy' | 'focus' | 'once' | 'on' | 'show'> & {
  webContents: Pick<BrowserWindow['webContents'], 'id' | 'send'>;
};

/**
 * What DesktopFleet holds of a deployment's window: its id, and send, focus and close. Close is
 * destroy: a page can refuse close (beforeunload) and would stay open, forgotten by the fleet, and
 * a forgotten window must not be left on screen calling in.
 */
export function deploymentWindowHandle(window: DeploymentBrowserWindow, closed: () => void): { id: number; window: DeploymentWindow } {
  const id = window.webContents.id;
  window.once('ready-to-show', () => window.show());
  window.on('closed', closed);
  return {
    id,
    window: {
      send: (event: HostEvent) => (window.isDestroyed() ? undefined : window.webContents.send(IPC_EVENT_CHANNEL, event)),
      focus: () => window.focus(),
      close: () => (window.isDestroyed() ? undefined : window.destroy()),
    },
  };
}

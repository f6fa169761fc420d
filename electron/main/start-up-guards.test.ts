import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { CallEnvelope } from '../../shared/transport';
import type { HostEvent } from '../../shared/types/jobs';
import { IPC_EVENT_CHANNEL } from '../../shared/transport';
import { REPO_ROOT } from '../engine/test-support/fixtures';
import { deploymentWindowHandle, type DeploymentBrowserWindow } from './deployment-window';
import { runAsOnlyInstance } from './single-instance';
import { routeWindowCalls } from './window-calls';

// The desktop app's start-up guards, without the Electron binary: who answers a window's call, how
// a deployment window is closed, and one instance per user. Each is the code index.ts runs, given
// app- and window-shaped objects.

const answered =
  (by: string) =>
  async (method: string): Promise<CallEnvelope<unknown>> => ({ ok: true, result: { by, method } });

describe('calls from windows', () => {
  const MAIN = 1;
  const DEPLOYMENT = 7;
  function routes() {
    const main = vi.fn(answered('main'));
    const deployment = vi.fn((windowId: number, method: string) => (windowId === DEPLOYMENT ? answered('vm1')(method) : null));
    return { main, deployment, call: routeWindowCalls({ mainWindowId: MAIN, main, deployment }) };
  }

  it("answers the main window with the host's table, and a deployment window the fleet knows by its deployment", async () => {
    const { call, main } = routes();
    expect(await call('fleetMigrate', {}, MAIN)).toEqual({ ok: true, result: { by: 'main', method: 'fleetMigrate' } });
    expect(await call('status', { db: 'vm1' }, DEPLOYMENT)).toEqual({ ok: true, result: { by: 'vm1', method: 'status' } });
    expect(main).toHaveBeenCalledOnce();
  });

  it('refuses a window that is neither (a deployment window closed and forgotten, say): never answered as the main window', async () => {
    const { call, main } = routes();
    for (const method of ['fleetMigrate', 'keepFleetToken', 'listDatabases']) {
      expect(await call(method, {}, 99)).toEqual({
        ok: false,
        error: {
          code: 'UNAUTHORIZED',
          message: `${method} was refused: it came from a window this app does not know (a deployment window that was closed, say).`,
          consoleHint: 'Close this window and open the deployment again from the Fleet page of the main window.',
        },
      });
    }
    expect(main).not.toHaveBeenCalled();
  });
});

/** A BrowserWindow stand-in whose page refuses close (a beforeunload handler), as a hostile agent's page could. */
function refusingWindow(id: number) {
  const events = new EventEmitter();
  const state = { destroyed: false, sent: [] as unknown[], closeAsked: 0 };
  const window = {
    webContents: { id, send: (channel: string, event: unknown) => state.sent.push([channel, event]) },
    isDestroyed: () => state.destroyed,
    close: () => void state.closeAsked++, // the page's beforeunload keeps it open: no 'closed'
    destroy: () => {
      state.destroyed = true;
      events.emit('closed'); // as Electron does: destroy cannot be refused
    },
    focus: () => undefined,
    show: () => undefined,
    once: (event: string, listener: () => void) => events.once(event, listener),
    on: (event: string, listener: () => void) => events.on(event, listener),
  };
  return { window: window as unknown as DeploymentBrowserWindow, state };
}

describe('a deployment window', () => {
  it('is destroyed when the fleet closes it, even when its page would refuse to close, and says so once', () => {
    const { window, state } = refusingWindow(7);
    const closed = vi.fn();
    const before: HostEvent = { type: 'databases', databases: [], selected: null };
    const handle = deploymentWindowHandle(window, closed);
    expect(handle.id).toBe(7);
    handle.window.send(before);
    handle.window.close();
    expect(state.destroyed).toBe(true);
    expect(state.closeAsked).toBe(0);
    expect(closed).toHaveBeenCalledOnce();
    // Closed twice (a fleet reopened right after) and sent to after: nothing reaches a destroyed window.
    handle.window.close();
    handle.window.send({ ...before, selected: 'a' });
    expect(closed).toHaveBeenCalledOnce();
    expect(state.sent).toEqual([[IPC_EVENT_CHANNEL, before]]);
  });
});

function fakeApp(lockGranted: boolean) {
  const events = new EventEmitter();
  return {
    app: { requestSingleInstanceLock: vi.fn(() => lockGranted), quit: vi.fn(), on: vi.fn((event: string, listener: () => void) => events.on(event, listener)) },
    secondStarts: () => events.emit('second-instance'),
  };
}

describe('one app per user', () => {
  it('a second instance quits before it starts anything', () => {
    const { app } = fakeApp(false);
    const start = vi.fn();
    expect(runAsOnlyInstance(app as never, () => undefined, start)).toBe(false);
    expect(app.quit).toHaveBeenCalledOnce();
    expect(start).not.toHaveBeenCalled();
    expect(app.on).not.toHaveBeenCalled();
  });

  it('the first starts, and brings its window forward (restored if minimized) when a second is launched', () => {
    const { app, secondStarts } = fakeApp(true);
    const start = vi.fn();
    const window = { isMinimized: vi.fn(() => true), restore: vi.fn(), focus: vi.fn() };
    expect(runAsOnlyInstance(app as never, () => window, start)).toBe(true);
    expect(start).toHaveBeenCalledOnce();
    expect(app.quit).not.toHaveBeenCalled();
    secondStarts();
    expect(window.restore).toHaveBeenCalledOnce();
    expect(window.focus).toHaveBeenCalledOnce();
    expect(start).toHaveBeenCalledOnce();
  });
});

describe('index.ts', () => {
  // The guards above are only worth their tests if the desktop host runs them: it cannot be started here (no binary).
  it('routes IPC through routeWindowCalls, wraps deployment windows in deploymentWindowHandle and starts through runAsOnlyInstance', () => {
    const source = readFileSync(join(REPO_ROOT, 'electron/main/index.ts'), 'utf8');
    expect(source).toMatch(/const call = routeWindowCalls\(/);
    expect(source).toMatch(/registerApiHandlers\(ipcMain, appUrl, call\)/);
    expect(source).toMatch(/return deploymentWindowHandle\(window, closed\)|deploymentWindowHandle\(window, closed\);/);
    expect(source).toMatch(/^runAsOnlyInstance\(\s*app,/m);
    // Nothing of its own beside them: no second lock, no window closed by close(), no call answered around the router.
    expect(source).not.toMatch(/requestSingleInstanceLock|[wW]indow\.close\(\)|dispatch\(host, method, input\)\s*;/);
    // userData is settled before the lock, which Electron keys by that folder.
    expect(source.indexOf("app.setPath('userData'")).toBeLessThan(source.search(/^runAsOnlyInstance\(\s*app,/m));
  });
});

import type { IpcMain } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { METHOD_NAMES } from '../../shared/contract';
import { ipcChannelFor } from '../../shared/transport';
import { isAppFrame, registerApiHandlers } from './ipc';

import { APP_URL } from './app-protocol';

function registered(appUrl = APP_URL) {
  const handlers = new Map<string, (event: unknown, input: unknown) => Promise<unknown>>();
  const ipc = { handle: (channel: string, handler: (event: unknown, input: unknown) => Promise<unknown>) => handlers.set(channel, handler) };
  const call = vi.fn(async (method: string, input: unknown, windowId: number) => ({ ok: true as const, result: { method, input, windowId } }));
  registerApiHandlers(ipc as unknown as Pick<IpcMain, 'handle'>, appUrl, call);
  return { handlers, call };
}

describe('IPC handlers', () => {
  it('exist for exactly the contract methods, one channel each', () => {
    const { handlers } = registered();
    expect([...handlers.keys()].sort()).toEqual(METHOD_NAMES.map(ipcChannelFor).sort());
  });

  it("pass on a message from the app's own top frame", async () => {
    const { handlers, call } = registered();
    const reply = await handlers.get('warden:status')!(
      { senderFrame: { url: `${APP_URL}?deployment=vm1#/history`, parent: null }, sender: { id: 7 } },
      { db: 'a' },
    );
    // The sending window goes with the call: a fleet deployment's window is answered by its deployment.
    expect(reply).toEqual({ ok: true, result: { method: 'status', input: { db: 'a' }, windowId: 7 } });
    expect(call).toHaveBeenCalledOnce();
  });

  it('refuse a message from any other frame, without calling the API', async () => {
    const { handlers, call } = registered();
    const strangers = [
      { url: 'https://attacker.example/', parent: null },
      { url: 'file:///tmp/evil.html', parent: null },
      { url: 'warden://elsewhere/index.html', parent: null }, // the app's scheme, another host
      { url: 'other://console/index.html', parent: null }, // another scheme Node gives the origin "null" too
      { url: APP_URL, parent: { url: APP_URL } }, // an iframe inside the app
      null, // the frame is gone
    ];
    for (const senderFrame of strangers) {
      const reply = await handlers.get('warden:initialize')!({ senderFrame, sender: { id: 1 } }, { db: 'a' });
      expect(reply).toMatchObject({
        ok: false,
        error: { code: 'UNAUTHORIZED', message: 'initialize was refused: the message did not come from the Schema Warden window.' },
      });
    }
    expect(call).not.toHaveBeenCalled();
  });
});

describe('isAppFrame', () => {
  it('accepts the dev server by origin and nothing else', () => {
    const dev = 'http://localhost:5173/';
    expect(isAppFrame({ url: 'http://localhost:5173/index.html', parent: null }, dev)).toBe(true);
    expect(isAppFrame({ url: 'http://localhost:5174/', parent: null }, dev)).toBe(false);
    expect(isAppFrame({ url: 'http://localhost.attacker.example:5173/', parent: null }, dev)).toBe(false);
    expect(isAppFrame({ url: 'not a url', parent: null }, dev)).toBe(false);
  });

  it('accepts the built page by the app scheme and host, with any path, query or fragment, and no other page', () => {
    expect(isAppFrame({ url: 'warden://console/index.html?deployment=vm1#/history', parent: null }, APP_URL)).toBe(true);
    expect(isAppFrame({ url: 'file:///opt/schema-warden/out/renderer/index.html', parent: null }, APP_URL)).toBe(false);
    expect(isAppFrame({ url: 'x-evil://console/index.html', parent: null }, APP_URL)).toBe(false);
    expect(isAppFrame({ url: 'warden://console.evil/index.html', parent: null }, APP_URL)).toBe(false);
  });
});

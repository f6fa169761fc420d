import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Session, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../api/content-security-policy';
import { REPO_ROOT } from '../engine/test-support/fixtures';
import { applySessionPolicy, guardNavigation, mainWindowOptions, secureWebPreferences } from './window';

// The desktop window's security checklist, checked without the Electron binary: the options and
// guards are plain functions over webContents- and session-shaped objects.

type Listener = (event: { preventDefault(): void }, ...args: unknown[]) => void;

function fakeContents() {
  const listeners = new Map<string, Listener>();
  let openHandler: ((details: { url: string }) => { action: string }) | undefined;
  const contents = {
    on: vi.fn((event: string, listener: Listener) => listeners.set(event, listener)),
    setWindowOpenHandler: vi.fn((handler: typeof openHandler) => (openHandler = handler)),
  };
  guardNavigation(contents as unknown as Pick<WebContents, 'on' | 'setWindowOpenHandler'>);
  const fire = (event: string, url: string) => {
    const e = { preventDefault: vi.fn() };
    listeners.get(event)!(e, url);
    return e.preventDefault.mock.calls.length > 0;
  };
  return { fire, openWindow: (url: string) => openHandler!({ url }), listeners };
}

describe('the window', () => {
  it('isolates the page: context isolation, sandbox, no Node, no webviews, the preload only', () => {
    const prefs = secureWebPreferences('/app/out/preload/index.cjs', { devTools: false });
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
    });
    expect(mainWindowOptions('/p.cjs', { devTools: false }).webPreferences).toEqual(secureWebPreferences('/p.cjs', { devTools: false }));
    expect(mainWindowOptions('/p.cjs', { devTools: true }).webPreferences?.devTools).toBe(true);
    expect(prefs.preload).toMatch(/\.cjs$/); // a sandboxed preload must be CommonJS
  });

  it('denies every navigation, redirect, webview and new window', () => {
    const { fire, openWindow, listeners } = fakeContents();
    expect([...listeners.keys()].sort()).toEqual(['will-attach-webview', 'will-navigate', 'will-redirect']);
    for (const url of ['https://attacker.example/', 'file:///etc/passwd', 'http://127.0.0.1:7373/']) {
      expect(fire('will-navigate', url), url).toBe(true);
      expect(fire('will-redirect', url), url).toBe(true);
      expect(openWindow(url)).toEqual({ action: 'deny' });
    }
    expect(fire('will-attach-webview', 'https://attacker.example/')).toBe(true);
  });

  it('grants no permission and sends the CSP with every response', () => {
    let requestHandler: ((wc: unknown, permission: string, callback: (granted: boolean) => void) => void) | undefined;
    let checkHandler: (() => boolean) | undefined;
    let headersListener:
      | ((details: { responseHeaders?: Record<string, string[]> }, callback: (r: { responseHeaders: Record<string, string[]> }) => void) => void)
      | undefined;
    const session = {
      setPermissionRequestHandler: (h: typeof requestHandler) => (requestHandler = h),
      setPermissionCheckHandler: (h: typeof checkHandler) => (checkHandler = h),
      webRequest: { onHeadersReceived: (l: typeof headersListener) => (headersListener = l) },
    };
    applySessionPolicy(session as unknown as Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'webRequest'>);
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read']) {
      const callback = vi.fn();
      requestHandler!({}, permission, callback);
      expect(callback).toHaveBeenCalledWith(false);
    }
    expect(checkHandler!()).toBe(false);
    const callback = vi.fn();
    headersListener!({ responseHeaders: { 'X-Other': ['1'] } }, callback);
    expect(callback).toHaveBeenCalledWith({ responseHeaders: { 'X-Other': ['1'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
});

describe('the Content-Security-Policy', () => {
  const directives = (policy: string) =>
    new Map(
      policy
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...values]) => [name, values]),
    );

  it.each([
    ['sent by both hosts', CONTENT_SECURITY_POLICY],
    [
      'in the page itself (renderer/index.html)',
      /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(readFileSync(join(REPO_ROOT, 'renderer/index.html'), 'utf8'))?.[1] ?? '',
    ],
  ])('%s allows no eval, no inline script and no remote origin', (_where, policy) => {
    expect(policy).not.toBe('');
    expect(policy).not.toMatch(/unsafe-eval|https?:|wss?:|\*/);
    const d = directives(policy);
    expect(d.get('script-src') ?? d.get('default-src')).toEqual(["'self'"]);
    for (const [name, values] of d) {
      for (const value of values) {
        const allowed = ["'self'", "'none'", ...(name === 'style-src' ? ["'unsafe-inline'"] : []), ...(name === 'img-src' ? ['data:'] : [])];
        expect(allowed, `${name} ${value}`).toContain(value);
      }
    }
  });
});

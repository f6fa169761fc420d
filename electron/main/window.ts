import type { BrowserWindowConstructorOptions, Session, WebContents, WebPreferences } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../api/content-security-policy';

// The window's security settings and guards, apart from the code that creates the window so a
// test can check them without the Electron binary (Electron's security checklist, items 2–4,
// 7, 12–15).

/** `devTools`: whether the developer tools may open (never in a packaged app). */
export function secureWebPreferences(preload: string, { devTools }: { devTools: boolean }): WebPreferences {
  return {
    preload,
    devTools,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
  };
}

export function mainWindowOptions(preload: string, tools: { devTools: boolean }): BrowserWindowConstructorOptions {
  return { width: 1280, height: 820, minWidth: 900, minHeight: 560, title: 'Schema Warden', show: false, webPreferences: secureWebPreferences(preload, tools) };
}

/** The console is one page: it never navigates, opens windows or embeds web views. */
export function guardNavigation(contents: Pick<WebContents, 'on' | 'setWindowOpenHandler'>): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** No permission (camera, notifications, …) is ever granted; every response carries the CSP. */
export function applySessionPolicy(session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'webRequest'>): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  // Responses from the dev server get the header here; the built page's come with it from app-protocol.ts.
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
}

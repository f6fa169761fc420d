import { readFile } from 'node:fs/promises';
import { extname, join, relative, resolve, sep } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../api/content-security-policy';

// The built console is served from a scheme of the app's own (warden://console/…), not from file://:
// a page loaded from file:// gets only the weaker policy of its meta tag (response headers do not
// apply there) and shares its origin with every local file. Each response carries the full
// Content-Security-Policy header; only files under the built renderer folder are ever served.
// Electron's side (registering the scheme, the handler) is two lines in index.ts; what it serves is
// decided here, where a test can check it without the Electron binary.

export const APP_SCHEME = 'warden';
export const APP_HOST = 'console';
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** Standard (relative URLs and an origin of its own), secure (like https), and fetch allowed: what a page needs. */
export const APP_SCHEME_PRIVILEGES = { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } };

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
};

/** The file under `root` a request for `url` names, or null where it names none there (another host, or a path leaving the folder). */
export function appFileFor(url: string, root: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return null;
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  const file = resolve(root, `.${path === '/' ? '/index.html' : path}`);
  const inside = relative(resolve(root), file);
  return inside === '' || inside.startsWith('..') || inside.startsWith(sep) ? null : join(resolve(root), inside);
}

/** The answer to one request of the page: the file with its type and the full policy, or 404. */
export async function serveAppFile(url: string, root: string, read: (path: string) => Promise<Buffer> = readFile): Promise<Response> {
  const headers = { 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'X-Content-Type-Options': 'nosniff' };
  const file = appFileFor(url, root);
  if (file === null) return new Response('Not found', { status: 404, headers });
  try {
    const body = await read(file);
    return new Response(new Uint8Array(body), {
      status: 200,
      headers: { ...headers, 'Content-Type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream' },
    });
  } catch {
    return new Response('Not found', { status: 404, headers });
  }
}

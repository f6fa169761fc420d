import { createReadStream, realpathSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join, relative, resolve, sep } from 'node:path';

// The built console (out/renderer) as static files. Only regular files inside the folder are
// served: the path is decoded, resolved and checked against the folder after following symlinks.

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export function contentTypeOf(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep) && !/^[A-Za-z]:/.test(rel));
}

/** The file a URL path names inside `root`, or null when there is none (or it would leave the folder). */
export function resolveStaticFile(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const wanted = resolve(root, `.${decoded.endsWith('/') ? `${decoded}index.html` : decoded}`);
  if (!isInside(root, wanted)) return null;
  try {
    const real = realpathSync(wanted);
    return isInside(realpathSync(root), real) && statSync(real).isFile() ? real : null;
  } catch {
    return null; // no such file: the caller answers 404
  }
}

/** Streams a file with its content type; `headers` carries the security headers. */
export function sendStaticFile(res: ServerResponse, file: string, headOnly: boolean, headers: Record<string, string>): void {
  res.writeHead(200, { ...headers, 'Content-Type': contentTypeOf(file), 'Content-Length': statSync(file).size, 'Cache-Control': 'no-cache' });
  if (headOnly) res.end();
  else createReadStream(file).pipe(res);
}

export const rendererIndex = (root: string) => join(root, 'index.html');

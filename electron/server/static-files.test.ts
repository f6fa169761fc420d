import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../engine/test-support/fixtures';
import { contentTypeOf, resolveStaticFile } from './static-files';

describe('resolveStaticFile', () => {
  function site() {
    const dir = tempDir();
    const root = join(dir, 'renderer');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html>');
    writeFileSync(join(root, 'assets', 'app.js'), '');
    writeFileSync(join(dir, 'secret.db'), 'SQLite format 3');
    symlinkSync(join(dir, 'secret.db'), join(root, 'assets', 'link.js'));
    return { root, dir };
  }

  it('serves index.html for / and files inside the folder', () => {
    const { root } = site();
    expect(resolveStaticFile(root, '/')).toBe(join(root, 'index.html'));
    expect(resolveStaticFile(root, '/assets/app.js')).toBe(join(root, 'assets', 'app.js'));
    expect(resolveStaticFile(root, '/assets/%61pp.js')).toBe(join(root, 'assets', 'app.js'));
  });

  it('never leaves the folder: dot-dot, encoded dot-dot, backslashes, NUL, symlinks out, folders, bad escapes', () => {
    const { root } = site();
    for (const path of [
      '/../secret.db',
      '/%2e%2e/secret.db',
      '/assets/..%2f..%2fsecret.db',
      '/..%5csecret.db',
      '/index.html%00.js',
      '/assets/link.js',
      '/assets',
      '/%E0%A4%A',
      '/missing.html',
    ]) {
      expect(resolveStaticFile(root, path), path).toBeNull();
    }
  });

  it('gives each kind of file its content type', () => {
    expect(contentTypeOf('a/index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeOf('a/app.JS')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeOf('a/font.woff2')).toBe('font/woff2');
    expect(contentTypeOf('a/data.bin')).toBe('application/octet-stream');
  });
});

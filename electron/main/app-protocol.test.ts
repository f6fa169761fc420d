import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../api/content-security-policy';
import { tempDir } from '../engine/test-support/fixtures';
import { appFileFor, APP_URL, serveAppFile } from './app-protocol';

// What the desktop app's own scheme serves: the built console's files with the full policy, and
// nothing outside its folder, whatever the URL says.

function builtRenderer(): string {
  const root = join(tempDir(), 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Schema Warden</title>');
  writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(root, '..', 'secret.txt'), 'not for the page');
  return root;
}

describe('the app scheme', () => {
  it('serves the page and its assets with their type, the full Content-Security-Policy and nosniff', async () => {
    const root = builtRenderer();
    const page = await serveAppFile(APP_URL, root);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Schema Warden</title>');
    expect(page.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('Content-Security-Policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('Content-Security-Policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('X-Content-Type-Options')).toBe('nosniff');
    const script = await serveAppFile('warden://console/assets/index-abc.js?v=1', root);
    expect(script.headers.get('Content-Type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe('console.log(1)');
  });

  it('serves nothing outside the renderer folder, and nothing for another host or scheme', async () => {
    const root = builtRenderer();
    for (const url of [
      'warden://console/../secret.txt',
      'warden://console/%2e%2e/secret.txt',
      'warden://console/assets/..%2f..%2fsecret.txt',
      'warden://console/%2e%2e%2fsecret.txt',
      'warden://other/index.html',
      'file:///etc/passwd',
      'warden://console/index.html%00.js',
      'warden://console/missing.js',
    ]) {
      const answer = await serveAppFile(url, root);
      expect(answer.status, url).toBe(404);
      expect(await answer.text(), url).not.toContain('not for the page');
    }
    expect(appFileFor('warden://console/', root)).toBe(join(root, 'index.html'));
  });
});

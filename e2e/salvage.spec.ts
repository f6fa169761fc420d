import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { damageMiddlePages } from '../electron/engine/test-support/damage';
import { SCREENSHOTS, startWardenServe, warden, whyServeIsUnavailable, type RunningHost } from './warden-serve';

// Salvage from the console on a file with pages overwritten, through the real web host, on a
// machine whose sqlite3 cannot .recover (Debian's): the new file beside the damaged one, with its
// rows per table beside the backup's and the unreadable pages named by table or index.

const unavailable = whyServeIsUnavailable();
test.skip(unavailable !== null, unavailable ?? '');

let dir: string;
let dbPath: string;
let host: RunningHost;

const sha256 = () => createHash('sha256').update(readFileSync(dbPath)).digest('hex');

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'warden-salvage-'));
  dbPath = join(dir, 'damaged.db');
  if (warden(['init', '--db', dbPath]).status !== 0) throw new Error('warden init failed');
  execFileSync('sqlite3', [dbPath, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) INSERT INTO conversation_files (file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash) SELECT 'f-' || i, 's', 'r.pdf', 'st-' || i, '/f/' || i, i, 'h' FROM n;"]);
  if (warden(['backup', '--db', dbPath]).status !== 0) throw new Error('warden backup failed');
  damageMiddlePages(dbPath);
  host = await startWardenServe([dbPath]);
});

test.afterAll(() => {
  host?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a file with pages overwritten: Overview leads to Salvage, which recovers every readable row into a new file', async ({ page }) => {
  const before = sha256();
  await page.goto(host.url);
  await page.getByRole('navigation', { name: 'Databases' }).getByRole('link', { name: new RegExp(basename(dbPath).replace('.', '\\.')) }).click();
  const step = page.getByRole('region', { name: 'Status and next step' });
  await step.getByRole('link', { name: 'Salvage what can be read…' }).click();
  const panel = page.locator('section', { has: page.getByRole('heading', { name: 'Salvage', exact: true }) });
  await panel.getByRole('button', { name: 'Salvage into a new file' }).click();
  const table = panel.getByRole('table', { name: 'Rows salvaged per table' });
  const files = table.getByRole('row').filter({ hasText: 'conversation_files' });
  await expect(files).toBeVisible({ timeout: 30_000 });
  await expect(panel).toContainText('Every readable row is in a new file');
  await expect(panel).toContainText(/could not be read/);
  const made = readdirSync(dir).filter((f) => f.startsWith('damaged-salvaged-'));
  expect(made).toHaveLength(1);
  expect(readdirSync(dir).filter((f) => f.startsWith('.damaged-salvaged-'))).toEqual([]);
  const out = join(dir, made[0]);
  expect(execFileSync('sqlite3', [out, 'PRAGMA integrity_check'], { encoding: 'utf8' }).trim()).toBe('ok');
  const salvaged = Number(execFileSync('sqlite3', [out, 'SELECT count(*) FROM conversation_files'], { encoding: 'utf8' }).trim());
  expect(salvaged).toBeGreaterThan(2500);
  expect(salvaged).toBeLessThanOrEqual(3000);
  await expect(files).toContainText(salvaged.toLocaleString('en-US'));
  await expect(files).toContainText((3000).toLocaleString('en-US'));
  await page.setViewportSize({ width: page.viewportSize()?.width ?? 1280, height: 1400 }); // the whole panel below the sticky tabs
  await panel.screenshot({ path: join(SCREENSHOTS, 'integrity-salvage.png') });
  expect(sha256()).toBe(before);
});

test('both ways at once: salvage, then the rows the damaged pages held copied back from the backup; the new file has every row', async ({ page }) => {
  const before = sha256();
  await page.goto(`${host.url}`);
  await page.getByRole('navigation', { name: 'Databases' }).getByRole('link', { name: new RegExp(basename(dbPath).replace('.', '\\.')) }).click();
  await page.getByRole('region', { name: 'Status and next step' }).getByRole('link', { name: 'Salvage what can be read…' }).click();
  const panel = page.locator('section', { has: page.getByRole('heading', { name: 'Salvage', exact: true }) });
  const already = new Set(readdirSync(dir));
  await panel.getByRole('button', { name: 'Salvage, then copy rows back from the backup' }).click();
  const copied = panel.getByRole('table', { name: 'Rows copied back from the backup' });
  await expect(copied).toBeVisible({ timeout: 30_000 });
  const made = readdirSync(dir).filter((f) => f.startsWith('damaged-salvaged-') && !already.has(f));
  expect(made).toHaveLength(1);
  const out = join(dir, made[0]);
  // Every file was written before the backup: salvage and the backup together give back all 3,000.
  expect(execFileSync('sqlite3', [out, "SELECT count(*) FROM conversation_files WHERE file_id LIKE 'f-%'"], { encoding: 'utf8' }).trim()).toBe('3000');
  expect(execFileSync('sqlite3', [out, 'PRAGMA integrity_check'], { encoding: 'utf8' }).trim()).toBe('ok');
  await expect(copied.getByRole('row').filter({ hasText: 'conversation_files' })).toBeVisible();
  await page.setViewportSize({ width: page.viewportSize()?.width ?? 1280, height: 1600 });
  await panel.screenshot({ path: join(SCREENSHOTS, 'integrity-salvage-both.png') });
  expect(sha256()).toBe(before);
});

import { expect, test } from '@playwright/test';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { damageMiddlePages } from '../electron/engine/test-support/damage';
import { SCREENSHOTS, startWardenServe, warden, whyServeIsUnavailable, type RunningHost } from './warden-serve';

// Salvage from the console on a file with pages overwritten, through the real web host: the new
// file beside the damaged one with its rows per table, or, where this machine's SQLite cannot
// recover (Debian 12's sqlite3 has no sqlite_dbpage), the reason in words and nothing written.

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

test('a file with pages overwritten: Overview leads to Salvage, which recovers into a new file or says why it cannot here', async ({ page }) => {
  const before = sha256();
  await page.goto(host.url);
  await page.getByRole('navigation', { name: 'Databases' }).getByRole('link', { name: new RegExp(basename(dbPath).replace('.', '\\.')) }).click();
  const step = page.getByRole('region', { name: 'Status and next step' });
  await step.getByRole('link', { name: 'Salvage what can be read…' }).click();
  const panel = page.locator('section', { has: page.getByRole('heading', { name: 'Salvage', exact: true }) });
  await panel.getByRole('button', { name: 'Salvage into a new file' }).click();
  const recoverWorks = spawnSync('sqlite3', [':memory:', 'SELECT count(*) FROM sqlite_dbpage']).status === 0;
  if (recoverWorks) {
    const table = panel.getByRole('table', { name: 'Rows salvaged per table' });
    await expect(table.getByRole('row').filter({ hasText: 'conversation_files' })).toBeVisible();
    expect(readdirSync(dir).filter((f) => f.startsWith('damaged-salvaged-'))).toHaveLength(1);
  } else {
    await expect(panel.getByText(/Nothing was salvaged/)).toBeVisible();
    await expect(panel).toContainText('sqlite_dbpage');
    await expect(panel).toContainText('NOT_SUPPORTED');
    expect(readdirSync(dir).filter((f) => f.startsWith('damaged-salvaged-') || f.startsWith('.warden-salvage-'))).toEqual([]);
  }
  await panel.screenshot({ path: join(SCREENSHOTS, 'integrity-salvage.png') });
  expect(sha256()).toBe(before);
});

import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { damageLeafOf, damageMiddlePages } from '../electron/engine/test-support/damage';
import { SCREENSHOTS, startWardenServe, warden, whyServeIsUnavailable, type RunningHost } from './warden-serve';

// Salvage from the console on a file with pages overwritten, through the real web host, on a
// machine whose sqlite3 cannot .recover (Debian's): the new file beside the damaged one, with its
// rows per table beside the backup's and the unreadable pages named by table or index. And a
// larger file never backed up, walked to Healthy: Preserve a copy, Salvage with its progress by
// pages (a first one cancelled: nothing left behind), the salvaged file opened in the console,
// backed up. Referees: the file system, sha256 of the damaged file, sqlite3 on the new file.

const unavailable = whyServeIsUnavailable();
test.skip(unavailable !== null, unavailable ?? '');

let dir: string;
let dbPath: string;
let unbackedPath: string;
let host: RunningHost;
/** Files in the large database never backed up; one page of its access log is overwritten. */
const UNBACKED_FILES = 150_000;

const sha256 = (path = dbPath) => createHash('sha256').update(readFileSync(path)).digest('hex');
/** What a salvage of `name` leaves in the folder: its new file, or its staging file while (or if) it is written. */
const salvageOutputs = (name: string) => readdirSync(dir).filter((f) => f.startsWith(`${name}-salvaged-`) || f.startsWith(`.${name}-salvaged-`));

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'warden-salvage-'));
  dbPath = join(dir, 'damaged.db');
  if (warden(['init', '--db', dbPath]).status !== 0) throw new Error('warden init failed');
  execFileSync('sqlite3', [
    dbPath,
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) INSERT INTO conversation_files (file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash) SELECT 'f-' || i, 's', 'r.pdf', 'st-' || i, '/f/' || i, i, 'h' FROM n;",
  ]);
  if (warden(['backup', '--db', dbPath]).status !== 0) throw new Error('warden backup failed');
  damageMiddlePages(dbPath);
  // About 57 MB: a salvage long enough to watch its progress and to cancel it.
  unbackedPath = join(dir, 'unbacked.db');
  if (warden(['init', '--db', unbackedPath]).status !== 0) throw new Error('warden init failed');
  execFileSync('sqlite3', [
    unbackedPath,
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${UNBACKED_FILES}) INSERT INTO conversation_files (file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash) SELECT 'f-' || i, 's-' || (i % 40), 'report-' || i || '.pdf', 'st-' || i, '/files/' || i, i * 10, 'h-' || i FROM n;`,
  ]);
  // A page of the access log, a table no other points at: the salvaged file has no child row without its parent, so it can end Healthy.
  damageLeafOf(unbackedPath, 'file_access_log', 50);
  host = await startWardenServe([dbPath, unbackedPath]);
});

test.afterAll(() => {
  host?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a file with pages overwritten: Overview leads to Salvage, which recovers every readable row into a new file', async ({ page }) => {
  const before = sha256();
  await page.goto(host.url);
  await page
    .getByRole('navigation', { name: 'Databases' })
    .getByRole('link', { name: new RegExp(basename(dbPath).replace('.', '\\.')) })
    .click();
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
  await page
    .getByRole('navigation', { name: 'Databases' })
    .getByRole('link', { name: new RegExp(basename(dbPath).replace('.', '\\.')) })
    .click();
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

test('corrupt and never backed up, walked to Healthy: Preserve a copy, Salvage by pages (a first one cancelled leaves nothing), open the salvaged file, back it up', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const before = sha256(unbackedPath);
  await page.goto(host.url);
  await page
    .getByRole('navigation', { name: 'Databases' })
    .getByRole('link', { name: /unbacked\.db/ })
    .click();
  const step = page.getByRole('region', { name: 'Status and next step' });
  await expect(step.getByRole('heading', { name: /Preserve a copy/ })).toBeVisible();
  await step.getByRole('button', { name: 'Preserve a copy' }).click();
  await expect(step.getByRole('heading', { name: /Salvage what can be read/ })).toBeVisible();
  await step.getByRole('link', { name: 'See the damage and salvage…' }).click();

  const panel = page.locator('section', { has: page.getByRole('heading', { name: 'Salvage', exact: true }) });
  const start = panel.getByRole('button', { name: 'Salvage into a new file' });
  const bar = panel.getByRole('progressbar', { name: 'Salvaging' });
  const pages = Number(execFileSync('sqlite3', [unbackedPath, 'PRAGMA page_count'], { encoding: 'utf8' }).trim());
  const ofPages = new RegExp(`[\\d,]+ of ${pages.toLocaleString('en-US')} pages`);

  // First: started, seen to go by pages, cancelled. Nothing of it is left in the folder; the damaged file is as it was.
  await start.click();
  await expect(panel).toContainText(ofPages);
  await expect(bar).toHaveAttribute('aria-valuenow', /^\d+$/);
  await panel.getByRole('button', { name: 'Cancel' }).click();
  await expect(panel).toContainText('Nothing was salvaged');
  await expect(start).toBeEnabled();
  expect(salvageOutputs('unbacked')).toEqual([]);
  expect(sha256(unbackedPath)).toBe(before);

  // Again, to the end: the bar fills by pages as the file is read.
  await start.click();
  await expect(panel).toContainText(ofPages);
  await panel.screenshot({ path: join(SCREENSHOTS, 'integrity-salvage-progress.png') });
  const seen: number[] = [];
  const result = panel.getByRole('table', { name: 'Rows salvaged per table' });
  while (!(await result.isVisible())) {
    const now = await bar.getAttribute('aria-valuenow', { timeout: 1_000 }).catch(() => null);
    if (now !== null && seen.at(-1) !== Number(now)) seen.push(Number(now));
    await page.waitForTimeout(100);
  }
  expect(seen.length, `progress seen: ${seen.join(', ')}`).toBeGreaterThan(1);
  expect(seen).toEqual([...seen].sort((a, b) => a - b));
  await expect(panel).toContainText('Every readable row is in a new file');
  const made = salvageOutputs('unbacked');
  expect(made).toHaveLength(1);
  const out = join(dir, made[0]);
  expect(execFileSync('sqlite3', [out, 'PRAGMA integrity_check'], { encoding: 'utf8' }).trim()).toBe('ok');
  expect(Number(execFileSync('sqlite3', [out, 'SELECT count(*) FROM conversation_files'], { encoding: 'utf8' }).trim())).toBe(UNBACKED_FILES);
  const logRows = Number(execFileSync('sqlite3', [out, 'SELECT count(*) FROM file_access_log'], { encoding: 'utf8' }).trim());
  expect(logRows).toBeLessThan(UNBACKED_FILES); // the overwritten page's rows are gone, and only those
  expect(logRows).toBeGreaterThan(UNBACKED_FILES - 200);
  await page.setViewportSize({ width: 1360, height: 1400 });
  await panel.screenshot({ path: join(SCREENSHOTS, 'integrity-salvage-open.png') });

  // The salvaged file, opened in the console: it needs a backup, and is Healthy once it has one.
  await panel.getByRole('button', { name: 'Open the salvaged file' }).click();
  await expect(page.getByRole('heading', { level: 1, name: made[0] })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Databases' }).getByRole('link', { name: new RegExp(made[0].replace(/[.]/g, '\\.')) })).toBeVisible();
  await expect(step.getByRole('heading', { name: /Back up/ })).toBeVisible();
  await step.getByRole('button', { name: 'Back up now' }).click();
  await expect(step.getByText('Healthy')).toBeVisible({ timeout: 60_000 });
  await page.setViewportSize({ width: 1360, height: 900 });
  await page.screenshot({ path: join(SCREENSHOTS, 'overview-salvaged-healthy.png') });
  expect(sha256(unbackedPath)).toBe(before);
});

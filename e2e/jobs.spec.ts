import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCREENSHOTS, sqlite, startWardenServe, warden, whyServeIsUnavailable, type RunningHost } from './warden-serve';

// Jobs belong to the host (issue 14): a backup long enough to watch (a database of about 1 GB)
// keeps running while the console leaves its view, switches database and reloads; the Jobs panel
// follows it and cancels it; sqlite3 and SHA-256 are the referees.

const unavailable = whyServeIsUnavailable();
test.skip(unavailable !== null, unavailable ?? '');

let dir: string;
let host: RunningHost;
const db = (name: string) => join(dir, `${name}.db`);

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** The finished backups beside a database (its .sqlite files, no staging leftovers). */
function backupFiles(name: string): string[] {
  const folder = `${db(name)}.backups`;
  return existsSync(folder) ? readdirSync(folder).sort() : [];
}

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'warden-e2e-jobs-'));
  for (const [name, version] of [
    ['big', '1.2.0'],
    ['small', '1.2.0'],
    ['older', '1.0.0'],
  ]) {
    const result = warden(['init', '--db', db(name), '--to', version]);
    if (result.status !== 0) throw new Error(`warden init ${name} failed: ${result.stderr}`);
  }
  // About 1 GB of rows: a backup of it takes seconds, long enough to leave, reload and cancel.
  sqlite(
    db('big'),
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) INSERT INTO conversation_files (file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash) SELECT 'f-' || i, 's-' || (i % 9), 'report-' || i || '.pdf', hex(randomblob(2000)), '/files/' || i, i, 'h-' || i FROM n;",
  );
  host = await startWardenServe([db('big'), db('small'), db('older')]);
});

test.afterAll(() => {
  host?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function openConsole(page: Page, operator: string, screenshot?: string): Promise<void> {
  await page.goto(host.url);
  await expect(page).not.toHaveURL(/token=/);
  // warden serve was started without --operator: the console asks once per browser session.
  const prompt = page.getByRole('form', { name: 'Who is working here?' });
  await expect(prompt).toBeVisible();
  if (screenshot) {
    await page.screenshot({ path: join(SCREENSHOTS, screenshot) });
    expect(await accessibilityViolations(page, '.operator-prompt')).toEqual([]);
  }
  await prompt.getByLabel('Your name').fill(operator);
  await prompt.getByRole('button', { name: 'Use this name' }).click();
  await expect(prompt).toBeHidden();
  await expect(page.getByText(`Acting as ${operator}`)).toBeVisible();
}

/** axe-core's serious and critical findings in part of the page, in light and in dark mode. */
async function accessibilityViolations(page: Page, selector: string): Promise<string[]> {
  const found: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const { violations } = await new AxeBuilder({ page }).include(selector).analyze();
    found.push(
      ...violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${colorScheme}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    );
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return found;
}

async function openView(page: Page, fileName: string, view: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Databases' })
    .getByRole('link', { name: new RegExp(fileName.replace('.', '\\.')) })
    .click();
  await expect(page.getByRole('heading', { level: 1, name: fileName })).toBeVisible();
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: view }).click();
}

test('a backup keeps running through leaving the view, switching database and a reload, and its result is shown when it ends', async ({ page }) => {
  await openConsole(page, 'Dana Scully', 'operator-prompt.png');
  await openView(page, 'big.db', 'Backups');
  await page.getByRole('button', { name: 'Back up now' }).click();
  const jobs = page.getByRole('region', { name: 'Jobs' });
  const running = jobs.getByRole('list', { name: 'Running jobs' });
  await expect(running.getByText(/copying pages · [\d,]+ of [\d,]+ pages \([\d.]+ MB of [\d.]+ MB\)/)).toBeVisible();

  // Leave the view, switch database, reload: the host still runs it and every view finds it.
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Overview' }).click();
  await openView(page, 'small.db', 'History');
  await page.reload();
  await expect(running.getByRole('link', { name: 'Backup' })).toBeVisible();
  await expect(running.getByText(/by Dana Scully/)).toBeVisible();
  await expect(running.getByRole('progressbar', { name: 'Backup on big.db' })).toBeVisible();
  await expect(running.getByText(/ of [\d,]+ (pages|MB)/)).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Databases' }).getByRole('link', { name: /big\.db/ })).toContainText('Backup running');
  await page.screenshot({ path: join(SCREENSHOTS, 'jobs-running-after-reload.png') });

  // Back in the Backups view of big.db at once (the one-pass backup takes only seconds): its bar is there again, then the result.
  await openView(page, 'big.db', 'Backups');
  await expect(page.getByRole('progressbar', { name: 'Backing up' })).toBeVisible();
  expect(await accessibilityViolations(page, '.app__sidebar')).toEqual([]);
  // (The time left is not asserted here: by now the copy may have reached its verification, which
  // has no estimate. JobsPanel.test.tsx checks the estimate.)
  await expect(page.getByText(/^Backed up: big-.*\.sqlite$/)).toBeVisible({ timeout: 60_000 });
  await expect(running).toBeHidden();
  const recent = jobs.getByRole('list', { name: 'Recent jobs' });
  await expect(recent.getByRole('listitem').first()).toContainText(/Backup.*by Dana Scully.*big-.*\.sqlite, [\d.]+ (MB|GB)/s);
  await expect(page.getByRole('navigation', { name: 'Databases' }).getByRole('link', { name: /big\.db/ })).not.toContainText('running');
  await expect(page.getByText('1 backup, newest first')).toBeVisible();
  await page.screenshot({ path: join(SCREENSHOTS, 'jobs-backup-done.png') });

  // The referees: the backup is on disk, passes integrity_check, and History names who took it.
  const [taken] = backupFiles('big').filter((f) => f.endsWith('.sqlite'));
  expect(sqlite(join(`${db('big')}.backups`, taken), 'PRAGMA integrity_check;')).toBe('ok');
  expect(sqlite(db('big'), "SELECT actor FROM schema_events WHERE action = 'backup' ORDER BY event_id DESC LIMIT 1")).toMatch(
    /^Dana Scully via warden serve \(\S+@\S+, pid \d+\)$/,
  );
});

test('Cancel in the Jobs panel stops a running backup, keeps no file and leaves the database byte-identical', async ({ page }) => {
  const before = sha256(db('big'));
  const backupsBefore = backupFiles('big');
  await openConsole(page, 'Fox Mulder');
  await openView(page, 'big.db', 'Backups');
  await page.getByRole('button', { name: 'Back up now' }).click();
  const jobs = page.getByRole('region', { name: 'Jobs' });
  const running = jobs.getByRole('list', { name: 'Running jobs' });
  await expect(running.getByText(/copying pages · [\d,]+ of/)).toBeVisible();
  // From another view: the panel is everywhere.
  await openView(page, 'small.db', 'Overview');
  await running.getByRole('button', { name: 'Cancel Backup on big.db' }).click();
  await expect(running).toBeHidden();
  const ended = jobs.getByRole('list', { name: 'Recent jobs' }).getByRole('listitem').first();
  await expect(ended).toContainText('Cancelled');
  await expect(ended).toContainText('by Fox Mulder');
  await page.screenshot({ path: join(SCREENSHOTS, 'jobs-cancelled.png') });
  expect(await accessibilityViolations(page, '.app__sidebar')).toEqual([]);
  // The Backups view of big.db says what happened to its backup.
  await openView(page, 'big.db', 'Backups');
  await expect(page.getByText('No backup was taken')).toBeVisible();

  expect(backupFiles('big')).toEqual(backupsBefore);
  expect(sha256(db('big'))).toBe(before);
  expect(sqlite(db('big'), 'PRAGMA quick_check;')).toBe('ok');
});

test('a rehearsal is kept by the host: another browser session sees it in the Plan view and in History, until the database is written to', async ({
  page,
  browser,
}) => {
  await openConsole(page, 'Dana Scully');
  await openView(page, 'older.db', 'Migration plan');
  await page.getByRole('button', { name: 'Rehearse on a copy' }).click();
  await expect(page.getByText(/Rehearsal passed: 1\.0\.0 → 1\.2\.0/)).toBeVisible();

  // Another browser session (its own sessionStorage): nothing of the first page is in it.
  const other = await browser.newContext();
  try {
    const second = await other.newPage();
    await openConsole(second, 'Walter Skinner');
    await openView(second, 'older.db', 'Migration plan');
    await expect(second.getByText(/Rehearsal passed: 1\.0\.0 → 1\.2\.0/)).toBeVisible();
    await expect(second.getByText(/The last rehearsal of this plan \(.*, by Dana Scully\), on the database as it is now\./)).toBeVisible();
    await second.screenshot({ path: join(SCREENSHOTS, 'plan-remembered-rehearsal.png'), fullPage: true });
    await second.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'History' }).click();
    const kept = second.getByRole('table', { name: 'Rehearsals and checks this host ran on the database, newest first' });
    await expect(kept.getByRole('row', { name: /Rehearsal of 1\.2\.0 Passed, reached 1\.2\.0 Dana Scully via warden serve/ })).toBeVisible();

    // A write by another process: the rehearsal no longer stands for this database.
    sqlite(
      db('older'),
      "INSERT INTO conversation_files (file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash) VALUES ('late', 's', 'late.pdf', 'st-late', '/f/late', 1, 'h');",
    );
    await second.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Migration plan' }).click();
    await second.reload();
    await expect(second.getByText(/ran on the database before it was last written to, so its result may not hold now/)).toBeVisible();
    await expect(second.getByText(/Rehearsal passed/)).toBeHidden();
  } finally {
    await other.close();
  }
});

import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initAt, SCREENSHOTS, sqlite, startAgent, startWardenServe, whyServeIsUnavailable, type RunningHost } from './warden-serve';

// Verify all and Back up all from the Fleet page of `warden serve --fleet`: four local files, one
// real agent (another `warden serve`) and one deployment nobody answers for. Each deployment's
// step shows as it changes; the result says which failed and why; the sqlite3 shell checks
// every backup file the run left.

const unavailable = whyServeIsUnavailable();
test.skip(unavailable !== null, unavailable ?? '');
test.describe.configure({ mode: 'serial' });

const LOCAL = ['eu-1', 'eu-2', 'us-1', 'qa-1'] as const;
const ROWS = 20_000;
const READ_ONLY_TOKEN = randomBytes(24).toString('base64url');
let dir: string;
let agent: RunningHost;
let host: RunningHost;
const db = (name: string) => join(dir, `${name}.db`);
const backupsOf = (name: string) => (existsSync(`${db(name)}.backups`) ? readdirSync(`${db(name)}.backups`).filter((f) => f.endsWith('.sqlite')) : []);

function withRows(name: string, rows: number): void {
  sqlite(
    db(name),
    `WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < ${rows})
    INSERT INTO conversation_files (file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash, mime_type)
    SELECT 'file-' || k, 'session-' || (k % 50), 'f' || k || '.txt', 'stored-' || k, '/files/' || k, k, hex(randomblob(16)), 'text/plain' FROM n;`,
  );
}

/** A loopback port nothing listens on: the deployment that cannot be reached. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** Records every text a deployment's cell shows in the fleet job's table, as it changes. */
async function watchCells(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { cellsSeen: string[] }).cellsSeen = seen;
    new MutationObserver(() => {
      for (const row of document.querySelectorAll('tr[data-deployment]')) {
        const text = `${row.getAttribute('data-deployment')}: ${row.querySelector('.rollout__outcome')?.textContent ?? ''}`;
        if (!seen.includes(text)) seen.push(text);
      }
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

/** axe-core's serious and critical findings on the page as it is. */
async function accessibilityProblems(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id}: ${v.help} — ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(' | ')}`,
    );
}

const cellsSeen = (page: Page) => page.evaluate(() => (window as unknown as { cellsSeen: string[] }).cellsSeen);

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'warden-e2e-fleet-jobs-'));
  for (const name of LOCAL) {
    initAt(db(name));
    withRows(name, ROWS);
  }
  // us-1 holds a session row whose file is gone (written with foreign keys off): only the full check finds it.
  sqlite(db('us-1'), "PRAGMA foreign_keys=OFF; INSERT INTO session_file_associations (session_id, file_id) VALUES ('s-ghost', 'ghost-file');");
  initAt(db('us-2'));
  withRows('us-2', ROWS);
  initAt(join(dir, 'home.db'));
  agent = await startAgent([db('us-2')], join(dir, 'agent.token'));
  const fleet = {
    deployments: [
      { name: 'eu-1', group: 'production', file: 'eu-1.db' },
      { name: 'eu-2', group: 'production', file: 'eu-2.db' },
      { name: 'us-1', group: 'production', file: 'us-1.db' },
      { name: 'us-2', group: 'production', url: new URL(agent.url).origin, tokenFile: 'agent.token' },
      { name: 'qa-1', group: 'staging', file: 'qa-1.db' },
      { name: 'qa-gone', group: 'staging', url: `http://127.0.0.1:${await closedPort()}`, tokenFile: 'agent.token' },
    ],
  };
  writeFileSync(join(dir, 'fleet.json'), JSON.stringify(fleet, null, 2));
  writeFileSync(join(dir, 'read-only.token'), READ_ONLY_TOKEN, { mode: 0o600 });
  host = await startWardenServe(
    [join(dir, 'home.db')],
    ['--fleet', join(dir, 'fleet.json'), '--operator', 'alice', '--read-only-token-file', join(dir, 'read-only.token')],
  );
});

test.afterAll(() => {
  host?.stop();
  agent?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function openFleet(page: Page) {
  await page.goto(host.url);
  await page.getByRole('link', { name: 'Fleet', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Fleet' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Deployments, worst first' }).locator('tbody tr')).toHaveCount(6);
}

test('Verify all in full from the Fleet page: each deployment seen verifying, then which failed and why', async ({ page }) => {
  test.setTimeout(90_000);
  await openFleet(page);
  await page.getByRole('button', { name: 'Verify all…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Verify all 6 deployments of the fleet?' });
  await expect(dialog).toContainText('1 deployment cannot be reached now (qa-gone)');
  await dialog.getByRole('radio', { name: /Full:/ }).check();
  await expect(dialog).toContainText('Each of the 6 deployments checks its own database (full check), 4 at a time');
  await page.screenshot({ path: join(SCREENSHOTS, 'fleet-verify-all-confirm.png') });
  expect(await accessibilityProblems(page)).toEqual([]);
  await watchCells(page);
  await dialog.getByRole('button', { name: 'Verify all' }).click();

  const table = page.getByRole('table', { name: 'Verify all (full), by deployment' });
  await expect(page.getByRole('status').filter({ hasText: '6 verified:' })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('status').filter({ hasText: '6 verified: 1 unreachable, 1 unhealthy, 4 healthy.' })).toBeVisible();
  // Worst first, each with why.
  await expect(table.locator('tbody th')).toHaveText(['qa-gone', 'us-1', 'eu-1', 'eu-2', 'qa-1', 'us-2']);
  await expect(table.locator('tr[data-deployment="qa-gone"]')).toContainText(/Unreachable.*did not answer/);
  await expect(table.locator('tr[data-deployment="us-1"]')).toContainText(
    'Unhealthy1 row(s) of session_file_associations point at missing rows of conversation_files',
  );
  const seen = await cellsSeen(page);
  // (qa-gone's refusal comes at once: it may go from Waiting to Unreachable between two renders.)
  for (const name of [...LOCAL, 'us-2']) expect(seen).toContain(`${name}: Verifying…`);
  expect(seen).toContain('qa-gone: Waiting');
  // The Jobs panel keeps it, with how it came out.
  await expect(page.getByRole('list', { name: 'Recent jobs' })).toContainText('Verify all (full)');
  await expect(page.getByRole('list', { name: 'Recent jobs' })).toContainText('6 verified: 1 unreachable, 1 unhealthy, 4 healthy');
  await page.screenshot({ path: join(SCREENSHOTS, 'fleet-verify-all.png'), fullPage: true });
  expect(await accessibilityProblems(page)).toEqual([]);
  for (const name of [...LOCAL, 'us-2']) expect(backupsOf(name)).toEqual([]); // a check writes no backup
});

test('Back up all from the Fleet page: the unreachable one reported, every other backed up (sqlite3 checks each file), found again after a reload', async ({
  page,
}) => {
  test.setTimeout(90_000);
  await openFleet(page);
  await page.getByRole('button', { name: 'Back up all…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Back up all 6 deployments of the fleet?' });
  await expect(dialog).toContainText('Each of the 6 deployments takes a backup of its own database into its own backups folder, 2 at a time');
  await dialog.getByLabel('How many at a time').fill('1');
  await watchCells(page);
  await dialog.getByRole('button', { name: 'Back up all' }).click();

  const table = page.getByRole('table', { name: 'Back up all, by deployment' });
  await expect(table.getByText('Backing up…').first()).toBeVisible({ timeout: 30_000 });
  await page.screenshot({ path: join(SCREENSHOTS, 'fleet-backup-all-running.png') });
  await expect(page.getByRole('status').filter({ hasText: '5 of 6 backed up; 1 unreachable.' })).toBeVisible({ timeout: 60_000 });
  await expect(table.locator('tr[data-deployment="qa-gone"]')).toContainText(/Unreachable.*did not answer/);
  for (const name of [...LOCAL, 'us-2']) await expect(table.locator(`tr[data-deployment="${name}"]`)).toContainText('Backed up');
  const seen = await cellsSeen(page);
  for (const name of [...LOCAL, 'us-2']) expect(seen).toContain(`${name}: Backing up…`);
  expect(seen).toContain('eu-2: Waiting'); // one at a time: the later ones waited their turn

  // The referee: each deployment's new backup file opens in sqlite3, passes integrity_check and holds every row.
  for (const name of [...LOCAL, 'us-2']) {
    const files = backupsOf(name);
    expect(files, name).toHaveLength(1);
    await expect(table.locator(`tr[data-deployment="${name}"]`)).toContainText(files[0]);
    const file = join(`${db(name)}.backups`, files[0]);
    expect(sqlite(file, 'PRAGMA integrity_check')).toBe('ok');
    expect(sqlite(file, 'SELECT count(*) FROM conversation_files')).toBe(String(ROWS));
  }
  // The fleet's table is read again: every reachable deployment has a verified backup now.
  const fleetTable = page.getByRole('table', { name: 'Deployments, worst first' });
  await expect(fleetTable.locator('tbody td:nth-child(7)').filter({ hasText: /ago|now/ })).toHaveCount(5);
  await page.screenshot({ path: join(SCREENSHOTS, 'fleet-backup-all.png'), fullPage: true });

  // A reload finds the result again, from the host's job.
  await page.reload();
  await expect(page.getByRole('table', { name: 'Back up all, by deployment' }).locator('tbody tr').filter({ hasText: 'Backed up' })).toHaveCount(5);
});

test('a read-only console verifies all (its token may) but is offered no Back up all and no Rolling migrate', async ({ page }) => {
  test.setTimeout(60_000);
  const before = Object.fromEntries([...LOCAL, 'us-2'].map((n) => [n, backupsOf(n).length]));
  await page.goto(`${new URL(host.url).origin}/?token=${READ_ONLY_TOKEN}`);
  await page.getByRole('link', { name: 'Fleet', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Fleet' })).toBeVisible();
  await page.getByLabel('Group').selectOption('staging');
  await expect(page.getByRole('table', { name: 'Deployments, worst first' }).locator('tbody tr')).toHaveCount(2);
  await expect(page.getByRole('button', { name: 'Verify all…' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Back up all…' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Rolling migrate…' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Verify all…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Verify all 2 deployments of the staging group?' });
  await dialog.getByRole('button', { name: 'Verify all' }).click();
  await expect(page.getByRole('heading', { name: 'Verify all in staging (quick)' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: '2 verified: 1 unreachable, 1 healthy.' })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('table', { name: 'Verify all in staging (quick), by deployment' }).locator('tbody th')).toHaveText(['qa-gone', 'qa-1']);
  for (const n of [...LOCAL, 'us-2']) expect(backupsOf(n).length).toBe(before[n]);
});

import { expect, test } from '@playwright/test';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initAt, SCREENSHOTS, sqlite, startAgent, startWardenServe, whyServeIsUnavailable, type RunningHost } from './warden-serve';

// A rolling migrate started from the Fleet page of `warden serve --fleet`: three local files and
// one real agent (another `warden serve`), all at 1.0.0 with some thousands of rows, rolled to
// 1.2.0 with a canary and two at a time; each deployment's progress shows as it changes, and
// the sqlite3 shell says where each database ends.

const unavailable = whyServeIsUnavailable();
test.skip(unavailable !== null, unavailable ?? '');

const NAMES = ['eu-1', 'eu-2', 'us-1', 'us-2'] as const;
let dir: string;
let agent: RunningHost;
let host: RunningHost;
const db = (name: string) => join(dir, `${name}.db`);
const sqlite3 = (name: string, sql: string) => sqlite(db(name), sql);

/** A deployment at 1.0.0 holding `rows` files, so that each step takes long enough to be seen. */
function createAt100(name: string, rows: number): void {
  initAt(db(name), '1.0.0');
  sqlite3(
    name,
    `WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < ${rows})
    INSERT INTO conversation_files (file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash, mime_type)
    SELECT 'file-' || k, 'session-' || (k % 50), 'f' || k || '.txt', 'stored-' || k, '/files/' || k, k, hex(randomblob(16)), 'text/plain' FROM n;`,
  );
}

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'warden-e2e-rollout-'));
  for (const name of NAMES) createAt100(name, 30_000);
  initAt(join(dir, 'home.db'));
  agent = await startAgent([db('us-2')], join(dir, 'agent.token'));
  const fleet = {
    deployments: [
      { name: 'eu-1', group: 'production', file: 'eu-1.db' },
      { name: 'eu-2', group: 'production', file: 'eu-2.db' },
      { name: 'us-1', group: 'production', file: 'us-1.db' },
      { name: 'us-2', group: 'production', url: new URL(agent.url).origin, tokenFile: 'agent.token' },
    ],
  };
  writeFileSync(join(dir, 'fleet.json'), JSON.stringify(fleet, null, 2));
  host = await startWardenServe([join(dir, 'home.db')], ['--fleet', join(dir, 'fleet.json'), '--operator', 'alice']);
});

test.afterAll(() => {
  host?.stop();
  agent?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a rolling migrate from the Fleet page: the canary first, then two at a time, each deployment live, all at 1.2.0', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(host.url);
  await page.getByRole('link', { name: 'Fleet', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Fleet' })).toBeVisible();
  const fleetTable = page.getByRole('table', { name: 'Deployments, worst first' });
  await expect(fleetTable.locator('tbody tr')).toHaveCount(4);
  await expect(fleetTable.locator('tbody tr').filter({ hasText: 'Degraded' })).toHaveCount(4);

  await page.getByRole('button', { name: 'Rolling migrate…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Roll 1.2.0 out to the fleet?' });
  await expect(dialog).toContainText('4 deployments of 4 in the rollout; 4 need 1.2.0.');
  await dialog.getByLabel('Canary', { exact: true }).selectOption('eu-2');
  await dialog.getByLabel('How many at a time').fill('2');
  await expect(dialog).toContainText('If one rehearsal fails, the rollout halts before any database is touched.');
  await expect(dialog).toContainText('The canary, eu-2, is migrated, then verified in full');
  await expect(dialog).toContainText('Then the rest, 2 at a time.');
  await expect(dialog).toContainText('Each deployment takes its own verified backup before it migrates');

  // Every text a deployment's cell shows, as it changes: the progress pushed over the event stream.
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { rolloutSeen: string[] }).rolloutSeen = seen;
    new MutationObserver(() => {
      for (const row of document.querySelectorAll('tr[data-deployment]')) {
        const text = `${row.getAttribute('data-deployment')}: ${row.querySelector('.rollout__outcome')?.textContent ?? ''}`;
        if (seen.at(-1) !== text && !seen.includes(text)) seen.push(text);
      }
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await dialog.getByRole('button', { name: 'Start the rolling migrate' }).click();

  const rollout = page.getByRole('table', { name: 'Rolling migrate to 1.2.0, by deployment' });
  await expect(rollout.locator('tbody tr')).toHaveCount(4);
  // The Jobs panel keeps it while it runs.
  await expect(page.getByRole('list', { name: 'Running jobs' })).toContainText('Rolling migrate to 1.2.0');
  // A migrating deployment, seen by the observer: a rollout that runs fast (2.5 s in one CI run) can be
  // past that state before a locator looks, so the live table is only photographed while it runs.
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { rolloutSeen: string[] }).rolloutSeen.some((s) => s.endsWith('Migrating…'))), { timeout: 60_000 })
    .toBe(true);
  if (await page.getByRole('list', { name: 'Running jobs' }).getByText('Rolling migrate to 1.2.0').isVisible())
    await page.screenshot({ path: join(SCREENSHOTS, 'fleet-rollout-running.png') });
  await expect(page.getByRole('status').filter({ hasText: 'Completed: every deployment is at 1.2.0.' })).toBeVisible({ timeout: 90_000 });
  for (const name of NAMES) await expect(rollout.locator(`tr[data-deployment="${name}"]`)).toContainText('At 1.2.0');
  await expect(rollout.locator('tr[data-deployment="eu-2"]')).toContainText('canary');

  const seen = await page.evaluate(() => (window as unknown as { rolloutSeen: string[] }).rolloutSeen);
  for (const name of NAMES) expect(seen).toContain(`${name}: Rehearsing…`);
  expect(seen.filter((s) => s.endsWith('Migrating…')).length).toBeGreaterThan(0);
  expect(seen).toContain('eu-2: Verifying…');

  // The fleet's table is read again: all at 1.2.0. The referee: the sqlite3 shell.
  await expect(fleetTable.locator('tbody tr').filter({ hasText: 'Healthy' })).toHaveCount(4);
  await expect(fleetTable.locator('tbody td:nth-child(4)')).toHaveText(['1.2.0', '1.2.0', '1.2.0', '1.2.0']);
  await expect(fleetTable.locator('tbody tr').filter({ hasText: 'None' })).toHaveCount(4); // nothing pending, no drift
  await expect(page.getByRole('button', { name: /Refresh/ })).toBeEnabled();
  await page.screenshot({ path: join(SCREENSHOTS, 'fleet-rollout.png'), fullPage: true });
  for (const name of NAMES) {
    expect(sqlite3(name, 'SELECT group_concat(version) FROM schema_version')).toBe('1.0.0,1.1.0,1.2.0');
    expect(sqlite3(name, 'PRAGMA integrity_check')).toBe('ok');
    expect(sqlite3(name, 'SELECT count(*) FROM conversation_files')).toBe('30000');
    expect(readdirSync(`${db(name)}.backups`).filter((f) => f.endsWith('-pre-migrate.sqlite'))).toHaveLength(1);
  }
  expect(sqlite3('eu-1', "SELECT DISTINCT applied_by FROM schema_version WHERE version = '1.2.0'")).toMatch(/^alice via warden serve \(/);
  // The canary reached 1.2.0 before any other deployment took its first step.
  const canaryAt = sqlite3('eu-2', "SELECT applied_at FROM schema_version WHERE version = '1.2.0'");
  for (const name of ['eu-1', 'us-1', 'us-2']) expect(sqlite3(name, "SELECT applied_at FROM schema_version WHERE version = '1.1.0'") > canaryAt).toBe(true);

  // A reload finds the rollout again, from the host's job.
  await page.reload();
  await expect(page.getByRole('table', { name: 'Rolling migrate to 1.2.0, by deployment' }).locator('tbody tr').filter({ hasText: 'At 1.2.0' })).toHaveCount(4);
});

import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initAt, SCREENSHOTS, startAgent, startWardenServe, warden, whyServeIsUnavailable, type RunningHost } from './warden-serve';

// The fleet page of `warden serve --fleet`: six deployments in three states (five local files and
// one real agent, another `warden serve` whose token only the host knows), worst first, filtered
// by group, and one opened in the full console through the host.

const unavailable = whyServeIsUnavailable();
test.skip(unavailable !== null, unavailable ?? '');

let dir: string;
let agent: RunningHost;
let host: RunningHost;
const db = (name: string) => join(dir, `${name}.db`);

const createAt = (name: string, version?: string) => initAt(db(name), version);

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'warden-e2e-fleet-'));
  createAt('eu-1');
  createAt('eu-2');
  if (warden(['backup', '--db', db('eu-1')]).status !== 0) throw new Error('backup eu-1 failed');
  if (warden(['backup', '--db', db('eu-2')]).status !== 0) throw new Error('backup eu-2 failed'); // never backed up would be degraded
  createAt('us-1', '1.0.0');
  createAt('qa-1');
  createAt('qa-2');
  execFileSync('sqlite3', [db('qa-1'), 'DROP INDEX idx_conversation_files_hash;']);
  execFileSync('sqlite3', [db('qa-2'), 'DROP TABLE file_metadata;']);
  createAt('agent', '1.0.0');
  // The agent: a warden serve of its own, with an operator token only the host is told (by file).
  agent = await startAgent([db('agent')], join(dir, 'agent.token'));
  const fleet = {
    deployments: [
      { name: 'eu-1', group: 'production', file: 'eu-1.db' },
      { name: 'eu-2', group: 'production', file: 'eu-2.db' },
      { name: 'us-1', group: 'production', file: 'us-1.db' },
      { name: 'us-2', group: 'production', url: new URL(agent.url).origin, tokenFile: 'agent.token' },
      { name: 'qa-1', group: 'staging', file: 'qa-1.db' },
      { name: 'qa-2', group: 'staging', file: 'qa-2.db' },
    ],
  };
  writeFileSync(join(dir, 'fleet.json'), JSON.stringify(fleet, null, 2));
  host = await startWardenServe([db('eu-1')], ['--fleet', join(dir, 'fleet.json')]);
});

test.afterAll(() => {
  host?.stop();
  agent?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the fleet page lists six deployments worst first, filters by group, and opens one through the host', async ({ page }) => {
  await page.goto(host.url);
  await page.getByRole('link', { name: 'Fleet', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Fleet' })).toBeVisible();
  const rows = page.getByRole('table').getByRole('row');
  await expect(rows).toHaveCount(7); // the header and six deployments
  const names = await page.getByRole('table').locator('tbody th').allTextContents();
  expect([...names].sort()).toEqual(['eu-1', 'eu-2', 'qa-1', 'qa-2', 'us-1', 'us-2']);
  // Worst first: the two unhealthy, then the two degraded, then the two healthy.
  const states = await page.getByRole('table').locator('tbody td:first-child').allTextContents();
  expect(states.map((s) => s.replace(/^(Unhealthy|Degraded|Healthy).*$/, '$1'))).toEqual([
    'Unhealthy',
    'Unhealthy',
    'Degraded',
    'Degraded',
    'Healthy',
    'Healthy',
  ]);
  expect(names.slice(0, 2)).toEqual(['qa-1', 'qa-2']);
  expect(names.slice(2, 4)).toEqual(['us-1', 'us-2']);
  await expect(page.getByRole('row', { name: /qa-2/ })).toContainText('Table file_metadata is missing');
  await expect(page.getByRole('row', { name: /eu-1/ })).toContainText(/ago/); // its verified backup
  await page.screenshot({ path: join(SCREENSHOTS, 'fleet-view.png') });

  await page.getByLabel('Group').selectOption('staging');
  await expect(rows).toHaveCount(3);
  await page.getByLabel('Group').selectOption('');
  await expect(rows).toHaveCount(7);

  // us-2 is the agent: the page holds only the host's token; the host passes the calls on.
  await page.getByRole('link', { name: 'Open us-2' }).click();
  await expect(page).toHaveURL(/\?deployment=us-2/);
  await expect(page.getByRole('note')).toContainText('Fleet deployment us-2, opened through this host');
  await expect(page.getByRole('heading', { level: 1, name: 'agent.db' })).toBeVisible();
  await expect(page.getByText('1.0.0').first()).toBeVisible();
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Migration plan' }).click();
  await expect(page.getByText('1.2.0').first()).toBeVisible();
  await page.screenshot({ path: join(SCREENSHOTS, 'fleet-deployment-opened.png') });
  expect(await page.evaluate(() => JSON.stringify(sessionStorage))).not.toContain(execFileSync('cat', [join(dir, 'agent.token')], { encoding: 'utf8' }));

  await page.getByRole('link', { name: 'Back to the fleet' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Fleet' })).toBeVisible();
});

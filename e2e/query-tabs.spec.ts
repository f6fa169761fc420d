import { expect, test } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCREENSHOTS, startWardenServe, warden, whyServeIsUnavailable, type RunningHost } from './warden-serve';
import { axeFindings } from './axe-findings';

// Query tabs and the host's query history (issue 26): two queries in two tabs, a reload, and both
// tabs and both runs are still there; a run from the history reopens in a tab of its own.

const unavailable = whyServeIsUnavailable();
test.skip(unavailable !== null, unavailable ?? '');

let dir: string;
let host: RunningHost;

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'warden-tabs-'));
  const dbPath = join(dir, 'files.db');
  const init = warden(['init', '--db', dbPath]);
  if (init.status !== 0) throw new Error(`warden init failed: ${init.stderr}`);
  host = await startWardenServe([dbPath]);
});

test.afterAll(() => {
  host?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const FIRST = 'SELECT name, type FROM sqlite_schema ORDER BY name';
const SECOND = "SELECT count(*) AS tables FROM sqlite_schema WHERE type = 'table'";

test('two queries in two tabs: after a reload both tabs and both runs in the history are there', async ({ page }) => {
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto(host.url);
  await page.getByRole('button', { name: 'Continue without a name' }).click();
  await page.goto(`${new URL(host.url).origin}/#/db/files/data`);
  const sql = page.getByLabel('SQL', { exact: true });
  await sql.fill(FIRST);
  await sql.press('Control+Enter');
  await expect(page.getByRole('table', { name: 'Query result' })).toBeVisible();
  await page.getByRole('button', { name: 'New tab', exact: true }).click();
  await sql.fill(SECOND);
  await sql.press('Control+Enter');
  await expect(page.getByRole('table', { name: 'Query result' }).getByRole('row')).toHaveCount(2);

  await page.reload();
  const tabs = page.getByRole('tab');
  await expect(tabs).toHaveCount(2);
  await expect(tabs.nth(1)).toHaveAttribute('aria-selected', 'true');
  await expect(sql).toHaveValue(SECOND);
  const rows = page.getByRole('table', { name: 'Query history' }).getByRole('row');
  await expect(rows).toHaveCount(3); // the header and two runs, newest first
  await expect(rows.nth(1)).toContainText(SECOND);
  await expect(rows.nth(2)).toContainText(FIRST);
  await tabs.nth(0).click();
  await expect(sql).toHaveValue(FIRST);
  expect(await axeFindings(page, 'main')).toEqual([]);
  await page.getByRole('tablist', { name: 'Queries' }).evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: join(SCREENSHOTS, 'data-query-tabs-1400.png') });

  // A run from the history opens in a tab of its own, and the tab bar is walked with the arrow keys.
  await page.getByRole('button', { name: `Open in a tab: ${FIRST}` }).click();
  await expect(tabs).toHaveCount(3);
  await expect(tabs.nth(2)).toHaveAttribute('aria-selected', 'true');
  await tabs.nth(2).press('Home');
  await expect(tabs.nth(0)).toBeFocused();
  await expect(tabs.nth(0)).toHaveAttribute('aria-selected', 'true');
  await page.setViewportSize({ width: 1024, height: 768 });
  expect(await axeFindings(page, 'main')).toEqual([]);
  await page.getByRole('table', { name: 'Query history' }).evaluate((el) => el.scrollIntoView({ block: 'end' }));
  await page.screenshot({ path: join(SCREENSHOTS, 'data-query-tabs-1024.png') });
});

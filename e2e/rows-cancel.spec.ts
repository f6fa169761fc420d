import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCREENSHOTS, sqlite, startWardenServe, warden, whyServeIsUnavailable, type RunningHost } from './warden-serve';

// The rows of a view that never ends, in Chromium through the real web host: while the first page
// reads, Cancel stops the host's read process at once (not at its 10 s time limit) and says so;
// Read again starts it again, and Close stops that one too.

const unavailable = whyServeIsUnavailable();
test.skip(unavailable !== null, unavailable ?? '');

let dir: string;
let dbPath: string;
let host: RunningHost;

/** The host's read processes on the database (node -e READ_CHILD … DB …), from /proc. */
function readsOn(path: string): number {
  let n = 0;
  for (const pid of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (args[1] === '-e' && args.includes(path)) n++;
    } catch {
      // ended while it was read
    }
  }
  return n;
}

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'warden-rows-cancel-'));
  dbPath = join(dir, 'files.db');
  const init = warden(['init', '--db', dbPath]);
  if (init.status !== 0) throw new Error(`warden init failed: ${init.stderr}`);
  sqlite(dbPath, 'CREATE VIEW forever AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) AS rows_counted FROM n;');
  host = await startWardenServe([dbPath], ['--operator', 'tester']);
});

test.afterAll(() => {
  host?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function openForever(page: Page): Promise<void> {
  await page.goto(host.url);
  await page
    .getByRole('navigation', { name: 'Databases' })
    .getByRole('link', { name: /files\.db/ })
    .click();
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Data' }).click();
  await page.getByRole('table', { name: 'Tables and views' }).getByRole('button', { name: 'forever', exact: true }).click();
}

test('a view that never ends: Cancel stops the host read at once and says so; Read again, then Close stops it too', async ({ page }) => {
  await openForever(page);
  await expect(page.getByText('Reading the rows of forever…')).toBeVisible();
  await expect.poll(() => readsOn(dbPath)).toBe(1);
  await page.screenshot({ path: join(SCREENSHOTS, 'rows-reading-cancel.png') });

  const cancelled = Date.now();
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(page.getByText('Reading the rows of forever was cancelled')).toBeVisible();
  await expect.poll(() => readsOn(dbPath), { timeout: 5_000 }).toBe(0);
  console.log(`the read process ended ${Date.now() - cancelled} ms after Cancel (its time limit is 10 s)`);
  await page.screenshot({ path: join(SCREENSHOTS, 'rows-read-cancelled.png') });

  await page.getByRole('button', { name: 'Read again' }).click();
  await expect(page.getByText('Reading the rows of forever…')).toBeVisible();
  await expect.poll(() => readsOn(dbPath)).toBe(1);
  await page.getByRole('button', { name: 'Close', exact: true }).click();
  await expect.poll(() => readsOn(dbPath), { timeout: 5_000 }).toBe(0);
});

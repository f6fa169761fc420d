import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SCREENSHOTS, sqlite, startWardenServe, warden, whyServeIsUnavailable, type RunningHost } from './warden-serve';

// The second example schema, schemas/tasks: an app whose migrations are dbmate's, in its own
// db/migrations folder as dbmate writes them. Walked in the console: a database at the second of
// three versions is planned, rehearsed and migrated with a backup first; the referees are the
// sqlite3 shell and dbmate itself (the binary its npm package ships), whose status must then say
// every migration is applied.

const unavailable = whyServeIsUnavailable();
test.skip(unavailable !== null, unavailable ?? '');

const SCHEMA = resolve('schemas/tasks');
const MIGRATIONS = join(SCHEMA, 'db/migrations');
const DBMATE = resolve('node_modules/.bin/dbmate');

let dir: string;
let host: RunningHost;
let dbPath: string;

const dbmate = (...args: string[]) =>
  execFileSync(DBMATE, ['--url', `sqlite:${dbPath}`, '--migrations-dir', MIGRATIONS, '--no-dump-schema', ...args], { encoding: 'utf8' });

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'warden-e2e-tasks-'));
  dbPath = join(dir, 'tasks.db');
  // dbmate applies what it is asked to, as the app's deploys did: then warden takes over.
  const init = warden(['init', '--db', dbPath, '--schema', SCHEMA, '--to', '20240212143000']);
  if (init.status !== 0) throw new Error(`warden init failed: ${init.stderr}`);
  sqlite(
    dbPath,
    "INSERT INTO projects (id, name) VALUES (1, 'Launch'), (2, 'Garden'); INSERT INTO tasks (project_id, title, done) VALUES (1, 'Write the press release', 0), (1, 'Book the hall', 1), (2, 'Plant tomatoes', 0);",
  );
  host = await startWardenServe([`${dbPath}:${SCHEMA}`]);
});

test.afterAll(() => {
  host?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function open(page: Page, view?: string): Promise<void> {
  await page.goto(host.url);
  await page
    .getByRole('navigation', { name: 'Databases' })
    .getByRole('link', { name: /tasks\.db/ })
    .click();
  await expect(page.getByRole('heading', { level: 1, name: 'tasks.db' })).toBeVisible();
  if (view) await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: view }).click();
}

test('an app with dbmate migrations: its pending migration planned, rehearsed and applied with a backup first; dbmate agrees afterwards', async ({ page }) => {
  const migrationFilesBefore = readdirSync(MIGRATIONS).map((f) => readFileSync(join(MIGRATIONS, f), 'utf8'));
  expect(dbmate('status')).toMatch(/Applied: 2\s+Pending: 1/);

  await open(page);
  const step = page.getByRole('region', { name: 'Status and next step' });
  await expect(step).toContainText('20240320080000');
  // Its own words, never the chat service's.
  await expect(page.locator('body')).not.toContainText(/conversation files/i);
  await page.screenshot({ path: join(SCREENSHOTS, 'tasks-overview.png') });

  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Migration plan' }).click();
  await expect(page.getByRole('article')).toHaveCount(1);
  await expect(page.getByRole('article', { name: /Step 1: 20240320080000/ })).toContainText('CREATE VIEW open_tasks');
  await page.getByRole('button', { name: 'Rehearse on a copy' }).click();
  await expect(page.getByText(/Rehearsal passed: 20240212143000 → 20240320080000/)).toBeVisible();
  await page.getByRole('button', { name: 'Apply…' }).click();
  const dialog = page.getByRole('dialog', { name: /Migrate from 20240212143000 to 20240320080000/ });
  await expect(dialog).toContainText('pre-migrate backup');
  await dialog.getByRole('button', { name: /Back up and migrate/ }).click();
  await expect(page.getByText(/Migrated from 20240212143000 to 20240320080000/)).toBeVisible();
  await page.screenshot({ path: join(SCREENSHOTS, 'tasks-migrated.png'), fullPage: true });

  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'History' }).click();
  await expect(
    page
      .getByRole('table')
      .first()
      .getByRole('row', { name: /^20240320080000/ }),
  ).toBeVisible();
  await page.screenshot({ path: join(SCREENSHOTS, 'tasks-history.png') });

  // The referees: dbmate finds nothing to do, the rows and the new column are there, the folder untouched.
  expect(dbmate('status')).toMatch(/Applied: 3\s+Pending: 0/);
  expect(sqlite(dbPath, 'SELECT version FROM schema_migrations ORDER BY version')).toBe('20240105090000\n20240212143000\n20240320080000');
  expect(sqlite(dbPath, 'SELECT project || ": " || title FROM open_tasks ORDER BY id')).toBe('Launch: Write the press release\nGarden: Plant tomatoes');
  expect(sqlite(dbPath, 'PRAGMA integrity_check')).toBe('ok');
  expect(readdirSync(MIGRATIONS).map((f) => readFileSync(join(MIGRATIONS, f), 'utf8'))).toEqual(migrationFilesBefore);
  expect(readdirSync(`${dbPath}.backups`).filter((f) => f.endsWith('.sqlite'))).toHaveLength(1);
});

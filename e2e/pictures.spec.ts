import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SCREENSHOTS, backUp, initAt, sqlite, startWardenServe, warden, whyServeIsUnavailable, type RunningHost } from './warden-serve';

// The pictures of issue 26 on a 100,000-file database, through the real web host in Chromium:
// the schema diagram with the drift the sqlite3 shell made, the sizes chart against dbstat's own
// sums, and the timeline with a migration run from the CLI. axe checks each, light and dark.

const FILES = 100_000;
const unavailable = whyServeIsUnavailable();
test.skip(unavailable !== null, unavailable ?? '');
test.describe.configure({ timeout: 240_000 });

let dir: string;
let dbPath: string;
let host: RunningHost;
let backupDir: string;

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'warden-pictures-'));
  dbPath = join(dir, 'files.db');
  initAt(dbPath, '1.0.0');
  sqlite(
    dbPath,
    `BEGIN;
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${FILES})
    INSERT INTO conversation_files (file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash, mime_type, uploaded_by)
    SELECT printf('f-%06d', i), 's-' || (i % 500), 'report-' || i || '.pdf', 'st-' || i, '/files/' || i, (i * 7919) % 1000003, 'h-' || (i % 977), 'application/pdf', 'alice' FROM n;
    INSERT INTO file_metadata (file_id, metadata_key, metadata_value) SELECT file_id, 'pages', CAST(file_size % 40 AS TEXT) FROM conversation_files;
    COMMIT;`,
  );
  backupDir = dirname(backUp(dbPath));
  // The migration the timeline must show, run from the command line as an operator would.
  const migrated = warden(['migrate', '--db', dbPath]);
  if (migrated.status !== 0) throw new Error(`warden migrate failed: ${migrated.stderr}`);
  // Drift made behind the tool's back: a table dropped, one added, a column added.
  sqlite(
    dbPath,
    'DROP TABLE file_metadata; CREATE TABLE scratch_notes (note_id INTEGER PRIMARY KEY, body TEXT NOT NULL); ALTER TABLE file_access_log ADD COLUMN remark TEXT;',
  );
  host = await startWardenServe([dbPath]);
});

test.afterAll(() => {
  host?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function openView(page: Page, view: string): Promise<void> {
  await page.goto(host.url);
  await expect(page).not.toHaveURL(/token=/);
  await page.evaluate((hash) => (window.location.hash = hash), `#/db/files/${view}`);
}

/** axe-core's findings that matter here: serious, critical and moderate alike. */
async function axeFindings(page: Page, where: string): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical' || v.impact === 'moderate')
    .map(
      (v) =>
        `${where}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(' | ')}`,
    );
}

const SIZES = [
  { name: '1400', viewport: { width: 1400, height: 900 } },
  { name: '1024', viewport: { width: 1024, height: 768 } },
] as const;

/** Screenshots of a view at both sizes, light and dark, scrolled to `picture`'s panel, each checked by axe. */
async function shootAndCheck(page: Page, view: string, picture: string, ready: (page: Page) => Promise<void>): Promise<string[]> {
  const found: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    for (const size of SIZES) {
      await page.setViewportSize(size.viewport);
      await page.emulateMedia({ colorScheme });
      await openView(page, view);
      await ready(page);
      await expect(page.getByText('Checking…')).toHaveCount(0);
      // The picture's panel at the top of the view, under the view tabs that stay in sight.
      await page.getByRole('heading', { name: picture, exact: true }).evaluate((h) => {
        h.closest('section')?.scrollIntoView({ block: 'start' });
        document.getElementById('main')?.scrollBy(0, -(document.querySelector('.view-tabs')?.getBoundingClientRect().height ?? 0) - 16);
      });
      await page.screenshot({ path: join(SCREENSHOTS, `pictures-${view}-${size.name}-${colorScheme}.png`) });
      found.push(...(await axeFindings(page, `${view} ${size.name} ${colorScheme}`)));
    }
  }
  return found;
}

const diagramReady = async (page: Page) => void (await expect(page.getByRole('link', { name: /^Table conversation_files:/ })).toBeVisible());

test('the schema diagram draws the table the sqlite3 shell dropped in red, marked missing; each box opens its rows or its problems', async ({ page }) => {
  await page.setViewportSize({ width: 1400, height: 900 });
  // The layout library comes in its own chunk, fetched by the Schema view only.
  const scripts: string[] = [];
  page.on('request', (request) => void (request.resourceType() === 'script' && scripts.push(request.url())));
  await openView(page, 'overview');
  await expect(page.getByRole('heading', { level: 1, name: 'files.db' })).toBeVisible();
  await page.evaluate(() => (window.location.hash = '#/db/files/history'));
  await expect(page.getByRole('heading', { name: 'Timeline' })).toBeVisible();
  expect(scripts.filter((url) => /SchemaDiagramPicture/.test(url))).toEqual([]);
  await page.evaluate(() => (window.location.hash = '#/db/files/schema'));
  await diagramReady(page);
  expect(scripts.filter((url) => /SchemaDiagramPicture-[\w-]+\.js$/.test(url))).toHaveLength(1);
  const dropped = page.getByRole('link', { name: /^Table file_metadata: the schema expects it and the file does not have it/ });
  await expect(dropped).toBeVisible();
  await expect(dropped.locator('.schema-diagram__state')).toHaveText('missing');
  // Red: the stroke of its box is the theme's "bad" colour, the same one the Unhealthy tag uses.
  const bad = await page.evaluate(() => {
    const probe = document.createElement('span');
    probe.style.color = 'var(--bad)';
    document.body.append(probe);
    const colour = getComputedStyle(probe).color;
    probe.remove();
    return colour;
  });
  expect(bad).toBe('rgb(179, 38, 30)');
  expect(await dropped.locator('.schema-diagram__box').evaluate((el) => getComputedStyle(el).stroke)).toBe(bad);

  // The sqlite3 shell's view of the file: every table the diagram calls present is there, and the dropped one is not.
  const present = sqlite(dbPath, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").split('\n');
  expect(present).not.toContain('file_metadata');
  for (const name of ['conversation_files', 'session_file_associations', 'file_access_log', 'file_cleanup_queue', 'scratch_notes'])
    expect(present).toContain(name);
  await expect(
    page.getByRole('link', { name: /^Table scratch_notes: the file has it and the schema does not expect it/ }).locator('.schema-diagram__state'),
  ).toHaveText('extra');
  await expect(page.getByRole('link', { name: /^Table file_access_log: it differs from the expected schema/ }).locator('.schema-diagram__state')).toHaveText(
    'changed',
  );
  await expect(page.getByRole('link', { name: /^Table conversation_files: as expected/ }).locator('.schema-diagram__state')).toHaveCount(0);
  // One arrow per foreign key between the drawn tables, as the sqlite3 shell lists them.
  const keys = Number(
    sqlite(
      dbPath,
      "SELECT count(DISTINCT m.name || '/' || f.id) FROM sqlite_master m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table' AND m.name NOT IN ('scratch_notes')",
    ),
  );
  // file_metadata's key to conversation_files is drawn too: the expected schema has it.
  await expect(page.locator('.schema-diagram__key-line')).toHaveCount(keys + 1);

  // Keyboard: each box is a stop; Enter on the dropped table opens the Integrity view.
  await dropped.focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#\/db\/files\/integrity$/);
  await expect(page.getByText('Table file_metadata is missing.')).toBeVisible();
  // A table as expected opens its rows.
  await page.goBack();
  await page.getByRole('link', { name: /^Table conversation_files: as expected/ }).click();
  await expect(page.getByRole('grid', { name: 'Rows of conversation_files' })).toBeVisible();
});

test('the schema view: axe finds nothing serious, critical or moderate at 1400×900 and 1024×768, light and dark', async ({ page }) => {
  expect(await shootAndCheck(page, 'schema', 'Schema diagram', diagramReady)).toEqual([]);
  // The whole drawing, for the README.
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.emulateMedia({ colorScheme: 'light' });
  await openView(page, 'schema');
  await diagramReady(page);
  await page.getByRole('group', { name: /^Schema diagram: / }).screenshot({ path: join(SCREENSHOTS, 'pictures-schema-diagram.png') });
});

const sizesReady = async (page: Page) =>
  void (await expect(
    page.getByRole('table', { name: /^Size per table and index/ }).getByRole('rowheader', { name: 'conversation_files table', exact: true }),
  ).toBeVisible());

test("the sizes chart shows dbstat's sums to the byte, the free pages as what VACUUM gives back, and the growth the backups' manifests recorded", async ({
  page,
}) => {
  await page.setViewportSize({ width: 1400, height: 900 });
  await openView(page, 'sizes');
  await sizesReady(page);
  const chart = page.getByRole('table', { name: /^Size per table and index/ });
  const shown = await chart
    .locator('tbody tr:not([data-kind="free"])')
    .evaluateAll((rows) =>
      rows.map((row) => [
        row.querySelector('.size-bars__object')!.textContent!,
        row.querySelector('data')!.getAttribute('value')!,
        row.querySelector('data')!.textContent!,
      ]),
    );
  const dbstat = sqlite(dbPath, 'SELECT name, SUM(pgsize) FROM dbstat GROUP BY name')
    .split('\n')
    .map((line) => line.split('|'));
  expect(shown.map(([name, bytes]) => [name, bytes]).sort()).toEqual(dbstat.sort());
  // Largest first, in human units.
  const bytes = shown.map(([, b]) => Number(b));
  expect(bytes).toEqual([...bytes].sort((a, b) => b - a));
  for (const [name, b, text] of shown) expect(text, name).toMatch(Number(b) < 1024 ? /^\d+ bytes?$/ : /^\d+(\.\d)? (KB|MB|GB)$/);
  const conversationFiles = shown.find(([name]) => name === 'conversation_files')!;
  expect(conversationFiles[2]).toMatch(/ MB$/);

  // The free pages: the dropped table's pages, on SQLite's free list.
  const freeBytes = Number(sqlite(dbPath, 'PRAGMA freelist_count')) * Number(sqlite(dbPath, 'PRAGMA page_size'));
  expect(freeBytes).toBeGreaterThan(1024 * 1024);
  await expect(chart.locator('tbody tr[data-kind="free"] data')).toHaveAttribute('value', String(freeBytes));
  const vacuum = page.locator('section').filter({ has: page.getByRole('heading', { name: 'What VACUUM would give back' }) });
  await expect(vacuum).toContainText(`${sqlite(dbPath, 'PRAGMA freelist_count')} pages of 4.0 KB are free`.replace(/\B(?=(\d{3})+(?!\d))/g, ','));

  // Growth: one point per backup manifest (its recorded size), then the file now.
  const manifests = readdirSync(backupDir)
    .filter((f) => f.endsWith('.sqlite.json'))
    .map((f) => JSON.parse(readFileSync(join(backupDir, f), 'utf8')) as { bytes: number; createdAt: string });
  expect(manifests.length).toBe(2); // the one taken by hand, and migrate's own
  await expect(page.getByRole('img', { name: /^The file's size from / })).toBeVisible();
  await page.getByText(/^The sizes recorded/).click();
  const recorded = page.getByRole('table').filter({ has: page.getByRole('columnheader', { name: 'Size of the file' }) });
  const points = await recorded.locator('tbody data').evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('value'))));
  const fileNow = Number(sqlite(dbPath, 'PRAGMA page_count')) * Number(sqlite(dbPath, 'PRAGMA page_size'));
  expect(points).toEqual([fileNow, ...manifests.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt)).map((m) => m.bytes)]);
});

test('the sizes view: axe finds nothing serious, critical or moderate at 1400×900 and 1024×768, light and dark', async ({ page }) => {
  expect(await shootAndCheck(page, 'sizes', 'Size per table and index', sizesReady)).toEqual([]);
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.emulateMedia({ colorScheme: 'light' });
  await openView(page, 'sizes');
  await sizesReady(page);
  await page.getByRole('heading', { name: 'Growth of the file', exact: true }).evaluate((h) => h.closest('section')?.scrollIntoView({ block: 'end' }));
  await page.screenshot({ path: join(SCREENSHOTS, 'pictures-sizes-growth.png') });
});

const timelineReady = async (page: Page) => void (await expect(page.getByRole('button', { name: /^(Migrate: |\d+ migrations, )/ }).first()).toBeVisible());
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Opens, in words, the timeline's migration `from` → `to` by `who`: its own marker, or, where it was
 * close in time to another (the CLI migrates one version per transaction), its marker's list, where
 * it opens in place. Answers the dialog that tells it.
 */
async function openMigration(page: Page, from: string, to: string, who: string) {
  const own = page.getByRole('button', { name: new RegExp(`^Migrate: ${escaped(from)} → ${escaped(to)}, by ${escaped(who)}, `) });
  if ((await own.count()) > 0) {
    await own.click();
    return page.getByRole('dialog', { name: `Migrate: ${from} → ${to}` });
  }
  await page
    .getByRole('button', { name: new RegExp(`^\\d+ migrations, by (.*, )?${escaped(who)}(, |$)`) })
    .first()
    .click();
  const list = page.getByRole('dialog', { name: /events close together$/ });
  const item = list.getByRole('button', { name: new RegExp(`^Migrated the database from ${escaped(from)} to ${escaped(to)}\\. ${escaped(who)}, `) });
  await item.click();
  await expect(item).toHaveAttribute('aria-expanded', 'true');
  return list;
}

test('the timeline lists the migration run from the CLI, by whom, with a check; each opens in words; the arrow keys walk the lanes', async ({ page }) => {
  await page.setViewportSize({ width: 1400, height: 900 });
  // A check from the console: the host keeps it, and the timeline shows it in its lane.
  await openView(page, 'integrity');
  await page.getByRole('button', { name: 'Quick check' }).click();
  await expect(page.getByText(/^Last: quick check/)).toBeVisible();
  await page.evaluate(() => (window.location.hash = '#/db/files/history'));
  await timelineReady(page);
  // One marker, or one for the checks close together (the Integrity view may run one of its own).
  const checks = page.getByRole('button', { name: /^(Quick integrity check: Unhealthy, by |\d+ checks, by )/ });
  await expect(checks.first()).toBeVisible();

  // The referee: the events table as the sqlite3 shell reads it. The CLI migrated one version per transaction.
  const steps = sqlite(
    dbPath,
    "SELECT json_extract(detail, '$.from') || '|' || json_extract(detail, '$.to') || '|' || actor FROM schema_events WHERE action = 'migrate' AND outcome = 'ok' ORDER BY event_id",
  )
    .split('\n')
    .map((line) => line.split('|'));
  expect(steps.map(([from, to]) => `${from} → ${to}`)).toEqual(['1.0.0 → 1.1.0', '1.1.0 → 1.2.0']);
  const [description] = sqlite(dbPath, "SELECT description FROM schema_version WHERE version = '1.2.0'").split('\n');
  for (const [from, to, actor] of steps) {
    const who = actor.replace(/ \(pid \d+\)$/, '');
    await expect(page.getByText(new RegExp(`^Who: .*${escaped(who)} \\(\\d+\\)`))).toBeVisible();
    const dialog = await openMigration(page, from, to, who);
    await expect(dialog).toContainText(`Migrated the database from ${from} to ${to}.`);
    await expect(dialog).toContainText(`${who}, `);
    if (to === '1.2.0') await expect(dialog).toContainText(`Applied 1.2.0 (${description}), in `);
    expect(await dialog.textContent()).not.toMatch(/[{}"]|\b(from|to|steps|executionMs):/);
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
    await expect(page.locator(':focus')).toHaveAccessibleName(/^(Migrate: |\d+ migrations, )/);
  }

  // One tab stop for the chart; the arrows move between its markers.
  await page.keyboard.press('ArrowUp');
  await expect(page.locator(':focus')).toHaveAccessibleName(/^(Version 1\.\d\.0 |\d+ versions, )/);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog')).toContainText(/Version 1\.\d\.0 \(.*\) was applied (when the database was created|by a migration)\./);
  await page.keyboard.press('Escape');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(page.locator(':focus')).toHaveAccessibleName(/^(Backup: |\d+ backups, )/);
  await page.keyboard.press('End');
  await page.keyboard.press('ArrowDown');
  await expect(page.locator(':focus')).toHaveAccessibleName(/^(Quick integrity check: Unhealthy|\d+ checks, )/);
  await page.keyboard.press('Enter');
  const opened = page.getByRole('dialog');
  await expect(opened).toContainText('Quick integrity check: Unhealthy.');
  if ((await page.getByRole('dialog', { name: /close together$/ }).count()) > 0) {
    await opened
      .getByRole('button', { name: /^Quick integrity check: Unhealthy\./ })
      .first()
      .click();
    await expect(opened.getByRole('button', { name: /^Quick integrity check: Unhealthy\./ }).first()).toHaveAttribute('aria-expanded', 'true');
  }
  await expect(page.getByRole('dialog')).toContainText('A check only reads the database');
});

test('the timeline: axe finds nothing serious, critical or moderate at 1400×900 and 1024×768, light and dark', async ({ page }) => {
  expect(await shootAndCheck(page, 'history', 'Timeline', timelineReady)).toEqual([]);
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.emulateMedia({ colorScheme: 'light' });
  await openView(page, 'history');
  await timelineReady(page);
  const [, , actor] = sqlite(
    dbPath,
    "SELECT json_extract(detail, '$.from') || '|' || json_extract(detail, '$.to') || '|' || actor FROM schema_events WHERE action = 'migrate' ORDER BY event_id DESC LIMIT 1",
  ).split('|');
  await expect(await openMigration(page, '1.1.0', '1.2.0', actor.replace(/ \(pid \d+\)$/, ''))).toBeVisible();
  await page.screenshot({ path: join(SCREENSHOTS, 'pictures-history-event-in-words.png') });
  const found = await axeFindings(page, 'event dialog');
  expect(found).toEqual([]);
});

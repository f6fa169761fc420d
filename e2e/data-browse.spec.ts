import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { SCREENSHOTS, startWardenServe, warden, whyServeIsUnavailable, type RunningHost } from './warden-serve';

// Browsing a 100,000-file database in Chromium through the real web host: scroll far down, sort,
// filter, follow a foreign key, list a row's children. The sqlite3 shell says what each must show.

const FILES = 100_000;
const unavailable = whyServeIsUnavailable();
test.skip(unavailable !== null, unavailable ?? '');

let dir: string;
let dbPath: string;
let host: RunningHost;
let sha: string;
let planDb: string;

const sqlite = (sql: string) => execFileSync('sqlite3', [dbPath, sql], { encoding: 'utf8' }).trim();
const sha256 = () => createHash('sha256').update(readFileSync(dbPath)).digest('hex');

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'warden-browse-'));
  dbPath = join(dir, 'files.db');
  const init = warden(['init', '--db', dbPath]);
  if (init.status !== 0) throw new Error(`warden init failed: ${init.stderr}`);
  // 100,000 files (every 7th without a MIME type, its default since 1.2.0 filling in), a metadata row each; the upload trigger logs each.
  sqlite(`BEGIN;
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${FILES})
    INSERT INTO conversation_files (file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash, mime_type, uploaded_by)
    SELECT printf('f-%06d', i), 's-' || (i % 500), 'report-' || i || '.pdf', 'st-' || i, '/files/' || i, (i * 7919) % 1000003, 'h-' || (i % 977),
           CASE WHEN i % 7 = 0 THEN 'text/plain' ELSE 'application/pdf' END, CASE WHEN i % 5 = 0 THEN NULL ELSE 'alice' END FROM n;
    INSERT INTO file_metadata (file_id, metadata_key, metadata_value) SELECT file_id, 'pages', CAST(file_size % 40 AS TEXT) FROM conversation_files;
    COMMIT;`);
  sha = sha256();
  // A 1.1.0 database whose every third file has no MIME type: what 1.2.0 fills in.
  planDb = join(dir, 'behind.db');
  if (warden(['init', '--db', planDb, '--to', '1.1.0']).status !== 0) throw new Error('warden init --to 1.1.0 failed');
  execFileSync('sqlite3', [
    planDb,
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
    INSERT INTO conversation_files (file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash, mime_type)
    SELECT 'f-' || i, 's', 'r-' || i || '.pdf', 'st-' || i, '/f/' || i, i, 'h', CASE WHEN i % 3 = 0 THEN NULL ELSE 'application/pdf' END FROM n;`,
  ]);
  host = await startWardenServe([dbPath, planDb]);
});

test.afterAll(() => {
  host?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function browse(page: Page, table: string): Promise<void> {
  await page.goto(host.url);
  // The landing lists both databases; the 100,000-file one is opened from the sidebar.
  await page
    .getByRole('navigation', { name: 'Databases' })
    .getByRole('link', { name: new RegExp(basename(dbPath).replace('.', '\\.')) })
    .click();
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Data' }).click();
  await page.getByRole('table', { name: 'Tables and views' }).getByRole('button', { name: table, exact: true }).click();
}

/** The grid row numbered `number` (1-based; the header row is 1 in aria-rowindex). */
function gridRow(page: Page, number: number) {
  return page.getByRole('grid').locator(`[role="row"][aria-rowindex="${number + 1}"]`);
}

test('100,000 files: scroll far down, sort, filter, follow a foreign key and list children, the file unchanged', async ({ page }) => {
  await page.setViewportSize({ width: 1360, height: 1000 });
  await browse(page, 'conversation_files');
  const grid = page.getByRole('grid', { name: 'Rows of conversation_files' });
  await expect(grid).toHaveAttribute('aria-rowcount', String(FILES + 1));
  await expect(page.getByText(/^Table · 100,000 rows/)).toBeVisible();

  // Far down: the rows there are fetched as they come into view, and only a screenful exists.
  const started = Date.now();
  await grid.evaluate((el) => (el.scrollTop = el.scrollHeight * 0.9));
  const far = gridRow(page, 90_001);
  await expect(far.getByRole('gridcell').first()).toHaveText(sqlite('SELECT file_id FROM conversation_files ORDER BY file_id LIMIT 1 OFFSET 90000'));
  const tookMs = Date.now() - started;
  expect(await grid.getByRole('row').count()).toBeLessThan(80);
  console.log(`row 90,001 of 100,000 shown ${tookMs} ms after the jump; ${await grid.getByRole('row').count()} rows in the page`);

  // Sort by size, ascending then descending: the first row is sqlite3's smallest, then its largest.
  const sizeHeader = grid.getByRole('columnheader', { name: /file_size/ });
  await sizeHeader.getByRole('button').click();
  await expect(sizeHeader).toHaveAttribute('aria-sort', 'ascending');
  const sizeCell = (number: number) => gridRow(page, number).getByRole('gridcell').nth(5);
  await expect(sizeCell(1)).toHaveText(sqlite('SELECT min(file_size) FROM conversation_files'));
  await sizeHeader.getByRole('button').click();
  await expect(sizeHeader).toHaveAttribute('aria-sort', 'descending');
  await expect(sizeCell(1)).toHaveText(sqlite('SELECT max(file_size) FROM conversation_files'));

  // Filter: uploaded_by is NULL, and mime_type = 'text/plain'.
  const filter = page.getByRole('form', { name: 'Add a filter' });
  await filter.getByRole('combobox', { name: 'Column' }).selectOption('uploaded_by');
  await filter.getByRole('combobox', { name: 'Condition' }).selectOption('isNull');
  await filter.getByRole('button', { name: 'Add filter' }).click();
  const nulls = Number(sqlite('SELECT count(*) FROM conversation_files WHERE uploaded_by IS NULL'));
  await expect(page.getByText(`Table · ${nulls.toLocaleString('en-US')} rows match the filters`)).toBeVisible();
  await expect(gridRow(page, 1).getByRole('gridcell').nth(9)).toHaveText('NULL');
  await filter.getByRole('combobox', { name: 'Column' }).selectOption('mime_type');
  await filter.getByRole('combobox', { name: 'Condition' }).selectOption('eq');
  await filter.getByRole('textbox', { name: 'Value' }).fill('text/plain');
  await filter.getByRole('button', { name: 'Add filter' }).click();
  const both = Number(sqlite("SELECT count(*) FROM conversation_files WHERE uploaded_by IS NULL AND mime_type = 'text/plain'"));
  await expect(page.getByText(`Table · ${both.toLocaleString('en-US')} rows match the filters`)).toBeVisible();
  await expect(gridRow(page, 1).getByRole('gridcell').nth(5)).toHaveText(
    sqlite("SELECT max(file_size) FROM conversation_files WHERE uploaded_by IS NULL AND mime_type = 'text/plain'"),
  );
  await page.screenshot({ path: join(SCREENSHOTS, 'data-browse-filtered.png') });

  // A row's children, counted per child table as sqlite3 counts them; Browse opens them.
  const fileId = (await gridRow(page, 1).getByRole('gridcell').first().textContent()) ?? '';
  await grid.getByRole('button', { name: 'Row 1: list its children' }).click();
  const children = page.getByRole('region', { name: 'Children of row 1' });
  for (const child of ['file_metadata', 'file_access_log', 'session_file_associations', 'file_cleanup_queue']) {
    const count = Number(sqlite(`SELECT count(*) FROM ${child} WHERE file_id = '${fileId}'`));
    await expect(children.getByRole('listitem').filter({ hasText: child })).toContainText(
      `${child} by file_id = '${fileId}': ${count} ${count === 1 ? 'row' : 'rows'}`,
    );
  }
  await page.screenshot({ path: join(SCREENSHOTS, 'data-browse-children.png') });
  // The grid, its filters and the children list pass axe's WCAG 2.1 A/AA rules.
  const axe = await new AxeBuilder({ page }).include('.rows-browser').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.length} × ${v.help}`)).toEqual([]);
  await children.getByRole('listitem').filter({ hasText: 'file_metadata' }).getByRole('button', { name: 'Browse' }).click();
  const metadata = page.getByRole('grid', { name: 'Rows of file_metadata' });
  await expect(page.getByText('Table · 1 row matches the filters')).toBeVisible();

  // Follow the foreign key back from file_metadata.file_id to the parent row.
  await metadata.getByRole('button', { name: fileId, exact: true }).click();
  await expect(page.getByRole('grid', { name: 'Rows of conversation_files' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Filters in force' })).toHaveText(new RegExp(`file_id = '${fileId}'`));
  await expect(gridRow(page, 1).getByRole('gridcell').first()).toHaveText(fileId);

  // Back goes to the rows before, as in any browser.
  await page.goBack();
  await expect(page.getByRole('grid', { name: 'Rows of file_metadata' })).toBeVisible();

  // The query box offers the schema's names as you type; Enter takes one, the SQL stays highlighted.
  const sql = page.getByLabel('SQL', { exact: true });
  await sql.fill('SELECT count(*) FROM conv');
  await sql.press('ArrowRight'); // the caret at the end; typing goes on from there
  await sql.pressSequentially('e');
  const names = page.getByRole('listbox', { name: 'Names in this database' });
  await expect(names.getByRole('option')).toHaveText(['conversation_files table']);
  const box = await page.locator('.sql-editor-frame').boundingBox();
  const list = await names.boundingBox();
  if (!box || !list) throw new Error('the query box or its names are not on screen');
  await page.screenshot({
    path: join(SCREENSHOTS, 'data-query-names.png'),
    clip: { x: box.x - 8, y: box.y - 8, width: box.width + 16, height: list.y + list.height - box.y + 16 },
  });
  await sql.press('Enter');
  await expect(sql).toHaveValue('SELECT count(*) FROM conversation_files');
  await expect(page.locator('.sql-editor__highlight .hljs-keyword').first()).toHaveText('SELECT');
  await sql.press('Control+Enter');
  await expect(page.getByRole('table', { name: 'Query result' }).getByRole('cell')).toHaveText([String(FILES)]);
  expect(sha256()).toBe(sha);
});

test('the plan says how many rows 1.2.0 will fill in, as many as migrating a copy changes, and Browse them opens those rows', async ({ page }) => {
  // The referee: migrate a copy with the CLI and let sqlite3 count the rows whose mime_type changed.
  const copy = join(dir, 'behind-copy.db');
  copyFileSync(planDb, copy);
  if (warden(['migrate', '--db', copy, '--no-backup']).status !== 0) throw new Error('warden migrate of the copy failed');
  const changed = Number(
    execFileSync(
      'sqlite3',
      [
        copy,
        `ATTACH '${planDb}' AS o; SELECT count(*) FROM main.conversation_files n JOIN o.conversation_files c USING (file_id) WHERE n.mime_type IS NOT c.mime_type;`,
      ],
      { encoding: 'utf8' },
    ).trim(),
  );
  expect(changed).toBe(333);

  await page.goto(host.url);
  await page
    .getByRole('navigation', { name: 'Databases' })
    .getByRole('link', { name: /behind\.db/ })
    .click();
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Migration plan' }).click();
  const rows = page.getByRole('article', { name: 'Step 1: 1.2.0' }).getByRole('list', { name: 'Rows 1.2.0 changes' });
  await expect(rows).toContainText(`1.2.0 will fill in mime_type (as application/octet-stream) on ${changed} rows of conversation_files`);
  const step = await page.getByRole('article', { name: 'Step 1: 1.2.0' }).boundingBox();
  const listed = await rows.boundingBox();
  if (!step || !listed) throw new Error('the step or its rows are not on screen');
  await page.screenshot({
    path: join(SCREENSHOTS, 'plan-data-changes.png'),
    clip: { x: step.x, y: step.y, width: step.width, height: listed.y + listed.height - step.y + 8 },
  });
  await rows.getByRole('link', { name: 'Browse them' }).click();
  await expect(page.getByRole('grid', { name: 'Rows of conversation_files' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Filters in force' })).toContainText('mime_type is NULL');
  await expect(page.getByText(`Table · ${changed} rows match the filters`)).toBeVisible();
  await expect(gridRow(page, 1).getByRole('gridcell').nth(7)).toHaveText('NULL');
});

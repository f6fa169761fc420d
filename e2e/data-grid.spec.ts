import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCREENSHOTS, sqlite, startWardenServe, warden, whyServeIsUnavailable, type RunningHost } from './warden-serve';
import { axeFindings } from './axe-findings';

// The Data view's grid walked with the keyboard only (issue 26): one tab stop, arrow keys per the
// ARIA grid pattern, Enter to sort, Ctrl+C to copy, Shift+→ to widen a column; the record pane
// shows the active row in full. The sqlite3 shell says what each value is.

const unavailable = whyServeIsUnavailable();
test.skip(unavailable !== null, unavailable ?? '');

let dir: string;
let dbPath: string;
let host: RunningHost;
const query = (sql: string) => sqlite(dbPath, sql);

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'warden-grid-'));
  dbPath = join(dir, 'files.db');
  const init = warden(['init', '--db', dbPath]);
  if (init.status !== 0) throw new Error(`warden init failed: ${init.stderr}`);
  // 2,000 files with ids longer than a default column, each with a JSON note; every 10th also a 3,000-byte BLOB thumbnail.
  query(`BEGIN;
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
    INSERT INTO conversation_files (file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash)
    SELECT printf('file-with-a-long-identifier-%05d', i), 's-' || (i % 40), 'report-' || i || '.pdf', 'st-' || i, '/files/' || i, (i * 7919) % 100003, 'h-' || i FROM n;
    INSERT INTO file_metadata (file_id, metadata_key, metadata_value)
    SELECT file_id, 'exif', json_object('camera', 'X100', 'iso', file_size % 3200, 'tags', json_array('holiday', 'beach')) FROM conversation_files;
    INSERT INTO file_metadata (file_id, metadata_key, metadata_value)
    SELECT file_id, 'thumb', randomblob(3000) FROM conversation_files WHERE rowid % 10 = 0;
    COMMIT;`);
  host = await startWardenServe([dbPath]);
});

test.afterAll(() => {
  host?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function openRows(page: Page, table: string): Promise<void> {
  const origin = new URL(host.url);
  await page.goto(host.url);
  await expect(page).not.toHaveURL(/token=/);
  await page.getByRole('button', { name: 'Continue without a name' }).click();
  await page.goto(`${origin.origin}/#/db/files/data?browse=${encodeURIComponent(JSON.stringify({ table, sort: null, filters: [] }))}`);
  await expect(page.getByRole('grid', { name: `Rows of ${table}` })).toBeVisible();
}

const focused = (page: Page) =>
  page.evaluate(() => ({
    role: document.activeElement?.getAttribute('role'),
    text: document.activeElement?.textContent ?? '',
    col: document.activeElement?.getAttribute('aria-colindex'),
  }));

test('the grid walked with the keyboard only: one tab stop, arrows, Enter sorts, Ctrl+C copies, Shift+→ widens; the record pane holds full values', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.setViewportSize({ width: 1400, height: 900 });
  await openRows(page, 'file_metadata');
  const grid = page.getByRole('grid', { name: 'Rows of file_metadata' });
  await expect(grid.locator('[role="row"][aria-rowindex="2"] [role="gridcell"]').first()).toHaveText('1');

  // Tab from the last control above the grid (the whole result's export, under the filters) lands in the grid once, on its one tab stop.
  await page.getByRole('button', { name: 'Export all as JSON lines' }).focus();
  await page.keyboard.press('Tab');
  expect(await focused(page)).toMatchObject({ role: 'gridcell', text: '1', col: '2' });
  expect(await grid.locator('[tabindex="0"]').count()).toBe(1);

  // → to file_id: the whole id is in the cell (the column starts as wide as its values), and Ctrl+C copies it.
  await page.keyboard.press('ArrowRight');
  const firstId = query('SELECT file_id FROM file_metadata ORDER BY metadata_id LIMIT 1');
  expect(await focused(page)).toMatchObject({ role: 'gridcell', text: `${firstId} →` });
  const idCell = grid.locator('[role="row"][aria-rowindex="2"] [aria-colindex="3"]');
  expect(await idCell.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  await page.keyboard.press('Control+c');
  await expect(page.getByRole('status').filter({ hasText: 'Copied the file_id of row 1.' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(firstId);

  // → → to metadata_value: the record pane shows it pretty-printed as sqlite3 stores it.
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  const pane = page.getByRole('region', { name: 'Row 1 of file_metadata' });
  const json = query('SELECT metadata_value FROM file_metadata ORDER BY metadata_id LIMIT 1');
  await expect(pane.getByLabel('JSON, pretty-printed')).toHaveText(JSON.stringify(JSON.parse(json), null, 2));

  // Shift+→ widens the column, twice; the widths are the grid's own layout.
  const valueHeader = grid.getByRole('columnheader', { name: /metadata_value/ });
  const before = (await valueHeader.boundingBox())!.width;
  await page.keyboard.press('Shift+ArrowRight');
  await page.keyboard.press('Shift+ArrowRight');
  await expect.poll(async () => (await valueHeader.boundingBox())!.width).toBeGreaterThan(before + 20);
  // With the mouse: drag the header's right edge 120 px to the right; double-click the edge to fit the values again.
  const widened = (await valueHeader.boundingBox())!;
  const edge = valueHeader.locator('.rows-grid__resize');
  await edge.evaluate((el) => el.scrollIntoView({ block: 'nearest', inline: 'center' }));
  const handle = (await edge.boundingBox())!;
  await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
  await page.mouse.down();
  await page.mouse.move(handle.x + handle.width / 2 + 120, handle.y + handle.height / 2, { steps: 5 });
  await page.mouse.up();
  await expect.poll(async () => Math.round((await valueHeader.boundingBox())!.width - widened.width)).toBeGreaterThanOrEqual(110);
  await edge.dblclick();
  await expect.poll(async () => (await valueHeader.boundingBox())!.width).toBeLessThan(widened.width + 100);
  await grid.locator('[role="row"][aria-rowindex="2"] [aria-colindex="5"]').focus();

  // Ctrl+End: the last row and column, scrolled into view; its BLOB (if any) with its size as sqlite3 counts it.
  await page.keyboard.press('Control+End');
  const rows = Number(query('SELECT count(*) FROM file_metadata'));
  await expect(grid.locator(`[role="row"][aria-rowindex="${rows + 1}"]`)).toBeVisible();
  await expect.poll(async () => (await focused(page)).role).toBe('gridcell');
  await expect(page.getByRole('region', { name: `Row ${rows.toLocaleString('en-US')} of file_metadata` })).toBeVisible();

  // Ctrl+Home, then Page Down: a screenful further, never skipping the focus.
  await page.keyboard.press('Control+Home');
  expect(await focused(page)).toMatchObject({ role: 'rowheader', text: '1' });
  await page.keyboard.press('PageDown');
  const paged = await focused(page);
  expect(paged.role).toBe('rowheader');
  expect(Number(paged.text)).toBeGreaterThan(5);

  // Up to the header, → to metadata_key, Enter sorts by it (ascending) and the focus stays on that header.
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  expect(await focused(page)).toMatchObject({ role: 'columnheader', col: '4' });
  await page.keyboard.press('Enter');
  const keyHeader = grid.getByRole('columnheader', { name: /metadata_key/ });
  await expect(keyHeader).toHaveAttribute('aria-sort', 'ascending');
  await expect.poll(async () => (await focused(page)).col).toBe('4');
  // Down to the first row sorted: sqlite3's first in that order ("exif" before "thumb").
  await page.keyboard.press('ArrowDown');
  await expect.poll(async () => (await focused(page)).text).toBe(query('SELECT metadata_key FROM file_metadata ORDER BY metadata_key, metadata_id LIMIT 1'));

  // Sorted descending, the first rows are thumbnails: the pane gives the BLOB's size and its first bytes in hex.
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Enter');
  await expect(keyHeader).toHaveAttribute('aria-sort', 'descending');
  // In words: a BLOB's size as people read it, not a raw byte count.
  await expect(
    grid
      .getByRole('gridcell')
      .filter({ hasText: /^BLOB 2\.9 KB [0-9a-f]{32}…$/ })
      .first(),
  ).toBeVisible();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowRight');
  const thumb = page.getByRole('region', { name: 'Row 1 of file_metadata' });
  const [bytes, hex] = query(
    "SELECT length(metadata_value), lower(hex(metadata_value)) FROM file_metadata WHERE metadata_key = 'thumb' ORDER BY metadata_id DESC LIMIT 1",
  ).split('|');
  expect(bytes).toBe('3000');
  // The whole BLOB: the pane reads the row again with its BLOBs in full (a page brings 16 bytes of each).
  const blobField = thumb.locator('.record-pane__field').filter({ hasText: 'metadata_value' });
  await expect(blobField).toContainText('BLOB · 2.9 KB (3,000 bytes)');
  await expect(blobField).not.toContainText('the first');
  await expect.poll(async () => (await blobField.locator('pre').textContent())?.replace(/\s/g, '')).toBe(hex);

  // Ctrl+Shift+C: the row as JSON, its id as sqlite3 has it.
  await page.keyboard.press('Control+Shift+c');
  const copied = JSON.parse(await page.evaluate(() => navigator.clipboard.readText()));
  expect(copied.metadata_id).toBe(Number(query("SELECT metadata_id FROM file_metadata WHERE metadata_key = 'thumb' ORDER BY metadata_id DESC LIMIT 1")));
  expect(copied.metadata_value).toMatchObject({ blobBytes: 3000 });

  await page.screenshot({ path: join(SCREENSHOTS, 'data-grid-record-pane-1400.png') });
  expect(await axeFindings(page, '.rows-browser')).toEqual([]);

  await page.setViewportSize({ width: 1024, height: 768 });
  await grid.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SCREENSHOTS, 'data-grid-1024.png') });
  // Narrow, the record pane is under the grid.
  await thumb.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SCREENSHOTS, 'data-grid-record-pane-1024.png') });
  expect(await axeFindings(page, '.rows-browser')).toEqual([]);
});

// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MethodInput } from '../../../../shared/contract';
import type { RowChildrenReport, RowsPage, TablesReport } from '../../../../shared/types/data';
import { browseTargetOf, hrefForBrowse } from '../../lib/browse-link';
import { createFakeApi } from '../../test/fake-api';
import { renderConsole } from '../../test/render-console';
import { DataView } from './DataView';

// jsdom lays nothing out: give every element the size of a 600 px high grid, as a browser would.
const clientHeight = Object.getOwnPropertyDescriptor(Element.prototype, 'clientHeight');
const clientWidth = Object.getOwnPropertyDescriptor(Element.prototype, 'clientWidth');
beforeAll(() => {
  Object.defineProperty(Element.prototype, 'clientHeight', { configurable: true, get: () => 600 });
  Object.defineProperty(Element.prototype, 'clientWidth', { configurable: true, get: () => 1000 });
});
afterAll(() => {
  if (clientHeight) Object.defineProperty(Element.prototype, 'clientHeight', clientHeight);
  if (clientWidth) Object.defineProperty(Element.prototype, 'clientWidth', clientWidth);
});

const PATH = '/srv/chat/conversation_files.db';
const TABLES: TablesReport = {
  path: PATH,
  measured: true,
  bytes: 4096,
  tables: [{ name: 'file_metadata', kind: 'table', rows: 100_000, bytes: 4096, indexes: [], columns: ['metadata_id', 'file_id', 'metadata_value', 'thumb'] }],
};

/** A 100,000-row file_metadata, paged as the engine pages it; even rows' value is NULL. */
function rowsOf(input: MethodInput<'rows'>): RowsPage {
  const offset = input.offset ?? 0;
  const limit = input.limit ?? 200;
  const filtered = (input.filters ?? []).length > 0;
  const total = filtered ? 3 : 100_000;
  const rows = Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, k) => {
    const n = offset + k;
    return [
      n + 1,
      `file-${n}`,
      n === 3 ? '{"pages":3,"tags":["a"]}' : n % 2 === 0 ? null : `v${n}`,
      n === 1 ? { blob: 20, hex: '00112233445566778899aabbccddeeff' } : 'x',
    ];
  });
  return {
    path: PATH,
    table: input.table,
    kind: 'table',
    columns: [
      { name: 'metadata_id', type: 'INTEGER', notNull: false, primaryKey: 1 },
      { name: 'file_id', type: 'TEXT', notNull: true, primaryKey: 0 },
      { name: 'metadata_value', type: 'TEXT', notNull: false, primaryKey: 0 },
      { name: 'thumb', type: 'BLOB', notNull: false, primaryKey: 0 },
    ],
    parents: [{ from: 'file_metadata', columns: ['file_id'], table: 'conversation_files', to: ['file_id'] }],
    children: [{ from: 'file_tags', columns: ['metadata_id'], table: 'file_metadata', to: ['metadata_id'] }],
    sort: input.sort ?? null,
    filters: input.filters ?? [],
    offset,
    rows,
    total: input.withTotal ? total : null,
  };
}

const CHILDREN: RowChildrenReport = {
  path: PATH,
  table: 'file_metadata',
  children: [
    {
      link: { from: 'file_tags', columns: ['metadata_id'], table: 'file_metadata', to: ['metadata_id'] },
      filters: [{ column: 'metadata_id', op: 'eq', value: 2 }],
      count: 4,
    },
  ],
};

function renderBrowsing() {
  const api = createFakeApi({ tables: () => TABLES, rows: rowsOf, rowChildren: () => CHILDREN });
  renderConsole(<DataView db="main" />, { api });
  return api;
}

describe('Browsing rows in the Data view', () => {
  beforeEach(() => {
    window.location.hash = '#/db/main/data';
  });

  it('a table name opens its rows in a grid that holds only the rows in view, NULL as NULL and a BLOB as size and hex', async () => {
    const api = renderBrowsing();
    fireEvent.click(await screen.findByRole('button', { name: 'file_metadata' }));
    const grid = await screen.findByRole('grid', { name: 'Rows of file_metadata' });
    expect(grid.getAttribute('aria-rowcount')).toBe('100001');
    expect(await screen.findByText(/Table · 100,000 rows · read-only/)).toBeTruthy();
    await waitFor(() => expect(within(grid).getAllByRole('gridcell').length).toBeGreaterThan(4));
    const rows = within(grid).getAllByRole('row').slice(1);
    expect(rows.length).toBeLessThan(60);
    const cells = (row: HTMLElement) =>
      within(row)
        .getAllByRole('gridcell')
        .map((c) => c.textContent);
    expect(cells(rows[0])).toEqual(['1', 'file-0 →', 'NULL', 'x']);
    expect(cells(rows[1])[3]).toBe('BLOB 20 bytes 00112233445566778899aabbccddeeff…');
    expect(api.rows).toHaveBeenCalledWith({
      db: 'main',
      table: 'file_metadata',
      sort: null,
      filters: [],
      offset: 0,
      limit: 100,
      withTotal: true,
      operationId: expect.stringMatching(/^op-/),
    });
  });

  it('a view that takes long to read: Cancel asks the host to stop that read, says so, and Read again reads it again; Close stops it too', async () => {
    window.location.hash = hrefForBrowse('main', { table: 'forever', sort: null, filters: [] });
    const never = () => new Promise<RowsPage>(() => {});
    const api = createFakeApi({ tables: () => TABLES, rows: never, cancel: () => ({ cancelled: true }) });
    renderConsole(<DataView db="main" />, { api });
    expect(await screen.findByText('Reading the rows of forever…')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(api.cancel).toHaveBeenCalledWith({ operationId: api.rows.mock.calls[0][0].operationId }));
    expect(api.rows.mock.calls[0][0].operationId).toMatch(/^op-/);
    expect(await screen.findByText('Reading the rows of forever was cancelled')).toBeTruthy();
    expect(screen.queryByText('Reading the rows of forever…')).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Read again' }));
    expect(await screen.findByText('Reading the rows of forever…')).toBeTruthy();
    await waitFor(() => expect(api.rows).toHaveBeenCalledTimes(2));
    fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(api.cancel).toHaveBeenLastCalledWith({ operationId: api.rows.mock.calls[1][0].operationId }));
    expect(api.cancel).toHaveBeenCalledTimes(2);
  });

  it('sorts by a header click (ascending, then descending), kept in the address', async () => {
    window.location.hash = hrefForBrowse('main', { table: 'file_metadata', sort: null, filters: [] });
    const api = renderBrowsing();
    const grid = await screen.findByRole('grid', { name: 'Rows of file_metadata' });
    const header = within(grid).getAllByRole('columnheader')[2];
    fireEvent.click(within(header).getByRole('button'));
    await waitFor(() => expect(browseTargetOf(window.location.hash)?.sort).toEqual({ column: 'file_id', direction: 'asc' }));
    await waitFor(() => expect(api.rows).toHaveBeenCalledWith(expect.objectContaining({ sort: { column: 'file_id', direction: 'asc' }, offset: 0 })));
    expect((await screen.findByRole('columnheader', { name: /file_id/ })).getAttribute('aria-sort')).toBe('ascending');
    fireEvent.click(within(screen.getByRole('columnheader', { name: /file_id/ })).getByRole('button'));
    await waitFor(() => expect(screen.getByRole('columnheader', { name: /file_id/ }).getAttribute('aria-sort')).toBe('descending'));
  });

  it('adds and removes filters, NULL included', async () => {
    window.location.hash = hrefForBrowse('main', { table: 'file_metadata', sort: null, filters: [] });
    const api = renderBrowsing();
    const form = await screen.findByRole('form', { name: 'Add a filter' });
    fireEvent.change(within(form).getByRole('combobox', { name: 'Column' }), { target: { value: 'metadata_value' } });
    fireEvent.change(within(form).getByRole('combobox', { name: 'Condition' }), { target: { value: 'isNull' } });
    expect(within(form).queryByRole('textbox', { name: 'Value' })).toBeNull();
    fireEvent.click(within(form).getByRole('button', { name: 'Add filter' }));
    expect(await screen.findByText(/3 rows match the filters/)).toBeTruthy();
    expect(api.rows).toHaveBeenLastCalledWith(expect.objectContaining({ filters: [{ column: 'metadata_value', op: 'isNull' }] }));
    fireEvent.click(screen.getByRole('button', { name: 'Remove the filter metadata_value is NULL' }));
    expect(await screen.findByText(/100,000 rows/)).toBeTruthy();
  });

  it("follows a foreign key to the parent row, and lists a row's children with a Browse link", async () => {
    window.location.hash = hrefForBrowse('main', { table: 'file_metadata', sort: null, filters: [] });
    const api = renderBrowsing();
    const grid = await screen.findByRole('grid', { name: 'Rows of file_metadata' });
    await waitFor(() => expect(within(grid).getAllByRole('row').length).toBeGreaterThan(2));
    fireEvent.click(within(grid).getByRole('button', { name: 'Row 2: list its children' }));
    const children = await screen.findByRole('region', { name: 'Children of row 2' });
    expect(api.rowChildren).toHaveBeenCalledWith({ db: 'main', table: 'file_metadata', row: { metadata_id: 2 } });
    await waitFor(() => expect(children.textContent).toContain('file_tags by metadata_id = 2: 4 rows'));
    fireEvent.click(within(children).getByRole('button', { name: 'Browse' }));
    await waitFor(() =>
      expect(browseTargetOf(window.location.hash)).toEqual({ table: 'file_tags', sort: null, filters: [{ column: 'metadata_id', op: 'eq', value: 2 }] }),
    );

    window.location.hash = hrefForBrowse('main', { table: 'file_metadata', sort: null, filters: [] });
    const again = await screen.findByRole('grid', { name: 'Rows of file_metadata' });
    fireEvent.click(await within(again).findByRole('button', { name: 'file-1' }));
    await waitFor(() =>
      expect(browseTargetOf(window.location.hash)).toEqual({
        table: 'conversation_files',
        sort: null,
        filters: [{ column: 'file_id', op: 'eq', value: 'file-1' }],
      }),
    );
  });

  it('moves one tab stop through the cells with the arrow keys (ARIA grid), and shows the active row in full beside it', async () => {
    window.location.hash = hrefForBrowse('main', { table: 'file_metadata', sort: null, filters: [] });
    renderBrowsing();
    const grid = await screen.findByRole('grid', { name: 'Rows of file_metadata' });
    await waitFor(() => expect(within(grid).getAllByRole('row').length).toBeGreaterThan(4));
    const tabStops = () => [...grid.querySelectorAll('[tabindex="0"]')];
    expect(tabStops()).toHaveLength(1);
    expect(tabStops()[0].textContent).toBe('1'); // row 1's metadata_id
    const pane = screen.getByRole('region', { name: 'Row 1 of file_metadata' });
    expect(within(pane).getByText('file-0')).toBeTruthy();

    fireEvent.keyDown(tabStops()[0], { key: 'ArrowDown' });
    await waitFor(() => expect(document.activeElement?.textContent).toBe('2'));
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowRight' });
    await waitFor(() => expect(document.activeElement?.textContent).toBe('file-1 →'));
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowRight' });
    await waitFor(() => expect(document.activeElement?.textContent).toBe('v1'));
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowRight' });
    await waitFor(() => expect(document.activeElement?.getAttribute('role')).toBe('gridcell'));
    expect(document.activeElement?.textContent).toBe('BLOB 20 bytes 00112233445566778899aabbccddeeff…');
    expect(tabStops()).toEqual([document.activeElement]);
    const second = await screen.findByRole('region', { name: 'Row 2 of file_metadata' });
    expect(second.textContent).toContain('BLOB · 20 bytes');
    expect(second.textContent).toContain('0011 2233 4455 6677 8899 aabb ccdd eeff');

    fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
    const fourth = await screen.findByRole('region', { name: 'Row 4 of file_metadata' });
    expect(within(fourth).getByLabelText('JSON, pretty-printed').textContent).toBe('{\n  "pages": 3,\n  "tags": [\n    "a"\n  ]\n}');

    fireEvent.keyDown(document.activeElement!, { key: 'Home' });
    await waitFor(() => expect(document.activeElement?.getAttribute('role')).toBe('rowheader'));
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowUp', ctrlKey: false });
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowUp' });
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowUp' });
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowUp' });
    await waitFor(() => expect(document.activeElement?.getAttribute('role')).toBe('columnheader'));
  });

  it('keeps the focus on the header sorted with Enter, and leaves it where it is when rows are filtered afterwards', async () => {
    window.location.hash = hrefForBrowse('main', { table: 'file_metadata', sort: null, filters: [] });
    renderBrowsing();
    const grid = await screen.findByRole('grid', { name: 'Rows of file_metadata' });
    await waitFor(() => expect(within(grid).getAllByRole('row').length).toBeGreaterThan(4));
    const start = grid.querySelector<HTMLElement>('[tabindex="0"]')!;
    start.focus();
    fireEvent.keyDown(start, { key: 'ArrowUp' });
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowRight' });
    await waitFor(() => expect(document.activeElement?.getAttribute('role')).toBe('columnheader'));
    fireEvent.keyDown(document.activeElement!, { key: 'Enter' });
    await waitFor(() => expect(browseTargetOf(window.location.hash)?.sort).toEqual({ column: 'file_id', direction: 'asc' }));
    await waitFor(() => expect(document.activeElement?.textContent).toMatch(/^file_id/));

    const form = screen.getByRole('form', { name: 'Add a filter' });
    const value = within(form).getByRole('textbox', { name: 'Value' });
    value.focus();
    fireEvent.change(value, { target: { value: 'file-1' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Add filter' }));
    expect(await screen.findByText(/3 rows match the filters/)).toBeTruthy();
    expect(screen.getByRole('grid').contains(document.activeElement)).toBe(false);
  });
});

// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MethodInput } from '../../../../shared/contract';
import type { RowChildrenReport, RowsPage, TablesReport } from '../../../../shared/types';
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
const TABLES: TablesReport = { path: PATH, sizesMeasured: true, fileBytes: 4096, tables: [{ name: 'file_metadata', kind: 'table', rows: 100_000, bytes: 4096, indexes: [], columns: ['metadata_id', 'file_id', 'metadata_value', 'thumb'] }] };

/** A 100,000-row file_metadata, paged as the engine pages it; even rows' value is NULL. */
function rowsOf(input: MethodInput<'rows'>): RowsPage {
  const offset = input.offset ?? 0;
  const limit = input.limit ?? 200;
  const filtered = (input.filters ?? []).length > 0;
  const total = filtered ? 3 : 100_000;
  const rows = Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, k) => {
    const n = offset + k;
    return [n + 1, `file-${n}`, n % 2 === 0 ? null : `v${n}`, n === 1 ? { blob: 20, hex: '00112233445566778899aabbccddeeff' } : 'x'];
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
  children: [{ link: { from: 'file_tags', columns: ['metadata_id'], table: 'file_metadata', to: ['metadata_id'] }, filters: [{ column: 'metadata_id', op: 'eq', value: 2 }], count: 4 }],
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
    const cells = (row: HTMLElement) => within(row).getAllByRole('gridcell').map((c) => c.textContent);
    expect(cells(rows[0])).toEqual(['1', 'file-0 →', 'NULL', 'x']);
    expect(cells(rows[1])[3]).toBe('BLOB 20 bytes 00112233445566778899aabbccddeeff…');
    expect(api.rows).toHaveBeenCalledWith({ db: 'main', table: 'file_metadata', sort: null, filters: [], offset: 0, limit: 100, withTotal: true });
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

  it('follows a foreign key to the parent row, and lists a row\'s children with a Browse link', async () => {
    window.location.hash = hrefForBrowse('main', { table: 'file_metadata', sort: null, filters: [] });
    const api = renderBrowsing();
    const grid = await screen.findByRole('grid', { name: 'Rows of file_metadata' });
    await waitFor(() => expect(within(grid).getAllByRole('row').length).toBeGreaterThan(2));
    fireEvent.click(within(grid).getByRole('button', { name: 'Row 2: list its children' }));
    const children = await screen.findByRole('region', { name: 'Children of row 2' });
    expect(api.rowChildren).toHaveBeenCalledWith({ db: 'main', table: 'file_metadata', row: { metadata_id: 2 } });
    await waitFor(() => expect(children.textContent).toContain('file_tags by metadata_id = 2: 4 rows'));
    fireEvent.click(within(children).getByRole('button', { name: 'Browse' }));
    await waitFor(() => expect(browseTargetOf(window.location.hash)).toEqual({ table: 'file_tags', sort: null, filters: [{ column: 'metadata_id', op: 'eq', value: 2 }] }));

    window.location.hash = hrefForBrowse('main', { table: 'file_metadata', sort: null, filters: [] });
    const again = await screen.findByRole('grid', { name: 'Rows of file_metadata' });
    fireEvent.click(await within(again).findByRole('button', { name: 'file-1' }));
    await waitFor(() => expect(browseTargetOf(window.location.hash)).toEqual({ table: 'conversation_files', sort: null, filters: [{ column: 'file_id', op: 'eq', value: 'file-1' }] }));
  });
});

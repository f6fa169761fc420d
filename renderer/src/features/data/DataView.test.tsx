// @vitest-environment jsdom
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { QueryResult, TablesReport } from '../../../../shared/types/data';
import { ApiError } from '../../api/api-error';
import { createFakeApi } from '../../test/fake-api';
import { renderConsole } from '../../test/render-console';
import { DataView } from './DataView';

const PATH = '/srv/chat/conversation_files.db';

const TABLES: TablesReport = {
  path: PATH,
  measured: true,
  bytes: 94_208,
  tables: [
    {
      name: 'conversation_files',
      kind: 'table',
      rows: 1200,
      bytes: 40_960,
      indexes: [
        { name: 'sqlite_autoindex_conversation_files_1', automatic: true, bytes: 8192 },
        { name: 'idx_files_session', automatic: false, bytes: 4096 },
      ],
      columns: ['file_id', 'session_id', 'mime_type', 'file_size'],
    },
    { name: 'file_cleanup_queue', kind: 'table', rows: 0, bytes: 4096, indexes: [], columns: ['cleanup_id', 'file_id'] },
    { name: 'active_files', kind: 'view', rows: null, bytes: null, indexes: [], columns: ['file_id', 'session_count'] },
  ],
};

function queryResult(overrides: Partial<QueryResult> = {}): QueryResult {
  return {
    path: PATH,
    sql: 'SELECT * FROM "conversation_files" LIMIT 100',
    columns: ['file_id', 'mime_type', 'file_size', 'thumbnail'],
    rows: [
      ['f1', null, 10, { blob: 300, hex: '89504e470d0a1a0a0000000d49484452' }],
      ['f2', 'application/pdf', 20, null],
    ],
    more: false,
    limit: 1000,
    durationMs: 4,
    ...overrides,
  };
}

describe('DataView', () => {
  it('lists every table and view with its rows, size and indexes', async () => {
    renderConsole(<DataView db="main" />, { api: createFakeApi({ tables: () => TABLES }) });
    const list = await screen.findByRole('table', { name: 'Tables and views' });
    const cells = (name: string) =>
      within(within(list).getByRole('row', { name: new RegExp(name) }))
        .getAllByRole('cell')
        .map((c) => c.textContent);
    expect(cells('conversation_files')).toEqual(['conversation_files', 'table', (1200).toLocaleString(), '40 KB', '2', '12 KB', 'Query']);
    expect(cells('file_cleanup_queue')).toEqual(['file_cleanup_queue', 'table', '0', '4.0 KB', 'none', '—', 'Query']);
    expect(cells('active_files')).toEqual(['active_files', 'view', '—', '—', 'none', '—', 'Query']);
    expect(screen.getByText(/3 tables and views · file 92 KB/)).toBeTruthy();
  });

  it('says plainly when sizes were not measured', async () => {
    const unmeasured: TablesReport = {
      ...TABLES,
      measured: false,
      tables: TABLES.tables.map((t) => ({ ...t, bytes: null, indexes: t.indexes.map((i) => ({ ...i, bytes: null })) })),
    };
    renderConsole(<DataView db="main" />, { api: createFakeApi({ tables: () => unmeasured }) });
    expect(await screen.findByText(/sizes not measured: this SQLite build has no dbstat/)).toBeTruthy();
    const row = screen.getByRole('row', { name: /conversation_files/ });
    expect(within(row).getAllByRole('cell')[3].getAttribute('title')).toBe('Not measured: this SQLite build has no dbstat');
  });

  it("a table's Query button runs SELECT * on it and shows NULL as NULL and a BLOB as its size and hex", async () => {
    const api = createFakeApi({ tables: () => TABLES, query: () => queryResult() });
    renderConsole(<DataView db="main" />, { api });
    fireEvent.click(await screen.findByRole('button', { name: 'Query conversation_files in the SQL box' }));
    const result = await screen.findByRole('table', { name: 'Query result' });
    expect(api.query).toHaveBeenCalledWith({
      db: 'main',
      sql: 'SELECT * FROM "conversation_files" LIMIT 100',
      limit: 1000,
      operationId: expect.stringMatching(/^op-/),
    });
    expect((screen.getByLabelText('SQL') as HTMLTextAreaElement).value).toBe('SELECT * FROM "conversation_files" LIMIT 100');
    const [, first, second] = within(result).getAllByRole('row');
    const firstCells = within(first).getAllByRole('cell');
    expect(firstCells[1].textContent).toBe('NULL');
    expect(firstCells[1].className).toContain('query-value--null');
    expect(firstCells[3].textContent).toBe('BLOB 300 bytes 89504e470d0a1a0a0000000d49484452…');
    expect(
      within(second)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['f2', 'application/pdf', '20', 'NULL']);
    expect(screen.getByText('2 rows in 4 ms.')).toBeTruthy();
  });

  it('says when there are more rows than the limit, and runs with the limit asked for (Ctrl+Enter)', async () => {
    const api = createFakeApi({ tables: () => TABLES, query: ({ limit }) => queryResult({ limit: limit ?? 1000, more: true }) });
    renderConsole(<DataView db="main" />, { api });
    fireEvent.change(screen.getByLabelText('SQL'), { target: { value: 'SELECT * FROM conversation_files' } });
    fireEvent.change(screen.getByRole('spinbutton', { name: 'Row limit' }), { target: { value: '2' } });
    fireEvent.keyDown(screen.getByLabelText('SQL'), { key: 'Enter', ctrlKey: true });
    expect(await screen.findByText(/Showing the first 2 rows; there are more/)).toBeTruthy();
    expect(api.query).toHaveBeenCalledWith(expect.objectContaining({ sql: 'SELECT * FROM conversation_files', limit: 2 }));
  });

  it("offers the database's names as you type, in a listbox the keyboard drives, the SQL still highlighted", async () => {
    renderConsole(<DataView db="main" />, { api: createFakeApi({ tables: () => TABLES }) });
    await screen.findByRole('table', { name: 'Tables and views' });
    const box = screen.getByLabelText('SQL') as HTMLTextAreaElement;
    fireEvent.change(box, { target: { value: 'SELECT f' } });
    const names = screen.getByRole('listbox', { name: 'Names in this database' });
    expect(
      within(names)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['file_cleanup_queue table', 'file_id column of conversation_files, file_cleanup_queue, active_files', 'file_size column of conversation_files']);
    expect(box.getAttribute('aria-activedescendant')).toBe(within(names).getAllByRole('option')[0].id);
    fireEvent.keyDown(box, { key: 'ArrowDown' });
    expect(within(names).getAllByRole('option')[1].getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(box.value).toBe('SELECT file_id');
    expect(screen.queryByRole('listbox')).toBeNull();

    fireEvent.change(box, { target: { value: 'SELECT file_id FROM conversation_files c WHERE c.mi' } });
    expect(
      within(screen.getByRole('listbox'))
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['mime_type column of conversation_files']);
    fireEvent.keyDown(box, { key: 'Tab' });
    expect(box.value).toBe('SELECT file_id FROM conversation_files c WHERE c.mime_type');
    expect(document.querySelector('.sql-editor__highlight .hljs-keyword')?.textContent).toBe('SELECT');

    fireEvent.change(box, { target: { value: 'SELECT * FROM act' } });
    fireEvent.keyDown(box, { key: 'Escape' });
    expect(screen.queryByRole('listbox')).toBeNull();
    expect(box.value).toBe('SELECT * FROM act');
  });

  it('shows a refused write as the engine says it, with no result', async () => {
    const refusal = new ApiError({
      code: 'INVALID_INPUT',
      message:
        'This query was not run: only SELECT, WITH … SELECT, VALUES, EXPLAIN and reading PRAGMAs may run here. Nothing was changed. Query: DELETE FROM conversation_files',
      hint: 'Write a SELECT (or WITH … SELECT): queries here only read.',
    });
    renderConsole(<DataView db="main" />, { api: createFakeApi({ tables: () => TABLES, query: () => Promise.reject(refusal) }) });
    fireEvent.change(screen.getByLabelText('SQL'), { target: { value: 'DELETE FROM conversation_files' } });
    fireEvent.click(screen.getByRole('button', { name: 'Run' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('This query was not run: only SELECT');
    expect(alert.textContent).toContain('INVALID_INPUT');
    expect(screen.queryByRole('table', { name: 'Query result' })).toBeNull();
  });

  it('Cancel asks the host to stop the running query by its operation id', async () => {
    let stop: (error: Error) => void = () => {};
    const api = createFakeApi({
      tables: () => TABLES,
      query: () =>
        new Promise<QueryResult>((_, reject) => {
          stop = reject;
        }),
      cancel: () => {
        stop(new ApiError({ code: 'CANCELLED', message: 'The query was cancelled and stopped; nothing was changed.' }));
        return { cancelled: true };
      },
    });
    renderConsole(<DataView db="main" />, { api });
    fireEvent.change(screen.getByLabelText('SQL'), {
      target: { value: 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Run' }));
    const cancel = await screen.findByRole('button', { name: 'Cancel' });
    expect(((await screen.findByRole('button', { name: 'Query conversation_files in the SQL box' })) as HTMLButtonElement).disabled).toBe(true); // one query at a time
    fireEvent.click(cancel);
    await waitFor(() => expect(api.cancel).toHaveBeenCalled());
    const operationId = api.query.mock.calls[0][0].operationId;
    expect(operationId).toMatch(/^op-/);
    expect(api.cancel).toHaveBeenCalledWith({ operationId });
    expect(await screen.findByText('The query was cancelled and stopped; nothing was changed.')).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull());
  });

  it('exports what is shown as CSV and JSON through a Blob URL', async () => {
    const created: Blob[] = [];
    URL.createObjectURL = (blob: Blob) => {
      created.push(blob);
      return `blob:${created.length}`;
    };
    URL.revokeObjectURL = () => {};
    const clicked: string[] = [];
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      clicked.push(this.download);
    };
    renderConsole(<DataView db="main" />, { api: createFakeApi({ tables: () => TABLES, query: () => queryResult() }) });
    fireEvent.click(await screen.findByRole('button', { name: 'Query conversation_files in the SQL box' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Export shown as CSV' }));
    fireEvent.click(screen.getByRole('button', { name: 'Export shown as JSON' }));
    expect(clicked).toEqual(['query-result.csv', 'query-result.json']);
    expect(await created[0].text()).toBe('file_id,mime_type,file_size,thumbnail\nf1,,10,"x\'89504e470d0a1a0a0000000d49484452\'"\nf2,application/pdf,20,\n');
    expect(JSON.parse(await created[1].text())).toEqual(queryResult());
  });

  it("Export all asks the host for the query's whole result, downloads its address, and shows the host's progress, then how it ended", async () => {
    const clicked: string[] = [];
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      clicked.push(`${this.getAttribute('href')} as ${this.download}`);
    };
    const asked: unknown[] = [];
    const { emit } = renderConsole(<DataView db="main" />, {
      api: createFakeApi({
        tables: () => TABLES,
        query: () => queryResult(),
        exportResult: (input) => {
          asked.push(input);
          return { fileName: 'main-query.csv', download: '/api/download/abc', savedTo: null, rows: null };
        },
      }),
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Query conversation_files in the SQL box' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Export all as CSV' }));
    await waitFor(() => expect(clicked).toEqual(['/api/download/abc as main-query.csv']));
    const { operationId, ...input } = asked[0] as { operationId: string };
    expect(input).toEqual({ db: 'main', format: 'csv', sql: queryResult().sql });
    const progress = (done: number, phase: string) =>
      act(() => emit({ type: 'progress', operationId, db: 'main', progress: { operation: 'exportResult', phase, done, total: 0 } }));
    progress(3000, 'Exporting rows');
    expect(await screen.findByText('Exporting the query: 3,000 rows')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Export all as CSV' }).hasAttribute('disabled')).toBe(true);
    progress(4200, 'Exported');
    expect(await screen.findByText('Exported 4,200 rows of the query')).toBeTruthy();
  });

  it('keeps a SQL and a result per query tab, the tabs outlive a reload, and a run from the history opens in a new tab', async () => {
    const api = createFakeApi({
      tables: () => TABLES,
      query: ({ sql }) => queryResult({ sql, columns: ['answer'], rows: [[sql.length]] }),
      queryHistory: ({ db }) => ({
        db,
        keeps: 100,
        entries: [
          { id: 'q1', sql: 'SELECT 42', at: '2026-12-07T19:00:00.000Z', by: 'alice via warden serve', outcome: 'done', rows: 1, more: false, durationMs: 3 },
        ],
      }),
    });
    const first = renderConsole(<DataView db="main" />, { api });
    const sqlBox = () => screen.getByLabelText('SQL', { exact: true }) as HTMLTextAreaElement;
    fireEvent.change(await screen.findByLabelText('SQL', { exact: true }), { target: { value: 'SELECT 1' } });
    fireEvent.click(screen.getByRole('button', { name: 'Run' }));
    expect(await screen.findByRole('cell', { name: '8' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'New tab' }));
    expect(sqlBox().value).toBe('');
    fireEvent.change(sqlBox(), { target: { value: 'SELECT 1000' } });
    fireEvent.click(screen.getByRole('button', { name: 'Run' }));
    expect(await screen.findByRole('cell', { name: '11' })).toBeTruthy();
    // Back to the first tab: its own SQL and its own result.
    fireEvent.click(screen.getByRole('tab', { name: 'SELECT 1' }));
    expect(sqlBox().value).toBe('SELECT 1');
    expect(await screen.findByRole('cell', { name: '8' })).toBeTruthy();
    expect(screen.queryByRole('cell', { name: '11' })).toBeNull();

    first.unmount(); // a reload: the tabs come back from this browser's storage
    renderConsole(<DataView db="main" />, { api });
    expect((await screen.findAllByRole('tab')).map((t) => [t.textContent, t.getAttribute('aria-selected')])).toEqual([
      ['SELECT 1', 'true'],
      ['SELECT 1000', 'false'],
    ]);
    fireEvent.click(await screen.findByRole('button', { name: 'Open in a tab: SELECT 42' }));
    expect(screen.getAllByRole('tab').map((t) => t.textContent)).toEqual(['SELECT 1', 'SELECT 1000', 'SELECT 42']);
    expect(sqlBox().value).toBe('SELECT 42');
  });
});

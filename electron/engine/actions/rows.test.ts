import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RowsPage } from '../../../shared/types/data';
import type { WardenError } from '../errors';
import { initialize } from './initialize';
import { browseRows, rowChildren } from './rows';
import { resultOf, runCli } from '../test-support/cli';
import { CHILD_TABLES, contextFor, seedFiles, sha256File, sqlite3, tempDir } from '../test-support/fixtures';

async function seeded(files: number) {
  const dbPath = join(tempDir(), 'db.sqlite');
  const ctx = contextFor(dbPath);
  await initialize(ctx, { to: '1.1.0' }); // mime_type may still be NULL at 1.1.0
  seedFiles(dbPath, files);
  return { dbPath, ctx };
}

const ids = (page: RowsPage) => page.rows.map((row) => row[page.columns.findIndex((c) => c.name === 'file_id')]);
const lines = (text: string) => (text === '' ? [] : text.split('\n'));

async function refusal(work: () => unknown): Promise<WardenError> {
  try {
    await work();
  } catch (err) {
    return err as WardenError;
  }
  throw new Error('expected a refusal');
}

/** The pages at these offsets, one after another. */
async function pagesAt(offsets: number[], page: (offset: number) => Promise<RowsPage>): Promise<RowsPage[]> {
  const pages: RowsPage[] = [];
  for (const offset of offsets) pages.push(await page(offset));
  return pages;
}

describe('browseRows', () => {
  it('pages through a sorted table exactly as the sqlite3 shell orders it, every row once', async () => {
    const { dbPath, ctx } = await seeded(250);
    const seen: unknown[] = [];
    for (let offset = 0; offset < 300; offset += 70) {
      const page = await browseRows(ctx, { table: 'conversation_files', offset, limit: 70, sort: { column: 'file_size', direction: 'desc' } });
      expect(page.offset).toBe(offset);
      seen.push(...ids(page));
    }
    expect(seen).toEqual(lines(sqlite3(dbPath, 'SELECT file_id FROM conversation_files ORDER BY file_size DESC, file_id DESC')));
    // Past the middle a page is read from the other end and turned round: the same rows, NULLs where sqlite3 puts them.
    for (const direction of ['asc', 'desc'] as const) {
      const byMime = (
        await pagesAt([0, 70, 140, 210, 280], (offset) =>
          browseRows(ctx, { table: 'conversation_files', offset, limit: 70, sort: { column: 'mime_type', direction } }),
        )
      ).flatMap(ids);
      expect(byMime, direction).toEqual(lines(sqlite3(dbPath, `SELECT file_id FROM conversation_files ORDER BY mime_type ${direction}, file_id ${direction}`)));
    }
    const last = await browseRows(ctx, {
      table: 'conversation_files',
      offset: 240,
      limit: 70,
      sort: { column: 'mime_type', direction: 'asc' },
      withTotal: true,
    });
    expect([last.rows.length, last.total, last.offset]).toEqual([10, 250, 240]);
    expect((await browseRows(ctx, { table: 'conversation_files', offset: 900, sort: { column: 'mime_type', direction: 'asc' } })).rows).toEqual([]);
    // Ties on the sort column are broken by the primary key, so no page repeats or skips a row.
    const bySession = (
      await pagesAt([0, 100, 200], (offset) =>
        browseRows(ctx, { table: 'conversation_files', offset, limit: 100, sort: { column: 'session_id', direction: 'asc' } }),
      )
    ).flatMap(ids);
    expect(bySession).toEqual(lines(sqlite3(dbPath, 'SELECT file_id FROM conversation_files ORDER BY session_id, file_id')));
  });

  it('filters by value, by NULL and by not NULL, and counts what matches, as sqlite3 does', async () => {
    const { dbPath, ctx } = await seeded(120);
    const nulls = await browseRows(ctx, { table: 'Conversation_Files', filters: [{ column: 'MIME_TYPE', op: 'isNull' }], limit: 1000, withTotal: true });
    expect(nulls.table).toBe('conversation_files'); // names as SQLite matches them, spelled as the schema spells them
    const expected = lines(sqlite3(dbPath, 'SELECT file_id FROM conversation_files WHERE mime_type IS NULL ORDER BY file_id'));
    expect(expected.length).toBe(40);
    expect(nulls.total).toBe(40);
    expect(ids(nulls)).toEqual(expected);
    const mime = nulls.columns.findIndex((c) => c.name === 'mime_type');
    expect(nulls.rows.every((row) => row[mime] === null)).toBe(true);

    const both = await browseRows(ctx, {
      table: 'conversation_files',
      filters: [
        { column: 'session_id', op: 'eq', value: 'session-7' },
        { column: 'mime_type', op: 'notNull' },
      ],
      limit: 1000,
      withTotal: true,
    });
    expect(ids(both)).toEqual(
      lines(sqlite3(dbPath, "SELECT file_id FROM conversation_files WHERE session_id = 'session-7' AND mime_type IS NOT NULL ORDER BY file_id")),
    );
    // A number typed as text still matches an INTEGER column (the column's affinity converts it).
    const size = await browseRows(ctx, { table: 'conversation_files', filters: [{ column: 'file_size', op: 'eq', value: '1042' }], withTotal: true });
    expect(ids(size)).toEqual(['file-42']);
    const notPdf = await browseRows(ctx, {
      table: 'conversation_files',
      filters: [{ column: 'mime_type', op: 'ne', value: 'application/pdf' }],
      withTotal: true,
    });
    expect(notPdf.total).toBe(40); // IS NOT: the NULLs are not 'application/pdf' either
    const contains = await browseRows(ctx, {
      table: 'conversation_files',
      filters: [{ column: 'original_filename', op: 'contains', value: 'report-11' }],
      withTotal: true,
    });
    expect(contains.total).toBe(Number(sqlite3(dbPath, "SELECT count(*) FROM conversation_files WHERE instr(original_filename, 'report-11') > 0")));
    expect((await browseRows(ctx, { table: 'conversation_files', filters: [{ column: 'mime_type', op: 'isNull' }] })).total).toBeNull();
  });

  it('browses a view, and shows NULL, a BLOB as its size and first bytes, and integers beyond 2^53 exactly', async () => {
    const { dbPath, ctx } = await seeded(30);
    const view = await browseRows(ctx, { table: 'v_active_files', sort: { column: 'file_size', direction: 'asc' }, limit: 5, withTotal: true });
    expect(view.kind).toBe('view');
    expect(view.total).toBe(30);
    expect(ids(view)).toEqual(lines(sqlite3(dbPath, 'SELECT file_id FROM v_active_files ORDER BY file_size LIMIT 5')));

    const plain = join(tempDir(), 'plain.db');
    sqlite3(
      plain,
      "CREATE TABLE t (id INTEGER PRIMARY KEY, data BLOB, big INTEGER, note TEXT); INSERT INTO t VALUES (1, x'00ff10203040506070809a0b0c0d0e0f1011', 9007199254740993, NULL), (2, x'', -5, 'ok');",
    );
    const page = await browseRows(contextFor(plain), { table: 't' });
    expect(page.rows).toEqual([
      [1, { blob: 18, hex: '00ff10203040506070809a0b0c0d0e0f' }, '9007199254740993', null],
      [2, { blob: 0, hex: '' }, -5, 'ok'],
    ]);
    expect(page.columns.map((c) => [c.name, c.type, c.primaryKey])).toEqual([
      ['id', 'INTEGER', 1],
      ['data', 'BLOB', 0],
      ['big', 'INTEGER', 0],
      ['note', 'TEXT', 0],
    ]);
  });

  it('brings a BLOB in full, up to what blobBytes asks, as sqlite3 reads it in hex (the record pane)', async () => {
    const plain = join(tempDir(), 'blobs.db');
    sqlite3(plain, 'CREATE TABLE t (id INTEGER PRIMARY KEY, data BLOB); INSERT INTO t VALUES (1, randomblob(3000)), (2, randomblob(70000));');
    const [small, large] = (await browseRows(contextFor(plain), { table: 't', blobBytes: 65_536 })).rows.map((row) => row[1] as { blob: number; hex: string });
    expect(small).toEqual({ blob: 3000, hex: sqlite3(plain, 'SELECT lower(hex(data)) FROM t WHERE id = 1') });
    expect(large.blob).toBe(70000);
    expect(large.hex).toBe(sqlite3(plain, 'SELECT lower(hex(substr(data, 1, 65536))) FROM t WHERE id = 2'));
    // Unasked, a page brings 16 bytes of each.
    expect((await browseRows(contextFor(plain), { table: 't' })).rows[0][1]).toEqual({ blob: 3000, hex: small.hex.slice(0, 32) });
  });

  it('sorts WITHOUT ROWID tables and tables with a column named rowid the way sqlite3 does, page by page', async () => {
    const dbPath = join(tempDir(), 'shapes.db');
    sqlite3(
      dbPath,
      [
        'CREATE TABLE kv (k TEXT PRIMARY KEY, v INTEGER) WITHOUT ROWID;',
        'CREATE TABLE odd (rowid TEXT, v INTEGER);',
        'CREATE TABLE nullkeys (k TEXT PRIMARY KEY, v INTEGER, n INTEGER);',
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 90) INSERT INTO nullkeys SELECT CASE WHEN i % 3 = 0 THEN NULL ELSE 'k' || i END, i % 4, i FROM n;",
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 90) INSERT INTO kv SELECT 'k' || i, i % 7 FROM n;",
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 90) INSERT INTO odd SELECT 'r' || (i % 13), i % 7 FROM n;",
      ].join(' '),
    );
    const ctx = contextFor(dbPath);
    const pages = async (table: string) =>
      (await pagesAt([0, 40, 80], (offset) => browseRows(ctx, { table, offset, limit: 40, sort: { column: 'v', direction: 'desc' } }))).flatMap((p) =>
        p.rows.map((r) => r.join('|')),
      );
    expect(await pages('kv')).toEqual(lines(sqlite3(dbPath, 'SELECT k, v FROM kv ORDER BY v DESC, k DESC')));
    // A rowid table's PRIMARY KEY may hold several NULLs: rowid after it keeps every row once, in both halves.
    for (const direction of ['asc', 'desc'] as const) {
      const rows = (
        await pagesAt([0, 40, 80], (offset) => browseRows(ctx, { table: 'nullkeys', offset, limit: 40, sort: { column: 'v', direction } }))
      ).flatMap((p) => p.rows.map((r) => String(r[2])));
      expect(rows, direction).toEqual(lines(sqlite3(dbPath, `SELECT n FROM nullkeys ORDER BY v ${direction}, k ${direction}, rowid ${direction}`)));
    }
    // No tie-break exists here (rowid is a column): only the sort column's order is SQLite's to give.
    expect((await pages('odd')).map((r) => r.split('|')[1])).toEqual(lines(sqlite3(dbPath, 'SELECT v FROM odd ORDER BY v DESC')));
  });

  it('refuses a table, sort column or filter column the schema does not have, and writes nothing', async () => {
    const { dbPath, ctx } = await seeded(10);
    const before = sha256File(dbPath);
    const table = await refusal(() => browseRows(ctx, { table: 'conversation_files; DROP TABLE file_metadata' }));
    expect(table.code).toBe('INVALID_INPUT');
    expect(table.message).toContain('no table or view named "conversation_files; DROP TABLE file_metadata"');
    const sort = await refusal(() => browseRows(ctx, { table: 'conversation_files', sort: { column: 'file_id" DESC; --', direction: 'asc' } }));
    expect([sort.code, sort.details?.field]).toEqual(['INVALID_INPUT', 'sort']);
    expect(sort.hint).toContain('file_id, session_id');
    const filter = await refusal(() => browseRows(ctx, { table: 'conversation_files', filters: [{ column: '1=1 OR mime_type', op: 'isNull' }] }));
    expect([filter.code, filter.details?.field]).toEqual(['INVALID_INPUT', 'filters']);
    const missing = await refusal(() => browseRows(ctx, { table: 'conversation_files', filters: [{ column: 'mime_type', op: 'eq' }] }));
    expect(missing.message).toContain('needs a value');
    // A value is bound, never spliced: quotes in it match nothing and break nothing.
    expect(
      (await browseRows(ctx, { table: 'conversation_files', filters: [{ column: 'file_id', op: 'eq', value: "x' OR '1'='1" }], withTotal: true })).total,
    ).toBe(0);
    // Every browse above, and these, read only: the file is byte-identical.
    await browseRows(ctx, { table: 'file_access_log', sort: { column: 'accessed_at', direction: 'desc' }, withTotal: true });
    rowChildren(ctx, { table: 'conversation_files', row: { file_id: 'file-3' } });
    expect(sha256File(dbPath)).toBe(before);
    expect(sqlite3(dbPath, 'PRAGMA integrity_check')).toBe('ok');
  });

  it('names each foreign key to a parent, and the children of a row in every child table, counted as sqlite3 counts them', async () => {
    const { dbPath, ctx } = await seeded(60);
    const metadata = await browseRows(ctx, { table: 'file_metadata', limit: 1 });
    expect(metadata.parents).toEqual([{ from: 'file_metadata', columns: ['file_id'], table: 'conversation_files', to: ['file_id'] }]);
    // Following the key: the parent's row is the one with that file_id.
    const fileId = metadata.rows[0][metadata.columns.findIndex((c) => c.name === 'file_id')] as string;
    const parent = await browseRows(ctx, { table: 'conversation_files', filters: [{ column: 'file_id', op: 'eq', value: fileId }], withTotal: true });
    expect([parent.total, ids(parent)]).toEqual([1, [fileId]]);

    const files = await browseRows(ctx, { table: 'conversation_files', limit: 1 });
    expect(files.children.map((link) => link.from).sort()).toEqual([...CHILD_TABLES].sort());
    const report = rowChildren(ctx, { table: 'conversation_files', row: { file_id: 'file-7', session_id: 'ignored' } });
    for (const child of report.children) {
      expect(child.count, child.link.from).toBe(Number(sqlite3(dbPath, `SELECT count(*) FROM ${child.link.from} WHERE file_id = 'file-7'`)));
      expect(child.filters).toEqual([{ column: 'file_id', op: 'eq', value: 'file-7' }]);
      expect((await browseRows(ctx, { table: child.link.from, filters: child.filters, withTotal: true })).total).toBe(child.count);
    }
    expect(report.children.find((c) => c.link.from === 'file_access_log')?.count).toBe(2); // the upload (trigger) and a download
    const noKey = await refusal(() => rowChildren(ctx, { table: 'conversation_files', row: { session_id: 'session-1' } }));
    expect(noKey.message).toContain("The row's file_id is needed");
  });

  it('resolves a composite foreign key, and one that names no parent columns, to the parent primary key', async () => {
    const dbPath = join(tempDir(), 'keys.db');
    sqlite3(
      dbPath,
      [
        'CREATE TABLE account (region TEXT, number INTEGER, name TEXT, PRIMARY KEY (region, number));',
        'CREATE TABLE invoice (id INTEGER PRIMARY KEY, region TEXT, number INTEGER, FOREIGN KEY (region, number) REFERENCES account);',
        "INSERT INTO account VALUES ('eu', 1, 'a'), ('us', 1, 'b');",
        "INSERT INTO invoice VALUES (1, 'eu', 1), (2, 'eu', 1), (3, 'us', 1), (4, NULL, NULL);",
      ].join(' '),
    );
    const ctx = contextFor(dbPath);
    expect((await browseRows(ctx, { table: 'invoice' })).parents).toEqual([
      { from: 'invoice', columns: ['region', 'number'], table: 'account', to: ['region', 'number'] },
    ]);
    const [eu] = rowChildren(ctx, { table: 'account', row: { region: 'eu', number: 1 } }).children;
    expect([eu.count, eu.filters]).toEqual([
      2,
      [
        { column: 'region', op: 'eq', value: 'eu' },
        { column: 'number', op: 'eq', value: 1 },
      ],
    ]);
    expect(rowChildren(ctx, { table: 'account', row: { region: null, number: 1 } }).children[0].count).toBe(0);
  });

  it('warden rows past the last row says how many there are, never "Rows 0–50 of 30"', async () => {
    const { dbPath } = await seeded(30);
    const total = sqlite3(dbPath, 'SELECT count(*) FROM conversation_files');
    const past = runCli(['rows', '--db', dbPath, '--table', 'conversation_files', '--offset', '50']);
    expect(past.code, past.stderr).toBe(0);
    expect(past.stdout).toBe(`No rows at offset 50: conversation_files has ${total} row(s). The first: --offset 0; the last: --offset ${Number(total) - 1}.\n`);
    const none = runCli(['rows', '--db', dbPath, '--table', 'conversation_files', '--where', 'file_id=nobody', '--offset', '5']);
    expect(none.stdout).toBe('No rows in conversation_files where file_id = "nobody".\n');
  });

  it('warden rows prints a page with NULL as NULL and says where the next one starts; --json carries the page; a bad --where is a usage error', async () => {
    const { dbPath } = await seeded(30);
    const before = sha256File(dbPath);
    const text = runCli(['rows', '--db', dbPath, '--table', 'conversation_files', '--where', 'mime_type:null', '--sort', 'file_size:desc', '--limit', '3']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('Rows 1–3 of 10 in conversation_files where mime_type IS NULL, sorted by file_size desc. Next: --offset 3.');
    expect(text.stdout.split('\n')[0]).toMatch(/^file_id +session_id/);
    expect(text.stdout).toMatch(/^file-27 .* NULL /m);
    const json = runCli([
      'rows',
      '--db',
      dbPath,
      '--table',
      'conversation_files',
      '--where',
      'session_id=session-7',
      '--where',
      'original_filename~report',
      '--json',
    ]);
    expect(resultOf(json)).toMatchObject({
      table: 'conversation_files',
      total: 1,
      filters: [
        { column: 'session_id', op: 'eq', value: 'session-7' },
        { column: 'original_filename', op: 'contains', value: 'report' },
      ],
    });
    expect(runCli(['rows', '--db', dbPath, '--table', 'conversation_files', '--where', 'mime_type']).code).toBe(64);
    const unknown = runCli(['rows', '--db', dbPath, '--table', 'nope']);
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringContaining('no table or view named "nope"')]);
    expect(sha256File(dbPath)).toBe(before);
  });

  it('a view that never ends is stopped by its time limit and by Cancel, in the engine and from warden rows; its first rows still read', async () => {
    const { dbPath, ctx } = await seeded(5);
    sqlite3(dbPath, 'CREATE VIEW forever AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c;');
    const before = sha256File(dbPath);
    await expect(browseRows(ctx, { table: 'forever', withTotal: true, timeoutMs: 300 })).rejects.toMatchObject({
      code: 'CANCELLED',
      message: 'Reading the rows of forever was stopped after its time limit of 0.3 s; nothing was changed.',
    });
    const controller = new AbortController();
    const sorted = browseRows(contextFor(dbPath, undefined, { signal: controller.signal }), {
      table: 'forever',
      sort: { column: 'x', direction: 'desc' },
      timeoutMs: 60_000,
    });
    controller.abort();
    await expect(sorted).rejects.toMatchObject({ code: 'CANCELLED', message: 'Reading the rows of forever was cancelled and stopped; nothing was changed.' });
    expect((await browseRows(ctx, { table: 'forever', limit: 2 })).rows).toEqual([[1], [2]]);
    const cli = runCli(['rows', '--db', dbPath, '--table', 'forever', '--timeout', '0.5']);
    expect([cli.code, cli.stderr]).toEqual([2, expect.stringContaining('stopped after its time limit of 0.5 s')]);
    expect(sha256File(dbPath)).toBe(before);
  });
});

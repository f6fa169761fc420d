import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initialize } from './initialize';
import { sizes } from './sizes';
import { contextFor, seedFiles, sha256File, sqlite3, tempDir } from '../test-support/fixtures';

// The referee is the sqlite3 shell's own dbstat and pragmas.

describe('sizes', () => {
  it('is dbstat per object, to the byte, with the free list, adding up to the file; writes nothing', async () => {
    const dbPath = join(tempDir(), 'db.sqlite');
    const ctx = contextFor(dbPath);
    await initialize(ctx);
    seedFiles(dbPath, 600);
    sqlite3(dbPath, 'DELETE FROM file_access_log'); // its pages go to the free list
    const before = sha256File(dbPath);
    const report = sizes(ctx);
    expect(sha256File(dbPath)).toBe(before);

    expect(report.measured).toBe(true);
    const referee = sqlite3(dbPath, 'SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY name')
      .split('\n')
      .map((line) => line.split('|'));
    expect(report.objects.map((o) => [o.name, String(o.bytes)]).sort((a, b) => a[0].localeCompare(b[0]))).toEqual(referee);
    expect(report.objects.map((o) => o.bytes)).toEqual([...report.objects.map((o) => o.bytes)].sort((a, b) => b - a));

    expect(report.freePages).toBe(Number(sqlite3(dbPath, 'PRAGMA freelist_count')));
    expect(report.freePages).toBeGreaterThan(0);
    expect(report.freeBytes).toBe(report.freePages * Number(sqlite3(dbPath, 'PRAGMA page_size')));
    expect(report.bytes).toBe(statSync(dbPath).size);
    expect(report.objects.reduce((sum, o) => sum + o.bytes, 0) + report.freeBytes).toBe(report.bytes);

    const kind = (name: string) => report.objects.find((o) => o.name === name);
    expect(kind('conversation_files')).toMatchObject({ kind: 'table', table: 'conversation_files' });
    expect(kind('idx_conversation_files_hash')).toMatchObject({ kind: 'index', table: 'conversation_files' });
    expect(kind('sqlite_autoindex_conversation_files_1')).toMatchObject({ kind: 'index', table: 'conversation_files' });
    expect(report.objects.filter((o) => o.kind === 'schema').map((o) => o.name)).toEqual([sqlite3(dbPath, 'SELECT name FROM dbstat WHERE pageno = 1')]);
  });

  it('after VACUUM (by the sqlite3 shell) the free list it reported is gone from the file', async () => {
    const dbPath = join(tempDir(), 'db.sqlite');
    const ctx = contextFor(dbPath);
    await initialize(ctx);
    seedFiles(dbPath, 400);
    sqlite3(dbPath, 'DELETE FROM file_access_log');
    const before = sizes(ctx);
    sqlite3(dbPath, 'VACUUM');
    const after = sizes(ctx);
    expect(after.freePages).toBe(0);
    expect(before.bytes - after.bytes).toBeGreaterThanOrEqual(before.freeBytes);
  });
});

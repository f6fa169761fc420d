import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseline } from './baseline';
import { history } from './history';
import { initialize } from './initialize';
import { migrate } from './migrate';
import { plan } from './plan';
import { status } from './status';
import { verify } from './verify';
import { contextFor, seedFiles, sha256File, sqlite3, tempDir } from '../test-support/fixtures';
import { startChatService } from '../test-support/chat-service';
import { buildUnversioned, tableCounts } from '../test-support/schema-variants';

describe('a database built by the chat service, adopted by hand', () => {
  it('is recognized as legacy, adopted as 1.0.0 and migrated to 1.2.0 with every row kept', async () => {
    const dbPath = join(tempDir(), 'conversation_files.db');
    startChatService(dbPath);
    seedFiles(dbPath, 500);
    const ctx = contextFor(dbPath);
    const counts = tableCounts(dbPath);

    const before = status(ctx);
    expect(before).toMatchObject({
      status: 'degraded',
      version: null,
      legacy: { table: 'schema_migrations', legacyVersion: '001', version: '1.0.0' },
      adoptable: true,
      problems: [],
    });
    expect(before.reason).toContain('init adopts it as 1.0.0');
    expect(plan(ctx)).toMatchObject({ adopt: { version: '1.0.0' }, blockers: [] });

    const adopted = baseline(ctx, { version: '1.0.0' });
    expect(adopted).toEqual({ path: dbPath, version: '1.0.0', adoptedFrom: { table: 'schema_migrations', legacyVersion: '001', version: '1.0.0' } });
    const record = history(ctx);
    expect(record.versions).toEqual([expect.objectContaining({ version: '1.0.0', kind: 'baseline', checksum: ctx.schema.migrations[0].checksum })]);
    expect(record.events[0]).toMatchObject({
      action: 'baseline',
      version: '1.0.0',
      outcome: 'ok',
      detail: { adoptedFrom: adopted.adoptedFrom, automatic: false },
    });
    expect(sqlite3(dbPath, 'PRAGMA user_version')).toBe('1000000');
    expect(Number(sqlite3(dbPath, 'PRAGMA application_id'))).toBe(ctx.schema.applicationId);
    // Adopted, with nothing wrong in its schema; never backed up is its one finding.
    expect(status(ctx)).toMatchObject({
      version: '1.0.0',
      pending: ['1.1.0', '1.2.0'],
      problems: [expect.objectContaining({ kind: 'backup', severity: 'warning' })],
    });

    expect((await migrate(ctx)).applied.map((s) => s.version)).toEqual(['1.1.0', '1.2.0']);
    const after = tableCounts(dbPath);
    const { schema_migrations: _serviceRows, ...files } = counts; // the service's table gains 1.1.0 and 1.2.0
    for (const [table, rows] of Object.entries(files)) expect(after[table]).toBe(rows);
    expect(sqlite3(dbPath, 'SELECT group_concat(version) FROM schema_migrations ORDER BY migration_id')).toBe('001,1.1.0,1.2.0');
    expect(sqlite3(dbPath, "SELECT count(*) FROM conversation_files WHERE mime_type = 'application/octet-stream'")).toBe(String(Math.ceil(500 / 3)));
    expect(await verify(ctx, 'full')).toMatchObject({ status: 'healthy', problems: [] });
    expect(sqlite3(dbPath, 'PRAGMA integrity_check')).toBe('ok');
  });
});

describe('baseline refuses what is not exactly version V', () => {
  it('1.1.0 tables are not 1.0.0 (their file_access_log CHECK differs): refused, listed, pointed at 1.1.0, file unchanged', () => {
    const dbPath = join(tempDir(), 'db.sqlite');
    buildUnversioned(dbPath, '1.1.0');
    const before = sha256File(dbPath);
    let error: unknown;
    try {
      baseline(contextFor(dbPath), { version: '1.0.0' });
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({
      code: 'SCHEMA_DRIFT',
      hint: 'Its schema matches version 1.1.0 exactly: adopt it at 1.1.0.',
      next: [{ action: 'baseline', version: '1.1.0' }],
    });
    const message = (error as Error).message;
    expect(message).toContain('does not match version 1.0.0, so it was not adopted (2 differences)');
    expect(message).toContain("CHECK access_type in ('upload', 'download', 'view', 'delete', 'restore') on table file_access_log is missing.");
    expect(message).toContain(
      "CHECK access_type in ('upload', 'download', 'view', 'delete', 'restore', 'reference') on table file_access_log exists but is not part of the expected schema.",
    );
    expect(sha256File(dbPath)).toBe(before);

    baseline(contextFor(dbPath), { version: '1.1.0' });
    const next = plan(contextFor(dbPath));
    expect(next).toMatchObject({ from: '1.1.0', blockers: [] });
    expect(next.steps.map((s) => s.version)).toEqual(['1.2.0']);
  });

  it('a database that differs from every version lists each difference and suggests none', () => {
    const dbPath = join(tempDir(), 'db.sqlite');
    buildUnversioned(dbPath, '1.0.0');
    sqlite3(dbPath, 'DROP INDEX idx_file_metadata_file_id; CREATE TABLE notes (id INTEGER PRIMARY KEY); ALTER TABLE file_metadata ADD COLUMN source TEXT;');
    const before = sha256File(dbPath);
    expect(() => baseline(contextFor(dbPath), { version: '1.0.0' })).toThrow(
      expect.objectContaining({
        code: 'SCHEMA_DRIFT',
        message: expect.stringMatching(
          /\(3 differences\): - Column file_metadata.source exists.* - Table notes exists.* - Index idx_file_metadata_file_id is missing\./,
        ),
        hint: expect.stringContaining('Bring the schema in line with 1.0.0'),
        details: { problems: expect.any(Array) },
      }),
    );
    expect(sha256File(dbPath)).toBe(before);
  });

  it('adopts what differs only in formatting', () => {
    const dbPath = join(tempDir(), 'db.sqlite');
    startChatService(dbPath);
    sqlite3(dbPath, 'DROP TABLE schema_migrations');
    expect(baseline(contextFor(dbPath), { version: '1.0.0' })).toMatchObject({ version: '1.0.0', adoptedFrom: null });
  });

  it('refuses a versioned database, an empty one and an unknown version, changing nothing', async () => {
    const versioned = join(tempDir(), 'v.db');
    await initialize(contextFor(versioned), { to: '1.1.0' });
    const before = sha256File(versioned);
    expect(() => baseline(contextFor(versioned), { version: '1.1.0' })).toThrow(expect.objectContaining({ code: 'ALREADY_VERSIONED' }));
    expect(sha256File(versioned)).toBe(before);
    const empty = join(tempDir(), 'e.db');
    sqlite3(empty, 'PRAGMA user_version = 0');
    expect(() => baseline(contextFor(empty), { version: '1.0.0' })).toThrow(expect.objectContaining({ code: 'NOT_INITIALIZED' }));
    expect(() => baseline(contextFor(empty), { version: '0.9.0' })).toThrow(expect.objectContaining({ code: 'UNKNOWN_VERSION' }));
  });
});

import { chmodSync, cpSync, existsSync, mkdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../shared/errors';
import { initialize } from './actions/initialize';
import { migrate } from './actions/migrate';
import { loadSchema } from './core/schema/schema-folder';
import { status } from './actions/status';
import { contextFor, sha256File, SHIPPED_SCHEMA_DIR, sqlite3, tempDir } from './test-support/fixtures';
import { OPERATIONS } from './test-support/operations';

// Every bad input of DESIGN.md gets its error code, a sentence naming the file, and leaves the
// file byte-for-byte as it was.

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000a49444154789c6300010000050001' + '00'.repeat(200), 'hex');

async function initializedDb(version = '1.2.0'): Promise<string> {
  const dbPath = join(tempDir(), 'db.sqlite');
  await initialize(contextFor(dbPath), { to: version });
  return dbPath;
}

interface Case {
  name: string;
  make: () => string | Promise<string>;
  code: ErrorCode;
  operations: string[];
  busyTimeoutMs?: number;
}

const CASES: Case[] = [
  {
    name: 'a PNG renamed .db',
    make: () => {
      const path = join(tempDir(), 'photo.db');
      writeFileSync(path, PNG);
      return path;
    },
    code: 'NOT_A_DATABASE',
    operations: ['initialize', 'migrate', 'status', 'verify', 'history'],
  },
  {
    name: 'a text file shorter than a SQLite header',
    make: () => {
      const path = join(tempDir(), 'notes.db');
      writeFileSync(path, 'hello');
      return path;
    },
    code: 'NOT_A_DATABASE',
    operations: ['initialize', 'status'],
  },
  {
    name: 'a truncated database',
    make: async () => {
      const path = await initializedDb();
      truncateSync(path, 4096 * 3);
      return path;
    },
    code: 'CORRUPT',
    operations: ['initialize', 'migrate', 'verify', 'history'], // status reports it as unhealthy: status-integrity.test.ts
  },
  {
    name: 'a folder',
    make: () => {
      const path = join(tempDir(), 'folder.db');
      mkdirSync(path);
      return path;
    },
    code: 'IS_DIRECTORY',
    operations: ['initialize', 'migrate', 'status', 'verify'],
  },
  {
    name: 'a read-only file',
    make: async () => {
      const path = await initializedDb('1.0.0');
      chmodSync(path, 0o444);
      return path;
    },
    code: 'READ_ONLY',
    operations: ['initialize', 'migrate'],
  },
  {
    name: 'a database newer than the schemas this tool knows',
    make: async () => {
      const path = await initializedDb();
      sqlite3(path, "INSERT INTO schema_version (version, applied_at) VALUES ('9.0.0', '2030-01-01T00:00:00.000Z')");
      return path;
    },
    code: 'NEWER_THAN_KNOWN',
    operations: ['initialize', 'migrate'],
  },
  {
    name: "another application's database",
    make: async () => {
      const path = await initializedDb();
      sqlite3(path, 'PRAGMA application_id = 1234');
      return path;
    },
    code: 'FOREIGN_APPLICATION',
    operations: ['initialize', 'migrate', 'status', 'verify'],
  },
  {
    name: 'an unversioned database with tables of its own',
    make: () => {
      const path = join(tempDir(), 'app.db');
      sqlite3(path, 'CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)');
      return path;
    },
    code: 'NOT_VERSIONED',
    operations: ['initialize', 'migrate'],
  },
  {
    name: 'a path that does not exist (for commands that need a database)',
    make: () => join(tempDir(), 'missing.db'),
    code: 'NOT_FOUND',
    operations: ['migrate', 'verify', 'history'],
  },
];

describe('bad databases', () => {
  for (const c of CASES) {
    for (const operation of c.operations) {
      it(`${operation} on ${c.name} → ${c.code}, file unchanged`, async () => {
        const path = await c.make();
        const before = existsSync(path) && statSync(path).isFile() ? sha256File(path) : null;
        let thrown: unknown;
        try {
          await OPERATIONS[operation](contextFor(path));
        } catch (err) {
          thrown = err;
        }
        expect(thrown).toMatchObject({ code: c.code });
        expect((thrown as Error).message).toContain(path);
        expect((thrown as { hint?: string }).hint).toBeTruthy();
        if (before) expect(sha256File(path)).toBe(before);
        else if (c.code === 'NOT_FOUND') expect(existsSync(path)).toBe(false);
      });
    }
  }

  it('a database locked by another connection → LOCKED after the busy timeout, file unchanged', async () => {
    const path = await initializedDb('1.0.0');
    const before = sha256File(path);
    const holder = new Database(path);
    holder.exec('BEGIN EXCLUSIVE');
    try {
      for (const operation of ['initialize', 'migrate', 'status'] as const) {
        await expect(Promise.resolve().then(() => OPERATIONS[operation](contextFor(path, undefined, { busyTimeoutMs: 100 })))).rejects.toMatchObject({
          code: 'LOCKED',
        });
      }
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    expect(sha256File(path)).toBe(before);
  });

  it('status of a database newer than known says so and is unhealthy', async () => {
    const path = await initializedDb();
    sqlite3(path, "INSERT INTO schema_version (version, applied_at) VALUES ('9.0.0', '2030-01-01T00:00:00.000Z')");
    expect(status(contextFor(path))).toMatchObject({ status: 'unhealthy', version: '9.0.0', reason: expect.stringContaining('newer') });
  });

  it('a zero-byte file is an empty database: status says not initialized, init fills it', async () => {
    const path = join(tempDir(), 'empty.db');
    writeFileSync(path, '');
    expect(status(contextFor(path)).status).toBe('not_initialized');
    expect((await initialize(contextFor(path))).to).toBe('1.2.0');
  });
});

describe('bad schema folders', () => {
  function schemaCopy(edit: (dir: string) => void): string {
    const dir = join(tempDir(), 'schema');
    cpSync(SHIPPED_SCHEMA_DIR, dir, { recursive: true });
    edit(dir);
    return dir;
  }

  const cases: [string, (dir: string) => void, ErrorCode, RegExp][] = [
    ['no schema.json', (dir) => rmSync(join(dir, 'schema.json')), 'SCHEMA_NOT_FOUND', /schema\.json is missing/],
    ['schema.json that is not JSON', (dir) => writeFileSync(join(dir, 'schema.json'), '{ name: '), 'SCHEMA_INVALID', /not JSON/],
    [
      'schema.json without an application id',
      (dir) => writeFileSync(join(dir, 'schema.json'), JSON.stringify({ name: 'x', title: 'X' })),
      'SCHEMA_INVALID',
      /applicationId/,
    ],
    ['a badly named migration', (dir) => writeFileSync(join(dir, 'migrations/1.3__oops.sql'), 'SELECT 1;'), 'SCHEMA_INVALID', /1\.3__oops\.sql/],
    ['a duplicate version', (dir) => writeFileSync(join(dir, 'migrations/1.2.0__again.sql'), 'SELECT 1;'), 'SCHEMA_INVALID', /1\.2\.0 appears twice/],
    ['no migrations folder', (dir) => rmSync(join(dir, 'migrations'), { recursive: true }), 'SCHEMA_INVALID', /no migrations\/ folder/],
  ];
  for (const [name, edit, code, message] of cases) {
    it(`${name} → ${code}`, () => {
      expect(() => loadSchema(schemaCopy(edit))).toThrow(expect.objectContaining({ code, message: expect.stringMatching(message) }));
    });
  }

  it('a migration with a syntax error is refused before the database is touched', async () => {
    const path = await initializedDb();
    const before = sha256File(path);
    const dir = schemaCopy((d) => writeFileSync(join(d, 'migrations/1.3.0__typo.sql'), 'CREATE TABEL oops (id INTEGER);'));
    await expect(migrate(contextFor(path, loadSchema(dir)))).rejects.toThrow(
      expect.objectContaining({ code: 'SCHEMA_INVALID', message: expect.stringContaining('1.3.0__typo.sql') }),
    );
    expect(sha256File(path)).toBe(before);
  });

  it('a folder that does not exist → SCHEMA_NOT_FOUND', () => {
    expect(() => loadSchema(join(tempDir(), 'nope'))).toThrow(expect.objectContaining({ code: 'SCHEMA_NOT_FOUND' }));
  });
});

import { execFileSync, spawn } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../shared/errors';
import { backup } from '../engine/actions/backup';
import type { EngineContext } from '../engine/context';
import { WardenError } from '../engine/errors';
import { history } from '../engine/actions/history';
import { initialize } from '../engine/actions/initialize';
import { migrate } from '../engine/actions/migrate';
import { restore } from '../engine/actions/restore';
import { loadSchema } from '../engine/core/schema/schema-folder';
import { status } from '../engine/actions/status';
import { verify } from '../engine/actions/verify';
import { verifyBackup } from '../engine/actions/verify-backup';
import { listBackups } from '../engine/core/backups/list-backups';
import { holdWriteLock } from '../engine/test-support/backup-fixtures';
import { errorOf, resultOf, runCli } from '../engine/test-support/cli';
import { contextFor, seedFiles, sha256File, SHIPPED_SCHEMA_DIR, sqlite3, tempDir } from '../engine/test-support/fixtures';
import { seededRandom } from '../../shared/seeded-random';
import { scaled, seedFor } from './test-support/soak';
import { OPERATIONS } from '../engine/test-support/operations';
import { OUTSIDE_STATEMENTS } from '../engine/test-support/outside-statements';

// Hostile inputs beyond bad-input.test.ts: symbolic links (to a database, to a folder, to nothing,
// in a loop), a path through a file, bit-flipped databases, a database a writer was killed in, a
// WAL database caught midway through a checkpoint, and schema folders with a gap, an upper-case
// extension, an unreadable migration or a version in disguise. Each gets its error code and a
// sentence naming the path, changes nothing, and never surfaces as an internal error.

async function failure(operation: string, ctx: EngineContext): Promise<WardenError> {
  try {
    await OPERATIONS[operation](ctx);
  } catch (err) {
    return err as WardenError;
  }
  throw new Error(`${operation} on ${ctx.dbPath} succeeded`);
}

async function initializedDb(version = '1.2.0', files = 0): Promise<string> {
  const path = join(tempDir(), 'conversation_files.db');
  await initialize(contextFor(path), { to: version });
  if (files) seedFiles(path, files);
  return path;
}

/** Every file under `dir` with its SHA-256 (symbolic links as where they point). */
function snapshot(dir: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true }) as string[]) {
    const path = join(dir, entry);
    const stats = lstatSync(path);
    entries[entry] = stats.isSymbolicLink() ? `-> ${readlinkSync(path)}` : stats.isFile() ? sha256File(path) : 'dir';
  }
  return entries;
}

/** Paths that name something other than a regular file: each must be refused before it is opened (a FIFO would hang). */
const SPECIAL_FILES: { name: string; make: () => string; message: RegExp }[] = [
  {
    name: 'a FIFO',
    make: () => {
      const path = join(tempDir(), 'pipe.db');
      execFileSync('mkfifo', [path]);
      return path;
    },
    message: /is a named pipe \(FIFO\), not a database file/,
  },
  { name: 'a character device (/dev/zero)', make: () => '/dev/zero', message: /\/dev\/zero is a character device/ },
  { name: 'a /proc file', make: () => '/proc/self/status', message: /\/proc\/self\/status is a file the kernel makes up/ },
  {
    name: 'a socket',
    make: () => {
      const path = join(tempDir(), 'socket.db');
      // The socket file stays after the process that bound it has exited.
      execFileSync('python3', ['-c', 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', path]);
      return path;
    },
    message: /is a socket, not a database file/,
  },
];

describe('symbolic links and paths that cannot name a database', () => {
  it('a link to a database works on the database it points at: migrated in place, backed up beside the link, restored through it', async () => {
    const target = await initializedDb('1.0.0', 30);
    const link = join(tempDir(), 'linked.db');
    symlinkSync(target, link);
    const ctx = contextFor(link);
    const migrated = await initialize(ctx);
    expect(migrated).toMatchObject({ from: '1.0.0', to: '1.2.0' });
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(sqlite3(target, 'SELECT max(version) FROM schema_version')).toBe('1.2.0');
    expect(migrated.backup!.path.startsWith(`${link}.backups/`)).toBe(true);
    expect(await verify(ctx, 'full')).toMatchObject({ status: 'healthy', version: '1.2.0' });
    const restored = await restore(ctx, { backup: migrated.backup!.path });
    expect(restored.version).toBe('1.0.0');
    // The restore wrote into the file the link names; the link is still a link.
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(sqlite3(target, 'SELECT max(version) FROM schema_version')).toBe('1.0.0');
    expect(sqlite3(target, 'PRAGMA integrity_check')).toBe('ok');
  });

  interface PathCase {
    name: string;
    make: () => { path: string; watch: string };
    code: ErrorCode;
    message: RegExp;
    operations: string[];
  }
  const CASES: PathCase[] = [
    {
      name: 'a link to a folder',
      make: () => {
        const dir = tempDir();
        mkdirSync(join(dir, 'folder'));
        symlinkSync(join(dir, 'folder'), join(dir, 'folder-link.db'));
        return { path: join(dir, 'folder-link.db'), watch: dir };
      },
      code: 'IS_DIRECTORY',
      message: /is a folder/,
      operations: ['initialize', 'migrate', 'status', 'verify', 'history', 'backup'],
    },
    {
      name: 'a link to nothing (a volume that is not mounted)',
      make: () => {
        const dir = tempDir();
        mkdirSync(join(dir, 'volume'));
        symlinkSync(join(dir, 'volume', 'conversation_files.db'), join(dir, 'dangling.db'));
        return { path: join(dir, 'dangling.db'), watch: dir };
      },
      code: 'NOT_FOUND',
      message: /is a symbolic link to .*volume\/conversation_files\.db, which does not exist/,
      operations: ['initialize', 'migrate', 'status', 'verify', 'history', 'backup'],
    },
    {
      name: 'a link to itself',
      make: () => {
        const dir = tempDir();
        symlinkSync(join(dir, 'loop.db'), join(dir, 'loop.db'));
        return { path: join(dir, 'loop.db'), watch: dir };
      },
      code: 'NOT_FOUND',
      message: /symbolic links lead round in a loop/,
      operations: ['initialize', 'migrate', 'status', 'verify', 'history', 'backup'],
    },
    {
      name: 'a path through a file',
      make: () => {
        const dir = tempDir();
        writeFileSync(join(dir, 'notes.txt'), 'not a folder');
        return { path: join(dir, 'notes.txt', 'conversation_files.db'), watch: dir };
      },
      code: 'NOT_FOUND',
      message: /a part of the path before the file name is a file/,
      operations: ['initialize', 'migrate', 'status', 'verify', 'history', 'backup'],
    },
    ...SPECIAL_FILES.map(
      (special): PathCase => ({
        name: special.name,
        make: () => ({ path: special.make(), watch: tempDir() }),
        code: 'NOT_REGULAR_FILE',
        message: special.message,
        operations: ['initialize', 'migrate', 'status', 'verify', 'history', 'backup'],
      }),
    ),
  ];
  for (const c of CASES) {
    it(`${c.name} → ${c.code} for ${c.operations.join(', ')}; nothing created or changed`, async () => {
      const { path, watch } = c.make();
      const before = snapshot(watch);
      for (const operation of c.operations) {
        const err = await failure(operation, contextFor(path));
        expect(err, `${operation}: ${String(err)}`).toBeInstanceOf(WardenError);
        expect(err.code, `${operation}: ${err.message}`).toBe(c.code);
        expect(err.message).toContain(path);
        expect(err.message).toMatch(c.message);
        expect(err.hint).toBeTruthy();
      }
      expect(snapshot(watch)).toEqual(before);
      // Before the check, SQLite left a -journal beside /dev/zero.
      for (const suffix of ['-journal', '-wal', '-shm']) expect(existsSync(`${path}${suffix}`), `${path}${suffix}`).toBe(false);
    });
  }

  for (const special of SPECIAL_FILES) {
    it(`${special.name} as a backup → NOT_REGULAR_FILE from verify-backup and restore, at once`, async () => {
      const ctx = contextFor(await initializedDb('1.0.0', 5));
      const before = sha256File(ctx.dbPath);
      const path = special.make();
      for (const run of [() => verifyBackup(ctx, { backup: path }), () => restore(ctx, { backup: path })]) {
        await expect(run()).rejects.toMatchObject({ code: 'NOT_REGULAR_FILE', message: expect.stringMatching(special.message) });
      }
      expect(sha256File(ctx.dbPath)).toBe(before);
    });
  }

  it('a symbolic link inside the backup folder (the backup, or its manifest) is never followed: not listed, refused by verify-backup and restore', async () => {
    const ctx = contextFor(await initializedDb('1.2.0', 5));
    const elsewhere = contextFor(await initializedDb('1.0.0', 5));
    const outside = await backup(elsewhere);
    const folder = `${ctx.dbPath}.backups`;
    mkdirSync(folder);
    // A link to a good backup elsewhere, with a copy of its honest manifest; and a copy with a linked manifest.
    symlinkSync(outside.path, join(folder, 'linked.sqlite'));
    copyFileSync(`${outside.path}.json`, join(folder, 'linked.sqlite.json'));
    copyFileSync(outside.path, join(folder, 'copied.sqlite'));
    symlinkSync(`${outside.path}.json`, join(folder, 'copied.sqlite.json'));
    const live = sha256File(ctx.dbPath);
    const target = sha256File(outside.path);
    const before = snapshot(folder);

    expect(listBackups(ctx)).toEqual([]);
    for (const name of ['linked.sqlite', 'copied.sqlite', join(folder, 'linked.sqlite')]) {
      for (const run of [() => verifyBackup(ctx, { backup: name }), () => restore(ctx, { backup: name })]) {
        await expect(run(), name).rejects.toMatchObject({
          code: 'BACKUP_INVALID',
          message: expect.stringMatching(/is a symbolic link \(to .*\): a backup in the backup folder is never followed out of it/),
        });
      }
    }
    expect(snapshot(folder)).toEqual(before);
    expect(sha256File(ctx.dbPath)).toBe(live);
    expect(sha256File(outside.path)).toBe(target);
  });

  it('a newline in a path is shown escaped in text output: no forged `Status HEALTHY` line (before: printed as its own line)', () => {
    const dir = tempDir();
    const path = join(dir, 'x\nStatus     HEALTHY: all good\n\u001b[2K.db');
    const run = runCli(['status', '--db', path]);
    expect(run.code, run.stderr).toBe(1);
    const lines = run.stdout.split('\n');
    expect(lines.filter((line) => line.startsWith('Status'))).toEqual([expect.stringMatching(/^Status +NOT INITIALIZED: /)]);
    expect(run.stdout).toContain('x\\nStatus     HEALTHY: all good\\n\\u001b[2K.db');
    expect(run.stdout).not.toContain('\u001b');
    // Errors and the JSON document: escaped on the terminal, exact in JSON.
    const failed = runCli(['verify', '--db', path, '--json']);
    expect(failed.code).toBe(2);
    expect(failed.stderr.split('\n')[0]).toContain('x\\nStatus');
    expect(errorOf(failed).message).toContain(path);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('bidi overrides and invisible characters in names and values are shown escaped in text output (before: passed through, reordering what followed)', async () => {
    const path = join(tempDir(), 'bidi.db');
    expect(runCli(['init', '--db', path]).code).toBe(0);
    sqlite3(path, 'CREATE TABLE "invoice\u202Efdp.exe\u200B" (x); INSERT INTO "invoice\u202Efdp.exe\u200B" VALUES (\'a\u2066b\ufeffc\');');
    const hidden = /[\u202e\u200b\u2066\ufeff]/;
    for (const args of [['status'], ['tables'], ['query', '--sql', 'SELECT x FROM "invoice\u202Efdp.exe\u200B"']]) {
      const run = runCli([...args, '--db', path]);
      expect(run.stdout, args[0]).not.toMatch(hidden);
      expect(run.stdout, args[0]).toMatch(/\\u202e|\\u2066/);
    }
    // JSON stays exact: a program reading it gets the name as it is.
    expect(resultOf(runCli(['tables', '--db', path, '--json'])).tables.map((t: { name: string }) => t.name)).toContain('invoice\u202Efdp.exe\u200B');
  });

  it('the command line says so with exit code 2, for a link loop and a link to nothing', () => {
    const dir = tempDir();
    symlinkSync(join(dir, 'loop.db'), join(dir, 'loop.db'));
    symlinkSync(join(dir, 'missing', 'x.db'), join(dir, 'dangling.db'));
    for (const [command, path] of [
      ['status', 'loop.db'],
      ['init', 'dangling.db'],
    ]) {
      const run = runCli([command, '--db', join(dir, path), '--json']);
      expect(run.code, run.stderr).toBe(2);
      expect(errorOf(run).code).toBe('NOT_FOUND');
    }
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });
});

describe('a database locked by another process', () => {
  it('migrate waits out its busy timeout, then LOCKED (exit 3: try again) naming the wait, --busy-timeout and the backup it took first; status still reads; the file unchanged', async () => {
    const path = await initializedDb('1.0.0', 10);
    const before = sha256File(path);
    const holder = await holdWriteLock(path, 20_000);
    try {
      const started = performance.now();
      const run = runCli(['migrate', '--db', path, '--busy-timeout', '300', '--json']);
      expect(run.code, run.stderr).toBe(3);
      const error = errorOf(run);
      expect(error.code).toBe('LOCKED');
      expect(error.message).toContain('It waited 300 ms for the lock (--busy-timeout 300).');
      expect(error.hint).toMatch(/restore the backup taken first, .*pre-migrate\.sqlite\./);
      expect(error.next).toEqual([{ action: 'restore', backup: expect.stringMatching(/pre-migrate\.sqlite$/) }]);
      expect(run.stderr).toMatch(/next: warden restore --db .* --backup .*pre-migrate\.sqlite\n/);
      expect(error.hint).toContain('To wait longer, run it again with a larger --busy-timeout (milliseconds, up to 86,400,000).');
      expect(performance.now() - started).toBeGreaterThan(300);
      // A write lock (BEGIN IMMEDIATE) does not stop readers.
      expect(status(contextFor(path))).toMatchObject({ status: 'degraded', version: '1.0.0' });
    } finally {
      holder.kill('SIGKILL');
    }
    expect(sha256File(path)).toBe(before);
  });
});

describe("tables of another tool under Schema Warden's names", () => {
  // Flyway (before 5) kept its history in a table named schema_version, with columns of its own.
  const FLYWAY = `CREATE TABLE schema_version (installed_rank INT NOT NULL PRIMARY KEY, version VARCHAR(50), description VARCHAR(200) NOT NULL,
      type VARCHAR(20) NOT NULL, script VARCHAR(1000) NOT NULL, checksum INT, installed_by VARCHAR(100) NOT NULL,
      installed_on TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP, execution_time INT NOT NULL, success BOOLEAN NOT NULL);
    INSERT INTO schema_version VALUES (1, '1', 'init', 'SQL', 'V1__init.sql', 12345, 'ops', '2024-01-01', 5, 1);
    CREATE TABLE users (id INTEGER PRIMARY KEY);`;

  it("another tool's schema_version table → SCHEMA_DRIFT (before: an internal error), the file unchanged", async () => {
    const path = join(tempDir(), 'flyway.db');
    sqlite3(path, FLYWAY);
    const before = sha256File(path);
    for (const operation of ['initialize', 'migrate', 'status', 'verify', 'history', 'backup']) {
      const err = await failure(operation, contextFor(path));
      expect(err, `${operation}: ${String(err)}`).toBeInstanceOf(WardenError);
      expect(err.code, `${operation}: ${err.message}`).toBe('SCHEMA_DRIFT');
      expect(err.message).toMatch(/its versions or events table was made by another tool/);
      expect(err.message).toContain(path);
    }
    expect(sha256File(path)).toBe(before);
    // The refused backup keeps nothing (its folder may have been made before the copy was checked).
    expect(existsSync(`${path}.backups`) ? readdirSync(`${path}.backups`) : []).toEqual([]);
  });

  it('a foreign key edited by hand to name a parent column that is not unique → SCHEMA_DRIFT from verify --full (before: an internal error)', async () => {
    const path = await initializedDb('1.2.0', 5);
    sqlite3(
      path,
      "PRAGMA writable_schema = ON; UPDATE sqlite_master SET sql = replace(sql, 'REFERENCES conversation_files(file_id)', 'REFERENCES conversation_files(original_filename)') WHERE name = 'file_metadata';",
    );
    const before = sha256File(path);
    const err = await failure('verify', contextFor(path));
    expect(err).toBeInstanceOf(WardenError);
    expect(err.code).toBe('SCHEMA_DRIFT');
    expect(err.message).toMatch(/foreign key mismatch - "file_metadata" referencing "conversation_files"/);
    expect(sha256File(path)).toBe(before);
  });

  it('a schema_events table of another shape → SCHEMA_DRIFT for history, the file unchanged', async () => {
    const path = await initializedDb('1.2.0');
    sqlite3(path, 'DROP TABLE schema_events; CREATE TABLE schema_events (id INTEGER PRIMARY KEY, payload TEXT);');
    const before = sha256File(path);
    expect((await failure('history', contextFor(path))).code).toBe('SCHEMA_DRIFT');
    expect(sha256File(path)).toBe(before);
  });
});

/** The b-tree pages of a table or index, by type, from SQLite's dbstat. */
function pagesOf(path: string, name: string, type: 'leaf' | 'internal'): number[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT pageno FROM dbstat WHERE name = ? AND pagetype = ? ORDER BY pageno').pluck().all(name, type) as number[];
  } finally {
    db.close();
  }
}

function flipBytes(path: string, offset: number, count: number): void {
  const bytes = readFileSync(path);
  for (let k = 0; k < count; k++) bytes[offset + k] ^= 0xff;
  writeFileSync(path, bytes);
}

const PAGE = 4096;

describe('bit-flipped databases', () => {
  /** verify --full finds the damage: CORRUPT thrown, or a report that is unhealthy with a failed check. */
  async function expectDamageFound(path: string): Promise<string> {
    const before = sha256File(path);
    let outcome: string;
    try {
      const report = await verify(contextFor(path), 'full');
      expect(report.status).toBe('unhealthy');
      expect(report.integrity.ok || report.problems.length > 0).toBe(true);
      outcome = `unhealthy: ${report.problems[0]?.message}`;
    } catch (err) {
      expect(err).toBeInstanceOf(WardenError);
      expect((err as WardenError).code).toBe('CORRUPT');
      expect((err as WardenError).message).toContain(path);
      outcome = `CORRUPT: ${(err as WardenError).message}`;
    }
    expect(sha256File(path)).toBe(before);
    return outcome;
  }

  it('flipped b-tree page headers (a table leaf, an index leaf, an interior page) and the root of sqlite_schema are found; the file is unchanged', async () => {
    const healthy = await initializedDb('1.2.0', 2000);
    const damaged = (label: string, offset: number, count: number) => {
      const copy = join(tempDir(), `${label}.db`);
      copyFileSync(healthy, copy);
      flipBytes(copy, offset, count);
      return copy;
    };
    const tableLeaf = pagesOf(healthy, 'conversation_files', 'leaf')[3];
    const indexLeaf = pagesOf(healthy, 'idx_file_access_log_file', 'leaf')[0];
    const interior = pagesOf(healthy, 'file_access_log', 'internal')[0];
    expect([tableLeaf, indexLeaf, interior].every((p) => p > 1)).toBe(true);

    const outcomes = [
      await expectDamageFound(damaged('table-leaf', (tableLeaf - 1) * PAGE, 8)),
      await expectDamageFound(damaged('index-leaf', (indexLeaf - 1) * PAGE, 8)),
      await expectDamageFound(damaged('interior', (interior - 1) * PAGE + 8, 4)),
      // sqlite_schema's root: page 1, its b-tree header after the 100-byte file header.
      await expectDamageFound(damaged('schema-root', 100, 4)),
      // The header's schema format number (before: "unsupported file format", an internal error).
      await expectDamageFound(damaged('schema-format', 47, 1)),
    ];
    expect(outcomes.some((o) => o.startsWith('CORRUPT'))).toBe(true);
    // The command line: exit 2, the file unchanged.
    const copy = damaged('cli', (tableLeaf - 1) * PAGE, 8);
    const before = sha256File(copy);
    const run = runCli(['verify', '--full', '--db', copy, '--json']);
    expect(run.code, run.stderr).toBe(2);
    expect(sha256File(copy)).toBe(before);
  });

  it('random bit flips anywhere: an error code or a report, never an internal error, the file unchanged', async () => {
    const random = seededRandom(seedFor('bit flips'));
    const healthy = await initializedDb('1.2.0', 500);
    const size = readFileSync(healthy).length;
    const outcomes = new Map<string, number>();
    const rounds = scaled(40, 1000);
    const dir = tempDir();
    for (let round = 0; round < rounds; round++) {
      const copy = join(dir, `flip-${round}.db`);
      copyFileSync(healthy, copy);
      const bytes = readFileSync(copy);
      const flips = 1 + Math.floor(random() * 8);
      const offsets: number[] = [];
      for (let k = 0; k < flips; k++) {
        // Half the flips land in page 1 (header and schema), where they matter most.
        const offset = random() < 0.5 ? Math.floor(random() * PAGE) : Math.floor(random() * size);
        bytes[offset] ^= 1 << Math.floor(random() * 8);
        offsets.push(offset);
      }
      writeFileSync(copy, bytes);
      const before = sha256File(copy);
      for (const operation of ['status', 'verify', 'history'] as const) {
        let outcome: string;
        try {
          const ctx = contextFor(copy);
          outcome =
            operation === 'status'
              ? status(ctx).status
              : operation === 'verify'
                ? (await verify(ctx, 'full')).status
                : `${history(ctx).events.length > 0 ? 'read' : 'empty'}`;
        } catch (err) {
          if (!(err instanceof WardenError)) throw new Error(`${operation} after flipping bytes at ${offsets.join(', ')}: ${String(err)}`);
          expect(err.code, `${operation} after flipping bytes at ${offsets.join(', ')}: ${err.message}`).not.toBe('INTERNAL');
          outcome = err.code;
        }
        outcomes.set(`${operation} ${outcome}`, (outcomes.get(`${operation} ${outcome}`) ?? 0) + 1);
      }
      expect(sha256File(copy), `bytes flipped at ${offsets.join(', ')}`).toBe(before);
      rmSync(copy);
    }
    console.log(`bit flips: ${rounds} damaged copies, outcomes: ${[...outcomes].map(([o, n]) => `${o} ×${n}`).join(', ')}; every file unchanged`);
  });
});

const HOT_JOURNAL_WRITER = `
const Database = require(process.argv[2]);
const db = new Database(process.argv[3]);
db.pragma('cache_size = 10'); // a tiny cache: the transaction spills into the database file before COMMIT
db.exec('BEGIN IMMEDIATE');
db.exec("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 50000) INSERT INTO conversation_files (file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash) SELECT 'spilled-' || x, 's', 'f', 'spilled-' || x, '/f', 1, 'h' FROM c");
process.stdout.write('spilled\\n');
setInterval(() => {}, 1000);
`;

describe('databases a crash left midway', () => {
  it('a writer killed mid-transaction (hot journal): status, verify and backup read the database as it was committed', async () => {
    const path = await initializedDb('1.2.0', 20);
    const script = join(tempDir(), 'writer.cjs');
    writeFileSync(script, HOT_JOURNAL_WRITER);
    const writer = spawn(process.execPath, [script, createRequire(import.meta.url).resolve('better-sqlite3'), path], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      writer.once('exit', (code) => reject(new Error(`the writer exited with ${code}`)));
      writer.stdout!.once('data', () => resolve());
    });
    writer.removeAllListeners('exit');
    writer.kill('SIGKILL');
    await new Promise((resolve) => writer.once('close', resolve));
    expect(readFileSync(`${path}-journal`).length).toBeGreaterThan(0);

    // Before, a read-only connection failed with SQLITE_READONLY_ROLLBACK: "cannot be written".
    const ctx = contextFor(path);
    // Read as it was committed; its one finding is that it was never backed up.
    expect(status(ctx)).toMatchObject({ status: 'degraded', version: '1.2.0', problems: [expect.objectContaining({ kind: 'backup' })] });
    expect(existsSync(`${path}-journal`)).toBe(false);
    expect(await verify(ctx, 'full')).toMatchObject({ status: 'healthy', integrity: { ok: true } });
    expect((await backup(ctx)).verified?.ok).toBe(true);
    expect(sqlite3(path, "SELECT count(*) FROM conversation_files WHERE file_id LIKE 'spilled-%'")).toBe('0');
    expect(sqlite3(path, 'SELECT count(*) FROM conversation_files')).toBe('20');
  });

  it('a WAL database whose file lags its header while a checkpoint copies pages back is not "truncated"', async () => {
    const dir = tempDir();
    const live = join(dir, 'live.db');
    await initialize(contextFor(live));
    const db = new Database(live);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    db.pragma('wal_checkpoint(TRUNCATE)');
    // The database grows while its new pages are only in the -wal file.
    db.exec(
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000) INSERT INTO conversation_files (file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash) SELECT 'f-' || x, 's', 'f', 'f-' || x, '/f', 1, 'h' FROM c",
    );
    // The state a checkpoint passes through: page 1 (the header, with the new page count) copied
    // back into the file before the pages that make it longer.
    const midway = join(dir, 'midway.db');
    copyFileSync(live, midway);
    copyFileSync(`${live}-wal`, `${midway}-wal`);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const page1 = readFileSync(live).subarray(0, PAGE);
    db.close();
    const fd = openSync(midway, 'r+');
    writeSync(fd, page1, 0, PAGE, 0);
    closeSync(fd);
    const header = readFileSync(midway).subarray(0, 100);
    expect(header.readUInt32BE(28) * PAGE).toBeGreaterThan(readFileSync(midway).length);

    // Before, every command refused it: CORRUPT, "truncated", restore it from a backup.
    expect(status(contextFor(midway))).toMatchObject({ status: 'degraded', version: '1.2.0', problems: [expect.objectContaining({ kind: 'backup' })] }); // never backed up: its one finding
    expect(await verify(contextFor(midway), 'full')).toMatchObject({ status: 'healthy', integrity: { ok: true } });
    expect(sqlite3(midway, 'SELECT count(*) FROM conversation_files')).toBe('20000');
    expect(sqlite3(midway, 'PRAGMA integrity_check')).toBe('ok');
  });
});

describe('hostile schema folders', () => {
  function schemaCopy(edit: (dir: string) => void): string {
    const dir = join(tempDir(), 'schema');
    cpSync(SHIPPED_SCHEMA_DIR, dir, { recursive: true });
    edit(dir);
    return dir;
  }

  // A gap: 1.1.0 is missing between 1.0.0 and 1.2.0, and the next release jumps to 2.0.0.
  // Allowed: versions are ordered as semantic versions, not counted, and a release may skip a
  // number (one withdrawn before it shipped, a jump to a new major). What must hold is that every
  // migration runs once, in order, and that a version slipped into the gap after a database passed
  // it is refused (OUT_OF_ORDER, migration-plan.test.ts).
  it('a schema folder with a gap works: fresh, stepwise across the gap, and the missing version is unknown', async () => {
    const dir = schemaCopy((d) => {
      rmSync(join(d, 'migrations/1.1.0__access_log_reference_type.sql'));
      writeFileSync(
        join(d, 'migrations/2.0.0__file_tags.sql'),
        'CREATE TABLE file_tags (file_id TEXT NOT NULL REFERENCES conversation_files(file_id) ON DELETE CASCADE, tag TEXT NOT NULL, PRIMARY KEY (file_id, tag));',
      );
    });
    const schema = loadSchema(dir);
    expect(schema.migrations.map((m) => m.version)).toEqual(['1.0.0', '1.2.0', '2.0.0']);
    const fresh = contextFor(join(tempDir(), 'fresh.db'), schema);
    expect((await initialize(fresh)).applied.map((s) => s.version)).toEqual(['1.0.0', '1.2.0', '2.0.0']);
    expect(await verify(fresh, 'full')).toMatchObject({ status: 'healthy', version: '2.0.0' });

    const stepwise = contextFor(join(tempDir(), 'stepwise.db'), schema);
    await initialize(stepwise, { to: '1.0.0' });
    seedFiles(stepwise.dbPath, 10);
    const migrated = await migrate(stepwise);
    expect(migrated.applied.map((s) => s.version)).toEqual(['1.2.0', '2.0.0']);
    expect(status(stepwise)).toMatchObject({ status: 'healthy', version: '2.0.0', pending: [], problems: [] });
    expect(sqlite3(stepwise.dbPath, 'SELECT group_concat(version) FROM (SELECT version FROM schema_version ORDER BY version)')).toBe('1.0.0,1.2.0,2.0.0');

    const before = sha256File(fresh.dbPath);
    await expect(initialize(contextFor(join(tempDir(), 'gap.db'), schema), { to: '1.1.0' })).rejects.toMatchObject({ code: 'UNKNOWN_VERSION' });
    await expect(migrate(fresh, { to: '1.1.0' })).rejects.toMatchObject({ code: 'UNKNOWN_VERSION' });
    expect(sha256File(fresh.dbPath)).toBe(before);
  });

  const cases: [string, (dir: string) => void, RegExp][] = [
    // Before, it was skipped in silence: a migration that would never run.
    [
      'a migration with an upper-case extension',
      (d) => writeFileSync(join(d, 'migrations/1.3.0__tags.SQL'), 'CREATE TABLE tags (t TEXT);'),
      /"1\.3\.0__tags\.SQL" is not <version>__<name>\.sql/,
    ],
    // Before, these two surfaced as internal errors (ENOENT, EISDIR).
    [
      'a migration that is a link to nothing',
      (d) => symlinkSync(join(d, 'nowhere.sql'), join(d, 'migrations/1.3.0__gone.sql')),
      /migrations is not valid: 1\.3\.0__gone\.sql cannot be read \(ENOENT\)/,
    ],
    [
      'a migration that is a folder',
      (d) => mkdirSync(join(d, 'migrations/1.3.0__folder.sql')),
      /migrations is not valid: 1\.3\.0__folder\.sql cannot be read \(EISDIR\)/,
    ],
    [
      'a version with a leading zero (1.2.0 in disguise)',
      (d) => writeFileSync(join(d, 'migrations/01.2.0__again.sql'), 'SELECT 1;'),
      /"01\.2\.0__again\.sql" does not start with a version/,
    ],
  ];
  for (const { sql, says } of OUTSIDE_STATEMENTS) {
    it(`a migration reaching outside its database (${sql('<dir>').split('\n')[0]}) → SCHEMA_INVALID naming file and line; nothing written anywhere`, async () => {
      const db = await initializedDb('1.2.0');
      const before = snapshot(join(db, '..'));
      const elsewhere = tempDir();
      const dir = schemaCopy((d) => writeFileSync(join(d, 'migrations/1.3.0__reach.sql'), `SELECT 1;\n${sql(elsewhere)}\n`));
      for (const command of ['migrate', 'init']) {
        const run = runCli([command, '--db', db, '--schema', dir, '--json']);
        expect(run.code, run.stderr).toBe(2);
        expect(errorOf(run)).toMatchObject({ code: 'SCHEMA_INVALID', message: expect.stringMatching(says) });
        expect(errorOf(run).message).toContain('1.3.0__reach.sql line 2');
      }
      expect(snapshot(join(db, '..'))).toEqual(before);
      expect(readdirSync(elsewhere)).toEqual([]);
    });
  }

  for (const [name, edit, message] of cases) {
    it(`${name} → SCHEMA_INVALID naming the file; the database is not touched`, async () => {
      const db = await initializedDb('1.2.0');
      const before = sha256File(db);
      const dir = schemaCopy(edit);
      expect(() => loadSchema(dir)).toThrow(expect.objectContaining({ code: 'SCHEMA_INVALID', message: expect.stringMatching(message) }));
      const run = runCli(['migrate', '--db', db, '--schema', dir, '--json']);
      expect(run.code, run.stderr).toBe(2);
      expect(errorOf(run).code).toBe('SCHEMA_INVALID');
      expect(sha256File(db)).toBe(before);
    });
  }
});

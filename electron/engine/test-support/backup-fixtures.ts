import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach } from 'vitest';
import type { EngineContext } from '../context';
import { initialize } from '../actions/initialize';
import { migrate } from '../actions/migrate';
import { loadSchema, type SchemaDefinition } from '../core/schema/schema-folder';
import { contextFor, seedFiles, SHIPPED_SCHEMA_DIR, tempDir } from './fixtures';

/**
 * A database of the shipped schema at its latest version with `files` files: seeded at 1.1.0
 * (seedFiles leaves some mime types NULL, which 1.2.0 backfills), then migrated.
 */
export async function databaseWithFiles(files: number, extra: Partial<EngineContext> = {}): Promise<EngineContext> {
  const ctx = contextFor(join(tempDir(), 'conversation_files.db'), undefined, extra);
  await initialize(ctx, { to: '1.1.0' });
  seedFiles(ctx.dbPath, files);
  await migrate(ctx, { backup: false });
  return ctx;
}

/** A schema folder in a temp dir: the shipped 1.0.0 migration first, then `later` (file name → SQL). */
export function schemaFolder(name: string, applicationId: number, later: Record<string, string> = {}): SchemaDefinition {
  const dir = join(tempDir(), name);
  mkdirSync(join(dir, 'migrations'), { recursive: true });
  writeFileSync(join(dir, 'schema.json'), JSON.stringify({ name, title: name, applicationId }));
  const initial = '1.0.0__initial_file_store.sql';
  copyFileSync(join(SHIPPED_SCHEMA_DIR, 'migrations', initial), join(dir, 'migrations', initial));
  for (const [file, sql] of Object.entries(later)) writeFileSync(join(dir, 'migrations', file), sql);
  return loadSchema(dir);
}

/** Inverts one byte of a file in place. */
export function flipByte(path: string, offset: number): void {
  const bytes = readFileSync(path);
  bytes[offset] ^= 0xff;
  writeFileSync(path, bytes);
}

/**
 * Breaks one leaf page of an index (its b-tree page header zeroed), the kind of damage
 * quick_check finds while the database still opens and its tables still read.
 */
export function damageIndexPage(path: string, index: string): void {
  const db = new Database(path, { readonly: true });
  const { pageno } = db.prepare("SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno DESC LIMIT 1").get(index) as { pageno: number };
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.close();
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, Buffer.alloc(8), 0, 8, (pageno - 1) * pageSize);
  } finally {
    closeSync(fd);
  }
}

/** Adds `count` files (and, through the triggers, their upload log rows) on an open connection. */
export function addFiles(db: Database.Database, count: number, prefix = 'added'): void {
  const insert = db.prepare(
    "INSERT INTO conversation_files (file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash) VALUES (?, 's', 'f.bin', ?, '/f', 1, 'h')",
  );
  db.transaction(() => {
    for (let k = 0; k < count; k++) insert.run(`${prefix}-${k}`, `${prefix}-stored-${k}`);
  })();
}

export function fileIds(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare('SELECT file_id FROM conversation_files ORDER BY file_id').all() as { file_id: string }[]).map((r) => r.file_id);
  } finally {
    db.close();
  }
}

const writers: ChildProcess[] = [];
afterEach(() => {
  while (writers.length) writers.pop()!.kill('SIGKILL');
});

const WRITER_SCRIPT = `
const { writeSync } = require('node:fs');
const Database = require(process.argv[2]);
const db = new Database(process.argv[3], { timeout: 30000 });
const insert = db.prepare("INSERT INTO conversation_files (file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash) VALUES (?, 'live', 'live.bin', ?, '/live', 1, 'h')");
const pauseMs = Number(process.argv[4]);
const pause = new Int32Array(new SharedArrayBuffer(4));
writeSync(1, 'ready\\n');
for (let n = 0; ; n++) {
  insert.run('live-' + String(n).padStart(9, '0'), 'live-stored-' + n);
  if (pauseMs) Atomics.wait(pause, 0, 0, pauseMs);
}
`;

/**
 * Another OS process that inserts one row per transaction into conversation_files until the
 * test ends, pausing `pauseMs` between transactions (0: none). Resolves once it is writing.
 */
export async function startContinuousWriter(dbPath: string, pauseMs = 0): Promise<ChildProcess> {
  const script = join(tempDir(), 'writer.cjs');
  writeFileSync(script, WRITER_SCRIPT);
  const child = spawn(process.execPath, [script, createRequire(import.meta.url).resolve('better-sqlite3'), dbPath, String(pauseMs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  writers.push(child);
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the writer exited with ${code}`)));
    child.stdout!.once('data', () => resolve());
  });
  return child;
}

const LOCK_HOLDER_SCRIPT = `
const { writeSync } = require('node:fs');
const Database = require(process.argv[2]);
const db = new Database(process.argv[3]);
db.exec('BEGIN ' + process.argv[5]);
writeSync(1, 'locked\\n');
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(process.argv[4]));
db.exec('COMMIT');
db.close();
`;

/** Another OS process that holds the database's write lock (BEGIN IMMEDIATE, or EXCLUSIVE) for `ms`. Resolves once it holds it. */
export async function holdWriteLock(dbPath: string, ms: number, kind: 'IMMEDIATE' | 'EXCLUSIVE' = 'IMMEDIATE'): Promise<ChildProcess> {
  const script = join(tempDir(), 'lock-holder.cjs');
  writeFileSync(script, LOCK_HOLDER_SCRIPT);
  const child = spawn(process.execPath, [script, createRequire(import.meta.url).resolve('better-sqlite3'), dbPath, String(ms), kind], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  writers.push(child);
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.stdout!.once('data', () => resolve());
  });
  return child;
}

/** Rows the writer has committed so far, as another connection sees them. */
export function committedLiveRows(dbPath: string): { count: number; last: string | null } {
  const db = new Database(dbPath, { readonly: true, timeout: 30_000 });
  try {
    const row = db.prepare("SELECT count(*) AS count, max(file_id) AS last FROM conversation_files WHERE file_id LIKE 'live-%'").get() as {
      count: number;
      last: string | null;
    };
    return row;
  } finally {
    db.close();
  }
}

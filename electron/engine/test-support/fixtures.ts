import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach } from 'vitest';
import type { EngineContext } from '../context';
import { loadSchema, type SchemaDefinition } from '../core/schema/schema-folder';
import { fileWriter } from './file-writer';

// Real files in temp folders, the shipped schema, and sqlite3 as the independent referee.

export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
export const SHIPPED_SCHEMA_DIR = join(REPO_ROOT, 'schemas/conversation_files');

const tempDirs: string[] = [];
afterEach(() => {
  while (tempDirs.length) rmSync(tempDirs.pop()!, { recursive: true, force: true });
});

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'warden-test-'));
  tempDirs.push(dir);
  return dir;
}

export function shippedSchema(): SchemaDefinition {
  return loadSchema(SHIPPED_SCHEMA_DIR);
}

export function contextFor(dbPath: string, schema: SchemaDefinition = shippedSchema(), extra: Partial<EngineContext> = {}): EngineContext {
  return { dbPath, schema, busyTimeoutMs: 2_000, ...extra };
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Runs the sqlite3 shell on a file and returns its output. */
export function sqlite3(path: string, sql: string): string {
  return execFileSync('sqlite3', [path, sql], { encoding: 'utf8' }).trim();
}

export function countRows(path: string, table: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/**
 * Inserts `files` files with metadata and a session association each (whose triggers add an
 * access-log row and a cleanup row), and one extra 'download' access. Works at every version.
 */
export function seedFiles(path: string, files: number, offset = 0): void {
  const db = new Database(path);
  try {
    const store = fileWriter(db);
    db.transaction(() => {
      for (let k = offset; k < offset + files; k++) store({ id: `file-${k}`, session: `session-${k % 50}`, n: k, uploader: 'alice', downloader: 'bob' });
    })();
  } finally {
    db.close();
  }
}

export const CHILD_TABLES = ['file_metadata', 'session_file_associations', 'file_access_log', 'file_cleanup_queue'] as const;

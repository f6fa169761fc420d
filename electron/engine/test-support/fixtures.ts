import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach } from 'vitest';
import type { EngineContext } from '../context';
import { loadSchema, type SchemaDefinition } from '../schema-folder';

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
    const insertFile = db.prepare(
      'INSERT INTO conversation_files (file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash, mime_type, uploaded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    // Without mime_type: NULL before 1.2.0, the column's default from 1.2.0 on.
    const insertFileWithoutType = db.prepare(
      'INSERT INTO conversation_files (file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash, uploaded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const insertMeta = db.prepare('INSERT INTO file_metadata (file_id, metadata_key, metadata_value) VALUES (?, ?, ?)');
    const insertAssoc = db.prepare('INSERT INTO session_file_associations (session_id, file_id, message_id) VALUES (?, ?, ?)');
    const insertLog = db.prepare("INSERT INTO file_access_log (file_id, access_type, accessed_by) VALUES (?, 'download', ?)");
    db.transaction(() => {
      for (let k = offset; k < offset + files; k++) {
        const id = `file-${k}`;
        const session = `session-${k % 50}`;
        const common = [id, session, `report-${k}.pdf`, `stored-${k}.bin`, `/srv/files/${id}`, 1000 + k, `hash-${k % 97}`];
        if (k % 3 === 0) insertFileWithoutType.run(...common, 'alice');
        else insertFile.run(...common, 'application/pdf', 'alice');
        insertMeta.run(id, 'pages', String(k % 40));
        insertAssoc.run(session, id, `msg-${k}`);
        insertLog.run(id, 'bob');
      }
    })();
  } finally {
    db.close();
  }
}

export const CHILD_TABLES = ['file_metadata', 'session_file_associations', 'file_access_log', 'file_cleanup_queue'] as const;

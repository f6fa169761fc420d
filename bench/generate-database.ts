import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import semver from 'semver';
import { initialize, loadSchema, type SchemaDefinition } from '../electron/engine';
import { seededRandom } from '../shared/seeded-random';

// Realistic conversation_files databases for benchmarks, generated once and cached.
// Per file: the file row (its trigger logs the upload), two or three metadata rows, one session
// association (its trigger queues a cleanup), and zero to two downloads/views in the access log;
// one file in twenty is soft-deleted (its trigger stamps deleted_at) and a third of the
// cleanups are processed. About 1.73 KB per file with the schema's 17 indexes (measured):
// 23,000 files ≈ 40 MB, 230,000 ≈ 400 MB.

export const BENCH_ROOT = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(BENCH_ROOT, '..');
export const SHIPPED_SCHEMA_DIR = join(REPO_ROOT, 'schemas/conversation_files');
export const CACHE_DIR = join(BENCH_ROOT, '.cache');

/** The benchmark sizes, measured: the file counts that give these database sizes. */
export const BENCH_SIZES = [
  { label: '40 MB', files: 23_000 },
  { label: '400 MB', files: 230_000 },
] as const;

/** Bump when the rows generated change, so cached databases are rebuilt. */
const GENERATOR_REVISION = 1;

export interface GenerateOptions {
  files: number;
  /** Schema version to create the database at (the rows fit every version). */
  version: string;
  /** 'delete' is what the service runs with (SQLite's default); 'wal' is offered too. */
  journalMode?: 'delete' | 'wal';
  schemaDir?: string;
  /** Called with one line per step of a (slow) generation. */
  log?: (message: string) => void;
}

const MIME_TYPES = [
  'application/pdf',
  'image/png',
  'image/jpeg',
  'text/plain',
  'text/csv',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  null,
] as const;
const EXTENSIONS: Record<string, string> = {
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'text/plain': 'txt',
  'text/csv': 'csv',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
};
const WORDS = ['quarterly', 'report', 'invoice', 'screenshot', 'draft', 'notes', 'contract', 'summary', 'budget', 'photo', 'scan', 'final', 'v2', 'export'];
const LANGUAGES = ['en', 'de', 'fr', 'es', 'ja', 'pt'];
const SOURCES = ['drag-and-drop', 'paste', 'api', 'email-import'];
const CLIENTS = ['web', 'desktop', 'ios', 'android'];
const SESSIONS = 12_000;
const USERS = 900;
const START_MS = Date.UTC(2024, 0, 1);

function hex(random: () => number, length: number): string {
  let out = '';
  while (out.length < length)
    out += Math.floor(random() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  return out.slice(0, length);
}

/** SQLite's CURRENT_TIMESTAMP format. */
function sqliteTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

function fill(db: Database.Database, files: number, atLeast120: boolean): void {
  const random = seededRandom(0x5eed);
  const fileColumns = 'file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash, uploaded_at, uploaded_by';
  const insertFile = db.prepare(`INSERT INTO conversation_files (${fileColumns}, mime_type) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  // From 1.2.0 mime_type is NOT NULL with a default: leave it out rather than write NULL.
  const insertFileUntyped = db.prepare(`INSERT INTO conversation_files (${fileColumns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertMeta = db.prepare('INSERT INTO file_metadata (file_id, metadata_key, metadata_value, created_at) VALUES (?, ?, ?, ?)');
  const insertAssoc = db.prepare(
    'INSERT INTO session_file_associations (session_id, file_id, association_type, message_id, associated_at) VALUES (?, ?, ?, ?, ?)',
  );
  const insertAccess = db.prepare('INSERT INTO file_access_log (file_id, access_type, accessed_by, accessed_at, access_metadata) VALUES (?, ?, ?, ?, ?)');

  const batch = db.transaction((from: number, to: number) => {
    for (let k = from; k < to; k++) {
      const fileId = `${hex(random, 8)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 12)}`;
      const session = `sess_${Math.floor(random() * SESSIONS)
        .toString(36)
        .padStart(4, '0')}`;
      const user = `user${Math.floor(random() * USERS)}@example.com`;
      const mime = pick(random, MIME_TYPES);
      const name = `${pick(random, WORDS)}-${pick(random, WORDS)}-${k % 1000}.${mime ? EXTENSIONS[mime] : 'bin'}`;
      const hash = hex(random, 64);
      const uploadedMs = START_MS + k * 60_000 + Math.floor(random() * 60_000);
      const uploadedAt = sqliteTime(uploadedMs);
      const values = [
        fileId,
        session,
        name,
        `${hash.slice(0, 32)}.${mime ? EXTENSIONS[mime] : 'bin'}`,
        `/var/lib/chat/files/${hash.slice(0, 2)}/${hash.slice(2, 4)}/${hash.slice(0, 32)}`,
        Math.floor(random() * 20_000_000),
        hash,
        uploadedAt,
        user,
      ];
      if (mime) insertFile.run(...values, mime);
      else if (atLeast120) insertFileUntyped.run(...values);
      else insertFile.run(...values, null);

      insertMeta.run(fileId, 'pages', String(1 + Math.floor(random() * 80)), uploadedAt);
      insertMeta.run(fileId, 'language', pick(random, LANGUAGES), uploadedAt);
      if (random() < 0.25) insertMeta.run(fileId, 'source', pick(random, SOURCES), uploadedAt);
      insertAssoc.run(session, fileId, random() < 0.9 ? 'upload' : 'reference', `msg_${hex(random, 12)}`, uploadedAt);
      const downloads = Math.floor(random() * 3); // 0–2 besides the upload the trigger logs
      for (let a = 0; a < downloads; a++) {
        const at = sqliteTime(uploadedMs + Math.floor(random() * 86_400_000 * 30));
        insertAccess.run(
          fileId,
          random() < 0.7 ? 'download' : 'view',
          `user${Math.floor(random() * USERS)}@example.com`,
          at,
          `{"client":"${pick(random, CLIENTS)}"}`,
        );
      }
    }
  });
  const step = 25_000;
  for (let from = 0; from < files; from += step) batch(from, Math.min(files, from + step));

  // Lifecycle through the service's own triggers: soft deletes stamp deleted_at.
  db.exec(`
    BEGIN;
    UPDATE conversation_files SET is_deleted = 1 WHERE rowid % 20 = 7;
    UPDATE file_cleanup_queue SET is_processed = 1, processed_at = datetime(scheduled_deletion_time, '-29 days') WHERE cleanup_id % 3 = 0;
    COMMIT;`);
}

/** Which migrations went into the database: part of the cache key, so an edited migration rebuilds it. */
function schemaFingerprint(schema: SchemaDefinition, version: string): string {
  const checksums = schema.migrations.filter((m) => semver.lte(m.version, version)).map((m) => m.checksum);
  return createHash('sha256').update(checksums.join(',')).digest('hex').slice(0, 8);
}

/** Where the cached database for these options lives (it may not exist yet). */
export function cachedDatabasePath(options: GenerateOptions): string {
  const schema = loadSchema(options.schemaDir ?? SHIPPED_SCHEMA_DIR);
  const journal = options.journalMode ?? 'delete';
  return join(
    CACHE_DIR,
    `${schema.name}-${options.files}files-v${options.version}-${journal}-g${GENERATOR_REVISION}-${schemaFingerprint(schema, options.version)}.db`,
  );
}

/**
 * The cached database for these options, generating it first when missing. Treat it as
 * read-only: copy it (generateDatabase) before anything writes to it.
 */
export async function ensureCachedDatabase(options: GenerateOptions): Promise<string> {
  const path = cachedDatabasePath(options);
  if (existsSync(path)) return path;
  mkdirSync(CACHE_DIR, { recursive: true });
  const building = `${path}.building`;
  for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(building + suffix, { force: true });
  const started = performance.now();
  options.log?.(`generating ${options.files.toLocaleString('en')} files at ${options.version} (${options.journalMode ?? 'delete'}) into ${path} …`);
  const schema = loadSchema(options.schemaDir ?? SHIPPED_SCHEMA_DIR);
  await initialize({ dbPath: building, schema }, { to: options.version });
  const db = new Database(building);
  try {
    // Bulk load: no rollback journal and no fsync; an interrupted build is thrown away.
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -262144');
    fill(db, options.files, semver.gte(options.version, '1.2.0'));
    db.pragma(`journal_mode = ${options.journalMode === 'wal' ? 'WAL' : 'DELETE'}`);
  } finally {
    db.close(); // a WAL database is checkpointed into the main file here
  }
  renameSync(building, path);
  const mb = statSync(path).size / 1e6;
  options.log?.(`generated ${mb.toFixed(1)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return path;
}

/** Writes a database of `files` files at `version` to `path` (a copy of the cached one). */
export async function generateDatabase(path: string, options: GenerateOptions): Promise<string> {
  const cached = await ensureCachedDatabase(options);
  mkdirSync(dirname(resolve(path)), { recursive: true });
  for (const suffix of ['-journal', '-wal', '-shm']) rmSync(path + suffix, { force: true });
  copyFileSync(cached, path);
  return path;
}

// `tsx bench/generate-database.ts --files 30000 --version 1.0.0 [--wal] [--out PATH]`
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name: string) => {
    const at = process.argv.indexOf(`--${name}`);
    return at === -1 ? undefined : process.argv[at + 1];
  };
  const options: GenerateOptions = {
    files: Number(arg('files') ?? 30_000),
    version: arg('version') ?? '1.2.0',
    journalMode: process.argv.includes('--wal') ? 'wal' : 'delete',
    log: (message) => console.error(message),
  };
  const out = arg('out');
  const path = out ? await generateDatabase(out, options) : await ensureCachedDatabase(options);
  console.log(path);
}

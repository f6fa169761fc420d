import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { initialize } from '../electron/engine/initialize';
import { loadSchema } from '../electron/engine/schema-folder';

// A conversation_files database of realistic shape for benchmarks: each file has metadata,
// a session association (whose trigger queues a cleanup), an upload log row (trigger) and
// downloads. Generated once and cached: it takes tens of seconds, the benchmark minutes.

const METADATA_KEYS = ['pages', 'author', 'language', 'checksum_md5'];
const DOWNLOADS_PER_FILE = 3;

function pad(n: number): string {
  return String(n).padStart(7, '0');
}

function fill(db: Database.Database, files: number): void {
  // Bulk load: no journal and no fsync; the file is thrown away if generation is interrupted.
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  const insertFile = db.prepare(
    `INSERT INTO conversation_files (file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash, mime_type, uploaded_by, storage_backend)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'local')`,
  );
  const insertMeta = db.prepare('INSERT INTO file_metadata (file_id, metadata_key, metadata_value) VALUES (?, ?, ?)');
  const insertAssoc = db.prepare('INSERT INTO session_file_associations (session_id, file_id, message_id) VALUES (?, ?, ?)');
  const insertLog = db.prepare('INSERT INTO file_access_log (file_id, access_type, accessed_by, access_metadata) VALUES (?, ?, ?, ?)');
  const batch = db.transaction((from: number, to: number) => {
    for (let k = from; k < to; k++) {
      const id = `file-${pad(k)}-${(k * 2654435761 >>> 0).toString(16)}`;
      const session = `session-${pad(k % 20011)}`;
      const hash = `${(k * 40503 >>> 0).toString(16).padStart(8, '0')}`.repeat(8);
      insertFile.run(id, session, `quarterly-report-${k}-final-v${k % 7}.pdf`, `${hash.slice(0, 40)}-${k}.bin`, `/srv/chat/files/${session}/${hash.slice(0, 2)}/${hash.slice(0, 40)}-${k}.bin`, 1024 + ((k * 7919) % 50_000_000), hash, 'application/pdf', `user-${k % 997}@example.com`);
      for (const key of METADATA_KEYS) insertMeta.run(id, key, `${key}:${hash.slice(k % 24, 24 + (k % 24))}:${k}`);
      insertAssoc.run(session, id, `msg-${pad(k)}-${session}`);
      for (let d = 0; d < DOWNLOADS_PER_FILE; d++) {
        insertLog.run(id, d === 0 ? 'view' : 'download', `user-${(k + d) % 997}@example.com`, JSON.stringify({ ip: `10.${d}.${k % 256}.${(k >> 8) % 256}`, agent: 'chat-web/4.2 (linux)', range: d * 4096 }));
      }
    }
  });
  const step = 20_000;
  for (let from = 0; from < files; from += step) batch(from, Math.min(files, from + step));
  db.pragma('journal_mode = DELETE');
}

/** The path of a cached benchmark database with `files` files, generating it when it is missing. */
export async function ensureFileStoreDatabase(path: string, files: number, schemaDir: string, log: (message: string) => void): Promise<string> {
  if (existsSync(path)) return path;
  const building = `${path}.building`;
  rmSync(building, { force: true });
  log(`Generating ${files.toLocaleString('en')} files into ${path} (once; it is cached)…`);
  const started = performance.now();
  await initialize({ dbPath: building, schema: loadSchema(schemaDir) }, { backup: false });
  const db = new Database(building);
  try {
    fill(db, files);
  } finally {
    db.close();
  }
  renameSync(building, path);
  log(`Generated ${(statSync(path).size / 1e6).toFixed(0)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return path;
}

import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { backup } from '../../actions/backup';
import { addFiles, databaseWithFiles } from '../../test-support/backup-fixtures';
import { sha256File, sqlite3, tempDir } from '../../test-support/fixtures';

// The one-pass backup copies a snapshot's pages from the file and the -wal itself while SQLite
// checks the same snapshot (snapshot-copy.ts). The referee is the sqlite3 shell: what it reads in
// the backup must be what the source held at one commit, whatever the writers and checkpoints do.

// Moves one unit of file_size between two random rows per transaction: the total never changes,
// so a backup mixing pages of two commits shows as a wrong total. With wal_autocheckpoint = 1
// every commit also checkpoints, writing into the database file while the backup reads it.
const TRANSFER_SCRIPT = `
const Database = require(process.argv[2]);
const db = new Database(process.argv[3], { timeout: 30000 });
if (process.argv[4] === 'wal') db.pragma('wal_autocheckpoint = 1');
const ids = db.prepare('SELECT rowid FROM conversation_files').pluck().all();
const move = db.prepare('UPDATE conversation_files SET file_size = file_size + ? WHERE rowid = ?');
const pick = () => ids[Math.floor(Math.random() * ids.length)];
let commits = 0;
for (;;) {
  db.transaction(() => { move.run(-1, pick()); move.run(1, pick()); })();
  if (++commits % 20 === 0) process.stdout.write(commits + '\\n');
  if (process.argv[4] !== 'wal') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
}
`;

const writers: ChildProcess[] = [];
afterEach(() => {
  for (const w of writers.splice(0)) w.kill('SIGKILL');
});

async function startTransfers(dbPath: string, mode: string): Promise<{ commits: () => number }> {
  const script = join(tempDir(), 'transfers.cjs');
  writeFileSync(script, TRANSFER_SCRIPT);
  const child = spawn(process.execPath, [script, createRequire(import.meta.url).resolve('better-sqlite3'), dbPath, mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  writers.push(child);
  let commits = 0;
  child.stdout!.on('data', (chunk: Buffer) => {
    commits = Number(chunk.toString().trim().split('\n').at(-1));
  });
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.stdout!.once('data', () => resolve());
  });
  return { commits: () => commits };
}

const totalSize = (path: string) => Number(sqlite3(path, 'SELECT total(file_size) FROM conversation_files'));

describe('a backup in one pass', () => {
  it.each(['wal', 'delete'])(
    'taken while every commit moves rows (and, in WAL mode, checkpoints into the file): the backup is one commit, whole (%s journal)',
    async (mode) => {
      const ctx = await databaseWithFiles(20_000);
      sqlite3(ctx.dbPath, `PRAGMA journal_mode = ${mode}`);
      const total = totalSize(ctx.dbPath);
      const writer = await startTransfers(ctx.dbPath, mode);
      const before = writer.commits();

      for (let round = 0; round < 3; round++) {
        const info = await backup(ctx);
        expect(sqlite3(info.path, 'PRAGMA integrity_check')).toBe('ok');
        expect(totalSize(info.path)).toBe(total); // no page of another commit mixed in
        expect(sqlite3(info.path, 'SELECT count(*) FROM conversation_files')).toBe('20000');
        expect(sha256File(info.path)).toBe(info.sha256);
        expect(sqlite3(info.path, 'PRAGMA journal_mode')).toBe('delete');
      }
      expect(writer.commits()).toBeGreaterThan(before); // the writer went on committing meanwhile
    },
  );

  it.each([
    { state: 'frames not yet checkpointed', checkpoint: false, oldReader: false },
    { state: 'every frame checkpointed, the WAL not yet restarted', checkpoint: true, oldReader: false },
    { state: 'frames checkpointed only up to an older reader', checkpoint: true, oldReader: true },
  ])('a WAL database with $state: the backup reads as the source does', async ({ checkpoint, oldReader }) => {
    const ctx = await databaseWithFiles(300);
    const service = new Database(ctx.dbPath);
    const reader = new Database(ctx.dbPath, { readonly: true });
    try {
      service.pragma('journal_mode = WAL');
      service.pragma('wal_autocheckpoint = 0');
      addFiles(service, 200, 'first');
      if (oldReader) {
        reader.exec('BEGIN');
        reader.prepare('SELECT count(*) FROM conversation_files').get();
      }
      addFiles(service, 200, 'second');
      service.exec('DELETE FROM conversation_files WHERE rowid % 7 = 0');
      if (checkpoint) service.pragma('wal_checkpoint(PASSIVE)');

      const info = await backup(ctx);
      const backupRows = sqlite3(info.path, 'SELECT file_id, file_size FROM conversation_files ORDER BY file_id');
      expect(backupRows).toBe(sqlite3(ctx.dbPath, 'SELECT file_id, file_size FROM conversation_files ORDER BY file_id'));
      expect(sqlite3(info.path, 'SELECT count(*) FROM conversation_files')).toBe(String(700 - Math.floor(700 / 7)));
      expect(sqlite3(info.path, 'PRAGMA integrity_check')).toBe('ok');
      expect(sqlite3(info.path, '.schema')).toBe(sqlite3(ctx.dbPath, '.schema'));
    } finally {
      if (reader.inTransaction) reader.exec('COMMIT');
      reader.close();
      service.close();
    }
  });
});

import { chmodSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backup } from '../../actions/backup';
import { backupFolderOf } from '../backups/backup-folder';
import { initialize } from '../../actions/initialize';
import { restore } from '../../actions/restore';
import { contextFor, sqlite3, tempDir } from '../../test-support/fixtures';

// Everything written about a database is as private as the database: read back with stat, under
// the usual umask (022), which on its own would leave new files readable by every local user.

const mode = (path: string) => statSync(path).mode & 0o777;

describe('files written about a database keep its permissions', () => {
  let umask: number;
  beforeAll(() => {
    umask = process.umask(0o022);
  });
  afterAll(() => {
    process.umask(umask);
  });

  for (const [dbMode, folderMode] of [
    [0o600, 0o700],
    [0o640, 0o750],
  ] as const) {
    it(`a ${dbMode.toString(8)} database: backups, manifests and the pre-restore backup ${dbMode.toString(8)}, their folder ${folderMode.toString(8)}`, async () => {
      const dbPath = join(tempDir(), 'private.db');
      await initialize(contextFor(dbPath));
      chmodSync(dbPath, dbMode);
      const ctx = contextFor(dbPath);
      const taken = await backup(ctx, { reason: 'manual' });
      sqlite3(
        dbPath,
        "INSERT INTO conversation_files (file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash, mime_type) VALUES ('f', 's', 'a', 'b', 'c', 1, 'h', 'text/plain')",
      );
      const restored = await restore(ctx, { backup: taken.path });
      expect(restored.preRestoreBackup).not.toBeNull();

      const folder = backupFolderOf(ctx);
      expect(mode(folder)).toBe(folderMode);
      const files = readdirSync(folder);
      expect(files.filter((f) => f.endsWith('.sqlite'))).toHaveLength(2);
      for (const file of files) expect(`${file} ${mode(join(folder, file)).toString(8)}`).toBe(`${file} ${dbMode.toString(8)}`);
      expect(mode(dbPath)).toBe(dbMode);
    });
  }
});

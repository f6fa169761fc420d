import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backup } from '../../actions/backup';
import { initialize } from '../../actions/initialize';
import { resultOf, SOURCE_CLI } from '../../test-support/cli';
import { contextFor, REPO_ROOT, tempDir } from '../../test-support/fixtures';
import { manifestPathOf } from './backup-manifest';

// A manifest that is not a file Schema Warden wrote: a FIFO in its place hung `warden backups` and
// `status` for ever, a folder was INTERNAL, a file of any size was read whole. Each is now a
// backup left unlisted, with why, and a verify-backup that says BACKUP_INVALID.

/** The CLI in a child with a time limit: a listing that hangs is a failure here, not a stuck test. */
function warden(args: string[]) {
  const run = spawnSync(process.execPath, [...SOURCE_CLI, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: run.status, signal: run.signal, stdout: run.stdout, stderr: run.stderr };
}

describe('a backup whose manifest is a FIFO, a folder or a huge file', () => {
  it('is left unlisted with why, by warden backups and status, which still end; verify-backup refuses it as BACKUP_INVALID', async () => {
    const db = join(tempDir(), 'store.db');
    const ctx = contextFor(db);
    await initialize(ctx);
    const taken = await backup(ctx);
    const hostile = {
      fifo: (file: string) => expect(spawnSync('mkfifo', [file]).status).toBe(0),
      folder: (file: string) => mkdirSync(file),
      huge: (file: string) => writeFileSync(file, Buffer.alloc(2_000_000, ' ')),
    };
    const names = Object.keys(hostile).map((kind) => taken.name.replace(/\.sqlite$/, `-${kind}.sqlite`));
    Object.values(hostile).forEach((make, i) => {
      const path = join(db, '..', 'store.db.backups', names[i]);
      copyFileSync(taken.path, path);
      make(manifestPathOf(path));
    });

    const listed = warden(['backups', '--db', db]);
    expect([listed.signal, listed.code], listed.stderr).toEqual([null, 0]);
    expect(listed.stdout).toContain(taken.name);
    const notListed = (name: string, why: string) =>
      `${name} is not listed: The manifest ${manifestPathOf(join(db, '..', 'store.db.backups', name))} is not a Schema Warden backup manifest: ${why}`;
    expect(listed.stderr).toContain(notListed(names[0], 'it is not a regular file (a folder, a pipe or a device).'));
    expect(listed.stderr).toContain(notListed(names[1], 'it is not a regular file (a folder, a pipe or a device).'));
    expect(listed.stderr).toContain(notListed(names[2], 'it holds 2,000,000 bytes, where a manifest holds a few hundred.'));
    for (const name of names) expect(listed.stdout).not.toContain(name);
    expect(warden(['status', '--db', db]).signal).toBeNull();

    for (const name of names) {
      const verified = warden(['verify-backup', name, '--db', db, '--json']);
      expect([verified.signal, verified.code], verified.stderr).toEqual([null, 2]);
      expect(resultOf(verified)).toMatchObject({ ok: false, problems: [expect.stringContaining('is not a Schema Warden backup manifest')] });
    }
  });
});

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backup } from './backup';
import { backupFolderOf } from './backup-folder';
import { manifestPathOf } from './backup-manifest';
import { initialize } from './initialize';
import { listBackups } from './list-backups';
import { applyRetention } from './retention';
import { databaseWithFiles } from './test-support/backup-fixtures';
import { contextFor, tempDir } from './test-support/fixtures';

describe('retention', () => {
  it('keeps the newest N backups of each reason and removes older ones with their manifests', async () => {
    const ctx = await databaseWithFiles(5);
    const manual = [];
    for (let k = 0; k < 5; k++) manual.push(await backup(ctx, { keepPerReason: 3 }));
    const preMigrate = await backup(ctx, { reason: 'pre-migrate', keepPerReason: 3 });

    const kept = listBackups(ctx);
    expect(kept.map((b) => b.name)).toEqual([preMigrate, ...manual.slice(2).reverse()].map((b) => b.name));
    for (const gone of manual.slice(0, 2)) {
      expect(existsSync(gone.path)).toBe(false);
      expect(existsSync(manifestPathOf(gone.path))).toBe(false);
    }
  });

  it('never removes the newest verified backup, however many unverified ones follow it', async () => {
    const ctx = await databaseWithFiles(5);
    const verified = await backup(ctx, { keepPerReason: 2 });
    const unverified = [];
    for (let k = 0; k < 3; k++) unverified.push(await backup(ctx, { verify: false, keepPerReason: 2 }));
    expect(listBackups(ctx).map((b) => b.name)).toEqual([unverified[2], unverified[1], verified].map((b) => b.name));
  });

  it("leaves alone the backups of other databases sharing the folder, and a backup it is told to spare", async () => {
    const shared = join(tempDir(), 'shared-backups');
    const a = await databaseWithFiles(3, { backupDir: shared });
    const b = contextFor(join(tempDir(), 'b.db'), undefined, { backupDir: shared });
    await initialize(b);
    const ofB = await backup(b);
    const ofA = [await backup(a), await backup(a), await backup(a)];

    expect(applyRetention(a, 1, [ofA[0].path]).map((r) => r.name)).toEqual([ofA[1].name]);
    expect(listBackups(a).map((x) => x.name).sort()).toEqual([ofA[0].name, ofA[2].name, ofB.name].sort());
    expect(backupFolderOf(a)).toBe(shared);
  });

  it('refuses a count that keeps nothing', async () => {
    const ctx = await databaseWithFiles(1);
    expect(() => applyRetention(ctx, 0)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => applyRetention(ctx, 1.5)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});

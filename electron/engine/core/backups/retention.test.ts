import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backup } from '../../actions/backup';
import { backupFolderOf } from './backup-folder';
import { manifestPathOf } from './backup-manifest';
import { initialize } from '../../actions/initialize';
import { listBackups } from './list-backups';
import { applyRetention } from './retention';
import { databaseWithFiles } from '../../test-support/backup-fixtures';
import { contextFor, tempDir } from '../../test-support/fixtures';

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

  it('leaves alone the backups of other databases sharing the folder, and a backup it is told to spare', async () => {
    const shared = join(tempDir(), 'shared-backups');
    const a = await databaseWithFiles(3, { backupDir: shared });
    const b = contextFor(join(tempDir(), 'b.db'), undefined, { backupDir: shared });
    await initialize(b);
    const ofB = await backup(b);
    const ofA = [await backup(a), await backup(a), await backup(a)];

    expect(applyRetention(a, 1, [ofA[0].path]).map((r) => r.name)).toEqual([ofA[1].name]);
    expect(
      listBackups(a)
        .map((x) => x.name)
        .sort(),
    ).toEqual([ofA[0].name, ofA[2].name, ofB.name].sort());
    expect(backupFolderOf(a)).toBe(shared);
  });

  /** Moves a backup's recorded time a year ahead, as a host whose clock is wrong would have written it. */
  function yearAhead(path: string): void {
    const manifest = JSON.parse(readFileSync(manifestPathOf(path), 'utf8'));
    manifest.createdAt = new Date(Date.now() + 365 * 24 * 3600 * 1000).toISOString();
    writeFileSync(manifestPathOf(path), JSON.stringify(manifest));
  }

  it('never removes the backup it has just taken, with older backups dated a year ahead (before: removed at once)', async () => {
    const ctx = await databaseWithFiles(5);
    const ahead = [await backup(ctx, { keepPerReason: 2 }), await backup(ctx, { keepPerReason: 2 })];
    for (const b of ahead) yearAhead(b.path);
    const taken = await backup(ctx, { keepPerReason: 2 });
    // Referee: the folder itself, not the tool's listing.
    expect(readdirSync(backupFolderOf(ctx))).toContain(taken.name);
    expect(existsSync(manifestPathOf(taken.path))).toBe(true);
    expect(listBackups(ctx).map((b) => b.name)).toEqual([taken.name, ahead[1].name]);
  });

  it('keeps the newest verified backup by the order of taking, not by a clock a year ahead', async () => {
    const ctx = await databaseWithFiles(5);
    const ahead = await backup(ctx, { keepPerReason: 1 });
    yearAhead(ahead.path);
    const verified = await backup(ctx, { keepPerReason: 1 });
    const unverified = await backup(ctx, { verify: false, keepPerReason: 1 });
    expect(
      readdirSync(backupFolderOf(ctx))
        .filter((f) => f.endsWith('.sqlite'))
        .sort(),
    ).toEqual([verified.name, unverified.name].sort());
  });

  it('orders backups taken before sequence numbers existed below every numbered one', async () => {
    const ctx = await databaseWithFiles(5);
    const old = await backup(ctx);
    const manifest = JSON.parse(readFileSync(manifestPathOf(old.path), 'utf8'));
    delete manifest.sequence;
    manifest.createdAt = new Date(Date.now() + 365 * 24 * 3600 * 1000).toISOString();
    writeFileSync(manifestPathOf(old.path), JSON.stringify(manifest));
    const numbered = await backup(ctx);
    expect(listBackups(ctx).map((b) => [b.name, b.sequence])).toEqual([
      [numbered.name, 1],
      [old.name, 0],
    ]);
  });

  it('refuses a count that keeps nothing', async () => {
    const ctx = await databaseWithFiles(1);
    expect(() => applyRetention(ctx, 0)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => applyRetention(ctx, 1.5)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});

import { copyFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backup } from './backup';
import { manifestPathOf } from '../core/backups/backup-manifest';
import { listBackups } from '../core/backups/list-backups';
import { restore } from './restore';
import { verifyBackup } from './verify-backup';
import { damageIndexPage, databaseWithFiles, flipByte } from '../test-support/backup-fixtures';
import { sha256File, sqlite3, tempDir } from '../test-support/fixtures';

describe('verifyBackup', () => {
  it('passes a backup whose hash matches and whose quick_check (or integrity_check) passes', async () => {
    const ctx = await databaseWithFiles(30);
    const taken = await backup(ctx);
    for (const full of [false, true]) {
      const report = await verifyBackup(ctx, { backup: taken.name, full });
      expect(report).toMatchObject({
        name: taken.name,
        ok: true,
        hashMatches: true,
        sha256: taken.sha256,
        expectedSha256: taken.sha256,
        version: '1.2.0',
        problems: [],
      });
      expect(report.integrity).toEqual({ level: full ? 'full' : 'quick', ok: true, messages: [] });
    }
  });

  it('finds one flipped byte, and changes nothing', async () => {
    const ctx = await databaseWithFiles(30);
    const taken = await backup(ctx);
    flipByte(taken.path, 5000);
    const flipped = sha256File(taken.path);
    const report = await verifyBackup(ctx, { backup: taken.path });
    expect(report).toMatchObject({ ok: false, hashMatches: false, sha256: flipped, expectedSha256: taken.sha256 });
    expect(report.problems[0]).toMatch(/SHA-256 is .* not the .* recorded when it was taken/);
    expect(sha256File(taken.path)).toBe(flipped);
  });

  it('finds damage only SQLite can see, with full integrity_check', async () => {
    const ctx = await databaseWithFiles(300);
    const taken = await backup(ctx);
    damageIndexPage(taken.path, 'idx_file_access_log_file');
    const report = await verifyBackup(ctx, { backup: taken.name, full: true });
    expect(report.integrity).toMatchObject({ level: 'full', ok: false });
    expect(report.problems.some((p) => p.startsWith("SQLite's integrity_check fails"))).toBe(true);
  });

  it('reports a PNG renamed .sqlite: no manifest, not a database', async () => {
    const png = join(tempDir(), 'photo.sqlite');
    writeFileSync(png, Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.alloc(2000, 7)]));
    const ctx = await databaseWithFiles(1);
    const report = await verifyBackup(ctx, { backup: png });
    expect(report).toMatchObject({ ok: false, hashMatches: false, expectedSha256: null, version: null });
    expect(report.problems.join('\n')).toMatch(/no manifest[\s\S]*not a SQLite database/);
  });

  it('reports a truncated backup', async () => {
    const ctx = await databaseWithFiles(100);
    const taken = await backup(ctx);
    writeFileSync(taken.path, readFileSync(taken.path).subarray(0, Math.floor(taken.bytes / 2)));
    const report = await verifyBackup(ctx, { backup: taken.name });
    expect(report.ok).toBe(false);
    expect(report.problems.join('\n')).toMatch(/truncated/);
  });

  it('refuses to vouch for a backup with a -wal beside it: SQLite would read it too', async () => {
    const ctx = await databaseWithFiles(10);
    const taken = await backup(ctx);
    writeFileSync(`${taken.path}-wal`, Buffer.alloc(4096));
    const report = await verifyBackup(ctx, { backup: taken.name });
    expect(report).toMatchObject({ ok: false, hashMatches: true, integrity: { ok: false } });
    expect(report.problems[0]).toContain(`${taken.path}-wal`);
  });

  it('reads a WAL-mode backup without writing anything beside it: verified twice, restored from, the folder as it was (before: -wal and -shm left, then refused)', async () => {
    const ctx = await databaseWithFiles(30);
    const taken = await backup(ctx);
    // A backup in WAL mode with an honest manifest, as another tool or an older copy could leave it.
    sqlite3(taken.path, 'PRAGMA journal_mode = WAL; CREATE TABLE scratch (x); DROP TABLE scratch;');
    const manifest = JSON.parse(readFileSync(manifestPathOf(taken.path), 'utf8'));
    writeFileSync(manifestPathOf(taken.path), JSON.stringify({ ...manifest, sha256: sha256File(taken.path), bytes: statSync(taken.path).size }));
    const folder = dirname(taken.path);
    const before = readdirSync(folder).sort();
    const bytes = sha256File(taken.path);
    for (const full of [false, true]) expect(await verifyBackup(ctx, { backup: taken.name, full })).toMatchObject({ ok: true, problems: [] });
    expect(readdirSync(folder).sort()).toEqual(before);
    await restore(ctx, { backup: taken.name });
    expect(readdirSync(folder).filter((f) => f.startsWith(taken.name))).toEqual([taken.name, `${taken.name}.json`]);
    expect(sha256File(taken.path)).toBe(bytes);
    expect(await verifyBackup(ctx, { backup: taken.name })).toMatchObject({ ok: true });
  });

  it('reports a manifest that is not one, and lists nothing it cannot vouch for', async () => {
    const warnings: string[] = [];
    const ctx = await databaseWithFiles(10, { onLog: (e) => e.level === 'warn' && warnings.push(e.message) });
    const taken = await backup(ctx);
    const plain = join(taken.path, '..', 'copied-by-hand.sqlite');
    copyFileSync(taken.path, plain);
    writeFileSync(manifestPathOf(taken.path), '{ "format": "schema-warden-backup/1", "sha256": 42 }');
    const report = await verifyBackup(ctx, { backup: taken.name });
    // zod's English message, not its bare "Invalid input": the words come from shared/zod.ts.
    expect(report.problems[0]).toMatch(/is not a Schema Warden backup manifest \(field "sha256": Invalid input: expected string, received number\)/);
    writeFileSync(manifestPathOf(taken.path), 'not json');
    expect((await verifyBackup(ctx, { backup: taken.name })).problems[0]).toMatch(/is not JSON/);
    expect(listBackups(ctx)).toEqual([]);
    expect(warnings.join('\n')).toMatch(/copied-by-hand\.sqlite is not listed: it has no manifest beside it/);
    expect(warnings.join('\n')).toMatch(/manual\.sqlite is not listed: The manifest .* is not JSON/);
  });

  it('says when there is no such backup', async () => {
    const ctx = await databaseWithFiles(1);
    await expect(verifyBackup(ctx, { backup: join(tempDir(), 'nothing.sqlite') })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(verifyBackup(ctx, { backup: tempDir() })).rejects.toMatchObject({ code: 'IS_DIRECTORY' });
  });
});

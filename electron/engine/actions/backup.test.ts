import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { LogEvent, Progress } from '../../../shared/types/jobs';
import { backup, takeVerifiedBackup } from './backup';
import { backupFolderOf } from '../core/backups/backup-folder';
import { manifestPathOf } from '../core/backups/backup-manifest';
import { history } from './history';
import { initialize } from './initialize';
import { listBackups } from '../core/backups/list-backups';
import { addFiles, committedLiveRows, damageIndexPage, databaseWithFiles, fileIds, schemaFolder, startContinuousWriter } from '../test-support/backup-fixtures';
import { contextFor, countRows, sha256File, sqlite3, tempDir } from '../test-support/fixtures';

describe('backup', () => {
  it('writes a verified, fingerprinted backup with its manifest into <db>.backups/', async () => {
    const ctx = await databaseWithFiles(20);
    const info = await backup(ctx);
    expect(info.path).toBe(join(`${ctx.dbPath}.backups`, info.name));
    expect(info.name).toMatch(/^conversation_files-\d{8}T\d{9}Z-manual\.sqlite$/);
    expect(info).toMatchObject({
      reason: 'manual',
      version: '1.2.0',
      sourcePath: ctx.dbPath,
      applicationId: ctx.schema.applicationId,
      bytes: statSync(info.path).size,
    });
    expect(info.sha256).toBe(sha256File(info.path));
    expect(info.verified).toMatchObject({ ok: true, level: 'quick', messages: [] });
    expect(info.sqliteVersion).toMatch(/^3\.\d+\.\d+$/);
    expect(JSON.parse(readFileSync(manifestPathOf(info.path), 'utf8'))).toMatchObject({
      format: 'schema-warden-backup/1',
      sha256: info.sha256,
      reason: 'manual',
    });
    expect(sqlite3(info.path, 'PRAGMA integrity_check')).toBe('ok');
    expect(countRows(info.path, 'conversation_files')).toBe(20);
    expect(listBackups(ctx)).toEqual([info]);
  });

  it('contains the rows of a WAL database that are only in its -wal file', async () => {
    const ctx = await databaseWithFiles(50);
    const service = new Database(ctx.dbPath);
    try {
      service.pragma('journal_mode = WAL');
      service.pragma('wal_autocheckpoint = 0');
      addFiles(service, 25); // committed, but held in the -wal file: the service keeps it open
      expect(statSync(`${ctx.dbPath}-wal`).size).toBeGreaterThan(0);
      const mainFileOnly = join(tempDir(), 'main-file-only.db');
      copyFileSync(ctx.dbPath, mainFileOnly);
      expect(countRows(mainFileOnly, 'conversation_files')).toBe(50);

      const info = await backup(ctx);
      expect(countRows(info.path, 'conversation_files')).toBe(75);
      expect(sqlite3(info.path, 'PRAGMA journal_mode')).toBe('delete'); // self-contained: no -wal needed
      expect(existsSync(`${info.path}-wal`)).toBe(false);
      expect(sha256File(info.path)).toBe(info.sha256);
    } finally {
      service.close();
    }
  });

  // With a rollback journal, a writer that never pauses starves every reader (it holds PENDING
  // or EXCLUSIVE through each commit's fsyncs), so that writer pauses 1 ms between transactions.
  it.each([
    { mode: 'wal', pauseMs: 0 },
    { mode: 'delete', pauseMs: 1 },
  ])(
    'taken while another process inserts continuously ($mode journal), passes integrity_check and has every row committed before it started',
    async ({ mode, pauseMs }) => {
      const ctx = await databaseWithFiles(20_000);
      sqlite3(ctx.dbPath, `PRAGMA journal_mode = ${mode}`);
      const writer = await startContinuousWriter(ctx.dbPath, pauseMs);
      await expect.poll(() => committedLiveRows(ctx.dbPath).count, { timeout: 10_000 }).toBeGreaterThan(200);
      const before = committedLiveRows(ctx.dbPath);

      const info = await backup(ctx);

      expect(sqlite3(info.path, 'PRAGMA integrity_check')).toBe('ok');
      const inBackup = fileIds(info.path).filter((id) => id.startsWith('live-'));
      expect(inBackup.filter((id) => id <= before.last!)).toHaveLength(before.count);
      expect(countRows(info.path, 'conversation_files')).toBe(20_000 + inBackup.length);
      await expect.poll(() => committedLiveRows(ctx.dbPath).count, { timeout: 10_000 }).toBeGreaterThan(inBackup.length);
      expect(writer.exitCode).toBeNull(); // the service was never stopped
    },
  );

  it.each(['copying pages', 'quick_check while copying'])('cancelled while %s, leaves no file behind', async (phase) => {
    const controller = new AbortController();
    const phases: string[] = [];
    const ctx = await databaseWithFiles(3_000, {
      signal: controller.signal,
      onProgress: (p: Progress) => {
        phases.push(p.phase);
        if (p.phase === phase) controller.abort();
      },
    });
    const before = sha256File(ctx.dbPath);
    await expect(backup(ctx)).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(phases).toContain(phase);
    expect(readdirSync(backupFolderOf(ctx))).toEqual([]);
    expect(sha256File(ctx.dbPath)).toBe(before);
  });

  it('removes copies that killed backups of this host left behind, and only those', async () => {
    const ctx = await databaseWithFiles(5);
    const folder = backupFolderOf(ctx);
    mkdirSync(folder, { recursive: true });
    const gone = spawnSync(process.execPath, ['-e', '']).pid!; // a process that has exited
    const host = hostname().replace(/[^A-Za-z0-9_.-]/g, '_');
    const abandoned = [`.conversation_files~${host}~${gone}~0badc0de.partial`, `.conversation_files~${host}~${gone}~0badc0de.partial-journal`];
    const inProgress = [`.conversation_files~${host}~${process.pid}~1234abcd.partial`, `.conversation_files~another-host~${gone}~1234abcd.partial`];
    for (const name of [...abandoned, ...inProgress]) writeFileSync(join(folder, name), 'partial copy');
    const info = await backup(ctx);
    expect(readdirSync(folder).sort()).toEqual([...inProgress, info.name, `${info.name}.json`].sort());
  });

  it('records the backup in the source database after the copy, so the backup is what was verified', async () => {
    const ctx = await databaseWithFiles(5);
    const info = await backup(ctx);
    const event = history(ctx).events[0];
    expect(event).toMatchObject({ action: 'backup', outcome: 'ok', version: '1.2.0', detail: { name: info.name, sha256: info.sha256, reason: 'manual' } });
    expect(history({ ...ctx, dbPath: info.path }).events.map((e) => e.action)).toEqual(['migrate', 'init']);
    expect(sha256File(info.path)).toBe(info.sha256);
  });

  it('reports progress in pages while copying, and says when it checks what it copies', async () => {
    const progress: Progress[] = [];
    const ctx = await databaseWithFiles(2_000, { onProgress: (p: Progress) => progress.push(p) });
    const info = await backup(ctx);
    const copying = progress.filter((p) => p.phase === 'copying pages');
    expect(copying.at(-1)).toMatchObject({ operation: 'backup', done: copying.at(-1)!.total, unit: 'pages' });
    expect(copying.at(-1)!.total * 4096).toBe(statSync(ctx.dbPath).size);
    expect(copying.at(-1)!.total * 4096).toBe(info.bytes);
    expect(progress.map((p) => p.phase)).toContain('quick_check while copying');
  });

  it('can skip the check; such a backup is listed as not verified', async () => {
    const ctx = await databaseWithFiles(5);
    const info = await backup(ctx, { verify: false });
    expect(info.verified).toBeNull();
    expect(listBackups(ctx)[0].verified).toBeNull();
  });

  it('backs up a read-only database, and says the backup could not be recorded in it', async () => {
    const logs: LogEvent[] = [];
    const ctx = await databaseWithFiles(5, { onLog: (e: LogEvent) => logs.push(e) });
    chmodSync(ctx.dbPath, 0o444);
    const before = sha256File(ctx.dbPath);
    const info = await backup(ctx);
    expect(info.verified?.ok).toBe(true);
    expect(sha256File(ctx.dbPath)).toBe(before);
    expect(logs.find((e) => e.level === 'warn')?.message).toMatch(/not recorded in the history .* read-only/);
  });

  it('goes into --backup-dir when given, creating it', async () => {
    const backupDir = join(tempDir(), 'elsewhere', 'backups');
    const ctx = await databaseWithFiles(5, { backupDir });
    const info = await backup(ctx);
    expect(info.path.startsWith(`${backupDir}/`)).toBe(true);
    expect(existsSync(`${ctx.dbPath}.backups`)).toBe(false);
  });

  it('gives backups taken at the same moment different names', async () => {
    const ctx = await databaseWithFiles(5);
    const taken = await Promise.all([backup(ctx), backup(ctx), backup(ctx)]);
    expect(new Set(taken.map((b) => b.name)).size).toBe(3);
    expect(listBackups(ctx)).toHaveLength(3);
  });

  it('takeVerifiedBackup: the safety net takes a verified backup with the given reason', async () => {
    const ctx = await databaseWithFiles(5);
    const info = await takeVerifiedBackup(ctx, 'pre-repair');
    expect(info).toMatchObject({ reason: 'pre-repair', verified: { ok: true } });
    expect(info.name).toMatch(/-pre-repair\.sqlite$/);
  });

  it('refuses a database that fails quick_check and keeps no backup of it', async () => {
    const ctx = await databaseWithFiles(300);
    damageIndexPage(ctx.dbPath, 'idx_file_access_log_file');
    await expect(backup(ctx)).rejects.toMatchObject({
      code: 'CORRUPT',
      message: expect.stringMatching(/fails SQLite's quick_check [\s\S]* No backup was kept/),
    });
    expect(readdirSync(backupFolderOf(ctx))).toEqual([]);
  });

  it('keeps a copy of a damaged database only when asked, marked as failed, and writes nothing into the damaged database', async () => {
    const warnings: string[] = [];
    const ctx = await databaseWithFiles(300, { onLog: (e: LogEvent) => e.level === 'warn' && warnings.push(e.message) });
    damageIndexPage(ctx.dbPath, 'idx_file_access_log_file');
    const damaged = sha256File(ctx.dbPath);
    const info = await backup(ctx, { reason: 'pre-restore', keepIfDamaged: true });
    expect(info.verified).toMatchObject({ ok: false, level: 'quick' });
    expect(info.verified!.messages.length).toBeGreaterThan(0);
    expect(sha256File(ctx.dbPath)).toBe(damaged);
    expect(warnings.join('\n')).toMatch(/fails quick_check: .* is damaged, so the backup is not recorded in it/);
  });

  it("refuses an empty database, another application's database and a folder it cannot write to", async () => {
    const empty = contextFor(join(tempDir(), 'empty.db'));
    writeFileSync(empty.dbPath, '');
    await expect(backup(empty)).rejects.toMatchObject({ code: 'NOT_INITIALIZED' });

    const other = contextFor(join(tempDir(), 'other.db'), schemaFolder('other_app', 4242));
    await initialize(other);
    await expect(backup({ ...other, schema: contextFor(other.dbPath).schema })).rejects.toMatchObject({ code: 'FOREIGN_APPLICATION' });

    const ctx = await databaseWithFiles(1, { backupDir: join(tempDir(), 'a-file') });
    writeFileSync(ctx.backupDir!, 'not a folder');
    await expect(backup(ctx)).rejects.toMatchObject({ code: 'READ_ONLY', message: expect.stringContaining(ctx.backupDir!) });
    await expect(backup({ ...ctx, backupDir: undefined }, { keepPerReason: 0 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

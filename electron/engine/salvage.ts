import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { SalvageReport, SalvagedTable } from '../../shared/types';
import { currentVersionOf, readAppliedVersions } from './bookkeeping';
import { throwIfCancelled, type EngineContext } from './context';
import { WardenError } from './errors';
import { listBackups } from './list-backups';
import { openDatabase, statDatabasePath, withDatabase, type Connection } from './open-database';
import { driftOf } from './status';
import { integrityOf } from './integrity';

// The way out when a file is corrupt beyond repair: what SQLite can still read goes into a new
// file, by the sqlite3 shell's .recover (SQLite's recovery extension). The damaged file is never
// opened for writing: .recover runs on a copy (with its -wal and -journal), in a folder beside
// the new file. Then the new file is checked, and each table's rows are set beside the newest
// verified backup's, so the user can choose the salvaged file, the backup, or both.

export interface SalvageOptions {
  /** The new database file; it must not exist. */
  out: string;
}

/**
 * The sqlite3 shell whose .recover works, or the error that says what is missing. .recover reads
 * pages through the sqlite_dbpage virtual table, which some builds leave out (Debian 12's 3.40.1
 * does); better-sqlite3's SQLite has neither it nor the recovery API.
 */
function recoveringShell(): string {
  const probe = spawnSync('sqlite3', [':memory:', 'SELECT count(*) FROM sqlite_dbpage'], { encoding: 'utf8' });
  if (probe.error) {
    throw new WardenError(
      'NOT_SUPPORTED',
      'Salvage needs the sqlite3 command-line shell (its .recover command), and it was not found on this machine. Nothing was written.',
      'Install it (Debian and Ubuntu: apt-get install sqlite3), then run salvage again. Until then, restore the newest verified backup (warden backups lists them).',
    );
  }
  if (probe.status !== 0) {
    const version = spawnSync('sqlite3', ['-version'], { encoding: 'utf8' }).stdout.split(' ')[0] || 'unknown';
    throw new WardenError(
      'NOT_SUPPORTED',
      `Salvage needs SQLite's recovery, and neither form of it is available here: the sqlite3 shell on this machine (${version}) was built without the sqlite_dbpage virtual table its .recover command reads pages with, and the SQLite inside Schema Warden has no recovery API. Nothing was written.`,
      'Restore the newest verified backup (warden backups lists them). To salvage, copy the damaged file to a machine whose sqlite3 shell has a working .recover (the builds from sqlite.org do) and run warden salvage there.',
    );
  }
  return 'sqlite3';
}

/** A copy of the damaged database with its -wal and -journal, in `dir`: .recover works on that, never on the original. */
function copyForRecovery(dbPath: string, dir: string): string {
  const copy = join(dir, basename(dbPath));
  copyFileSync(dbPath, copy);
  for (const suffix of ['-wal', '-journal']) if (existsSync(dbPath + suffix)) copyFileSync(dbPath + suffix, copy + suffix);
  return copy;
}

/** Pipes `sqlite3 COPY .recover` into `sqlite3 OUT`. */
function recoverInto(ctx: EngineContext, shell: string, copy: string, out: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const reader = spawn(shell, ['-bail', copy, '.recover'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const writer = spawn(shell, [out], { stdio: ['pipe', 'ignore', 'pipe'] });
    let bytes = 0;
    let errors = '';
    let finished = 0;
    reader.stdout.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      ctx.onProgress?.({ operation: 'salvage', phase: 'recovering rows', done: bytes, total: 0 });
      if (ctx.signal?.aborted) reader.kill();
    });
    reader.stdout.pipe(writer.stdin);
    reader.stderr.on('data', (d: Buffer) => (errors += d.toString()));
    writer.stderr.on('data', (d: Buffer) => (errors += d.toString()));
    const done = (code: number | null) => {
      if (code !== 0 && code !== null) errors += `\n(sqlite3 exited with ${code})`;
      if (++finished < 2) return;
      if (ctx.signal?.aborted) return reject(new WardenError('CANCELLED', 'Salvage was cancelled; the partial new file was removed and the damaged file is untouched.', 'Run it again when you are ready.'));
      // .recover writes what it cannot place into lost_and_found and keeps going; only a shell that produced nothing failed.
      if (bytes === 0) return reject(new WardenError('CORRUPT', `sqlite3 .recover could read nothing from ${ctx.dbPath}: ${errors.trim() || 'no output'}.`, 'Restore the newest verified backup instead.'));
      resolvePromise();
    };
    reader.on('close', done);
    writer.on('close', done);
    reader.on('error', reject);
    writer.on('error', reject);
  });
}

function countRows(db: Connection): Map<string, number> {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name").all() as { name: string }[];
  return new Map(tables.map((t) => [t.name, (db.prepare(`SELECT count(*) AS n FROM "${t.name.replace(/"/g, '""')}"`).get() as { n: number }).n]));
}

/** Rows per table of the newest backup that verified, to set beside what was salvaged. */
function newestVerifiedBackupRows(ctx: EngineContext): { name: string; rows: Map<string, number> } | null {
  const newest = listBackups(ctx).find((b) => b.verified?.ok);
  if (!newest) return null;
  try {
    return { name: newest.name, rows: withDatabase(newest.path, { mode: 'read' }, countRows) };
  } catch {
    return null; // a backup that cannot be read now is no yardstick; restore and verify-backup say why
  }
}

/**
 * Recovers what SQLite can read of a damaged database into `out` (a new file), then checks it:
 * integrity, drift from the expected schema at the version it records, and rows per table beside
 * the newest verified backup. The damaged file is only copied, never opened for writing.
 */
export async function salvage(ctx: EngineContext, options: SalvageOptions): Promise<SalvageReport> {
  const out = resolve(options.out);
  if (statDatabasePath(ctx.dbPath) === null) throw new WardenError('NOT_FOUND', `There is no database at ${ctx.dbPath} to salvage.`, 'Check --db.');
  if (existsSync(out)) throw new WardenError('ALREADY_EXISTS', `${out} already exists; salvage writes into a new file only.`, 'Pick a path that does not exist yet for --out.', { field: 'out' });
  const shell = recoveringShell();
  const started = performance.now();
  const work = mkdtempSync(join(dirname(out), '.warden-salvage-'));
  try {
    const copy = copyForRecovery(ctx.dbPath, work);
    await recoverInto(ctx, shell, copy, out);
    throwIfCancelled(ctx, 'Salvage');
  } catch (err) {
    for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(out + suffix, { force: true });
    throw err;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  ctx.onProgress?.({ operation: 'salvage', phase: 'checking the new file', done: 1, total: 1 });
  const salvaged = openDatabase(out, { mode: 'read' });
  try {
    const rows = countRows(salvaged);
    const version = currentVersionOf(readAppliedVersions(salvaged));
    const drift = version ? driftOf(salvaged, { ...ctx, dbPath: out }, version) : [];
    const backup = newestVerifiedBackupRows(ctx);
    const names = new Set([...rows.keys(), ...(backup?.rows.keys() ?? [])]);
    const tables: SalvagedTable[] = [...names].sort().map((name) => ({ name, salvaged: rows.get(name) ?? null, inBackup: backup ? (backup.rows.get(name) ?? null) : null }));
    return {
      path: ctx.dbPath,
      out,
      version,
      integrity: integrityOf(salvaged, 'full'),
      drift,
      tables,
      lostAndFound: rows.get('lost_and_found') ?? 0,
      comparedWith: backup?.name ?? null,
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    salvaged.close();
  }
}

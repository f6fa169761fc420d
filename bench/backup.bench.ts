import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Figure, FigureResult, Row } from './figures';
import { engineCall, expectSuccess, measureProcess, outcomeOf, sideBySide, warmPageCache, wholeProcess, type Measurement, type Run } from './measure';

// The backup figure of `npm run bench` (`npm run bench -- --only backup`, alias `npm run bench:backup`):
// warden backup against the sqlite3 shell's `.backup` and against `cp` (the physical limit), on
// the bench's generated databases, side by side in one run. Schema Warden's side runs in a child
// of its own (bench/engine-task.ts, or the bundled CLI), so the peak RSS shown is that of the
// process doing the backup.

const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

/** Issue 3: peak memory of a backup under 150 MB whatever the database size. */
const PEAK_RSS_TARGET_KB = 150 * 1024;

/** Backups write hundreds of MB: each run starts with no other run's writes still queued for the disk (untimed). */
function syncDisks(): void {
  spawnSync('sync', { stdio: 'ignore' });
}

function expectOutcome(m: Measurement, what: string, expected: RegExp): Measurement {
  expectSuccess(m, what);
  if (!expected.test(outcomeOf(m))) throw new Error(`${what}: ${outcomeOf(m)}`);
  return m;
}

function expectFile(path: string, what: string): void {
  if (!existsSync(path)) throw new Error(`${what} exited 0 but wrote no ${path}`);
}

/** Switches a copy of the bench database to WAL (the shell's own statement; the file is otherwise the same). */
function toWal(path: string): void {
  expectSuccess(measureProcess(['sqlite3', path, 'PRAGMA journal_mode=WAL;']), 'sqlite3 journal_mode=WAL');
}

export const figure: Figure = {
  id: 'backup',
  title: 'verified backup vs sqlite3 .backup vs dd conv=fsync vs cp',
  async run(env): Promise<FigureResult> {
    const rows: Row[] = [];
    const peaks: { label: string; kb: number }[] = [];
    const outDir = join(env.workDir, 'backup-out');
    for (const size of env.sizes) {
      for (const journal of ['delete', 'wal'] as const) {
        // warden backup records itself in the database's schema_events: it backs up a copy, never the cache.
        const dbPath = join(env.workDir, `backup-${size.files}-${journal}.db`);
        copyFileSync(await env.database(size, '1.2.0'), dbPath);
        if (journal === 'wal') toWal(dbPath);
        warmPageCache(dbPath);
        const database = `${size.label}, ${journal === 'wal' ? 'WAL' : 'rollback journal'}`;
        const prepare = () => {
          rmSync(outDir, { recursive: true, force: true });
          mkdirSync(outDir, { recursive: true });
          syncDisks();
        };
        const task = (name: string, expected: RegExp) => (): Run =>
          engineCall(expectOutcome(measureProcess([...env.engineTask, name, dbPath, env.schemaDir, outDir]), `engine ${name}`, expected));
        const [quick, cli, shell, dd, cp] = sideBySide(env.runsFor(size), {
          prepare,
          sides: [
            { label: 'backup() with quick_check', run: task('backup-quick', /verified=true$/) },
            {
              label: 'warden backup (bundled CLI)',
              run: () =>
                wholeProcess(
                  expectSuccess(
                    measureProcess([...env.wardenCli, 'backup', '--db', dbPath, '--schema', env.schemaDir, '--backup-dir', outDir, '--json']),
                    'warden backup',
                  ),
                ),
            },
            {
              label: 'sqlite3 DB ".backup OUT"',
              run: () => {
                const out = join(outDir, 'shell.db');
                const m = wholeProcess(expectSuccess(measureProcess(['sqlite3', dbPath, `.backup '${out}'`]), 'sqlite3 .backup'));
                expectFile(out, 'sqlite3 .backup');
                return m;
              },
            },
            {
              label: 'dd bs=4M conv=fsync',
              run: () => {
                const out = join(outDir, 'dd.db');
                const m = wholeProcess(expectSuccess(measureProcess(['dd', `if=${dbPath}`, `of=${out}`, 'bs=4M', 'conv=fsync', 'status=none']), 'dd'));
                expectFile(out, 'dd');
                return m;
              },
            },
            {
              label: 'cp (no fsync)',
              run: () => {
                const out = join(outDir, 'cp.db');
                const m = wholeProcess(expectSuccess(measureProcess(['cp', dbPath, out]), 'cp'));
                expectFile(out, 'cp');
                return m;
              },
            },
          ],
        });
        rmSync(outDir, { recursive: true, force: true });
        for (const suffix of ['', '-wal', '-shm']) rmSync(dbPath + suffix, { force: true });
        const cliNote = 'process start counted; the default of `warden backup`';
        rows.push({ figure: 'verified backup (copy, SHA-256, quick_check, manifest), engine call', database, warden: quick, reference: shell, target: 1 });
        rows.push({ figure: 'verified backup, CLI process', database, warden: cli, reference: shell, target: 1, note: cliNote });
        rows.push({
          figure: 'verified backup, CLI process vs dd',
          database,
          warden: cli,
          reference: dd,
          target: 2,
          note: `${cliNote}; dd copies and fsyncs, no hash, no check`,
        });
        rows.push({ figure: 'sqlite3 .backup vs dd (for scale)', database, warden: shell, reference: dd });
        rows.push({
          figure: 'dd conv=fsync vs cp (for scale)',
          database,
          warden: dd,
          reference: cp,
          note: 'cp: no fsync, no consistency while the service writes',
        });
        peaks.push({ label: database, kb: Math.max(quick.maxRssKb, cli.maxRssKb) });
      }
    }
    const within = peaks.every((p) => p.kb < PEAK_RSS_TARGET_KB);
    return {
      rows,
      sections: [
        `Peak RSS of the process taking the backup (the larger of the engine call and the CLI): ${peaks.map((p) => `${mb(p.kb)} at ${p.label}`).join(', ')}; target under 150 MB whatever the size: ${within ? 'meets' : '**misses**'}.`,
        'The WAL databases are the same files switched to WAL by the shell: at rest, their frames checkpointed. Copies taken while writers commit (frames in the -wal) are tested, not timed: electron/engine/core/sqlite/snapshot-copy.test.ts.',
      ],
    };
  },
};

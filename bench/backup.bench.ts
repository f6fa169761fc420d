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

export const figure: Figure = {
  id: 'backup',
  title: 'backup (+verify) vs sqlite3 .backup vs cp',
  async run(env): Promise<FigureResult> {
    const rows: Row[] = [];
    const peaks: { label: string; kb: number }[] = [];
    const outDir = join(env.workDir, 'backup-out');
    for (const size of env.sizes) {
      // warden backup records itself in the database's schema_events: it backs up a copy, never the cache.
      const dbPath = join(env.workDir, `backup-${size.files}.db`);
      copyFileSync(await env.database(size, '1.2.0'), dbPath);
      warmPageCache(dbPath);
      const prepare = () => {
        rmSync(outDir, { recursive: true, force: true });
        mkdirSync(outDir, { recursive: true });
        syncDisks();
      };
      const task = (name: string, expected: RegExp) => (): Run =>
        engineCall(expectOutcome(measureProcess([...env.engineTask, name, dbPath, env.schemaDir, outDir]), `engine ${name}`, expected));
      const [alone, quick, cli, copyOnly, shell, cp] = sideBySide(env.runsFor(size), {
        prepare,
        sides: [
          { label: 'backup() without check', run: task('backup', /verified=null$/) },
          { label: 'backup() with quick_check', run: task('backup-quick', /verified=true$/) },
          {
            label: 'warden backup (bundled CLI)',
            run: () => wholeProcess(expectSuccess(measureProcess([...env.wardenCli, 'backup', '--db', dbPath, '--schema', env.schemaDir, '--backup-dir', outDir, '--json']), 'warden backup')),
          },
          { label: 'the online copy alone', run: task('backup-copy', /^pages=\d+$/) },
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
      rmSync(dbPath, { force: true });
      rows.push({ figure: 'backup alone (copy, SHA-256, manifest), engine call', database: size.label, warden: alone, reference: shell, target: 1.2 });
      rows.push({ figure: 'backup + quick verification, engine call', database: size.label, warden: quick, reference: shell, target: 2 });
      rows.push({ figure: 'backup + quick verification, CLI process', database: size.label, warden: cli, reference: shell, note: 'process start counted; the default of `warden backup`' });
      rows.push({ figure: 'backup: the online copy alone (backup API, warden’s step pacing)', database: size.label, warden: copyOnly, reference: shell });
      rows.push({ figure: 'backup alone, engine call vs cp', database: size.label, warden: alone, reference: cp, note: 'cp: the physical limit, no fsync, no consistency while the service writes' });
      rows.push({ figure: 'sqlite3 .backup vs cp (for scale)', database: size.label, warden: shell, reference: cp });
      peaks.push({ label: size.label, kb: Math.max(alone.maxRssKb, quick.maxRssKb, cli.maxRssKb) });
    }
    const within = peaks.every((p) => p.kb < PEAK_RSS_TARGET_KB);
    return {
      rows,
      sections: [
        `Peak RSS of the process taking the backup (the larger of the engine call with and without check and the CLI): ${peaks.map((p) => `${mb(p.kb)} at ${p.label}`).join(', ')}; target under 150 MB whatever the size: ${within ? 'meets' : '**misses**'}.`,
      ],
    };
  },
};

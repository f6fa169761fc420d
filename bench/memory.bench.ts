import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchSize, Figure, FigureResult } from './figures';
import { expectSuccess, measureProcess, outcomeOf, warmPageCache, type Measurement } from './measure';

// Peak memory against database size (`npm run bench -- --only memory`): the engine calls that read
// or write the whole database — migrate 1.0.0 → 1.2.0, verify --full, backup with its check —
// each in a process of its own on 40 MB, 400 MB and 1.2 GB, beside the same migration through
// bare better-sqlite3, three runs each. SQLite's memory is bounded by its caches (better-sqlite3's 16 MB page
// cache, the sorter that builds indexes, sized from it), which a small database does not fill:
// "flat" is read where they are full, from 400 MB to three times that. Not in --quick.

const LARGE: BenchSize = { label: '1.2 GB', files: 690_000 };
/** Tripling the database may add this much to a peak, at most, for the peak to count as flat. */
const FLAT_GROWTH = 0.05;
/** Runs per size; each peak is the highest of them, as in the ratio table. */
const RUNS = 3;

const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

interface Task {
  label: string;
  run(dbPath: string, backupDir: string): Measurement;
}

export const figure: Figure = {
  id: 'memory',
  title: 'peak memory by database size (40 MB, 400 MB, 1.2 GB)',
  async run(env): Promise<FigureResult> {
    if (env.quick) return { rows: [], sections: ['Peak memory by database size: not measured with --quick (it needs the 1.2 GB database).'] };
    const sizes = [...env.sizes, LARGE];
    const engine = (task: string, expected: RegExp) => (dbPath: string, backupDir: string) => {
      const m = expectSuccess(measureProcess([...env.engineTask, task, dbPath, env.schemaDir, backupDir]), `engine ${task}`);
      if (!expected.test(outcomeOf(m))) throw new Error(`engine ${task}: ${outcomeOf(m)}`);
      return m;
    };
    // In this order on one copy: the migration leaves the database that verify and backup read.
    const tasks: Task[] = [
      { label: 'migrate 1.0.0 → 1.2.0, engine call', run: engine('migrate', /^1\.2\.0$/) },
      { label: 'verify --full, engine call', run: engine('verify-full', /^healthy /) },
      { label: 'backup + quick_check, engine call', run: engine('backup-quick', /verified=true$/) },
    ];
    const bare: Task = { label: 'the same migration through bare better-sqlite3 (reference)', run: engine('bare-migrate', /^violations=0$/) };
    const peaks = new Map<string, number[]>([...tasks, bare].map((t) => [t.label, []]));
    for (const size of sizes) {
      const source = await env.database(size, '1.0.0');
      const dbPath = join(env.workDir, `memory-${size.files}.db`);
      const backupDir = join(env.workDir, `memory-${size.files}-backups`);
      const highest = new Map<string, number>();
      const measure = (task: Task) => highest.set(task.label, Math.max(highest.get(task.label) ?? 0, task.run(dbPath, backupDir).maxRssKb));
      env.log(`  memory at ${size.label}, ${RUNS} runs`);
      try {
        for (let run = 0; run < RUNS; run++) {
          mkdirSync(backupDir, { recursive: true });
          copyFileSync(source, dbPath);
          warmPageCache(dbPath);
          measure(bare);
          copyFileSync(source, dbPath);
          warmPageCache(dbPath);
          for (const task of tasks) measure(task);
          rmSync(backupDir, { recursive: true, force: true });
        }
      } finally {
        rmSync(dbPath, { force: true });
        rmSync(backupDir, { recursive: true, force: true });
      }
      for (const [label, kb] of highest) peaks.get(label)!.push(kb);
    }
    const lines = [
      `| peak RSS of the process | ${sizes.map((s) => s.label).join(' | ')} | ${sizes[1].label} → ${LARGE.label} | flat (≤ ${FLAT_GROWTH * 100}% for 3× the data) |`,
      `| --- | ${sizes.map(() => '---:').join(' | ')} | ---: | --- |`,
    ];
    for (const [label, kbs] of peaks) {
      const growth = kbs[kbs.length - 1] / kbs[kbs.length - 2] - 1;
      const verdict = label === bare.label ? '—' : growth <= FLAT_GROWTH ? 'meets' : '**misses**';
      lines.push(`| ${label} | ${kbs.map(mb).join(' | ')} | ${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)}% | ${verdict} |`);
    }
    lines.push('', `The highest of ${RUNS} runs per size, from GNU time; the 1.2 GB database is generated once and cached like the others.`);
    return { rows: [], sections: [lines.join('\n')] };
  },
};

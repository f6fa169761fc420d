import Database from 'better-sqlite3';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Figure, FigureResult } from './figures';
import { expectSuccess, measureProcess, outcomeOf, warmPageCache, type Measurement } from './measure';

// Peak memory of browsing and querying against table size (`npm run bench -- --only data-memory`):
// the Data view's reads — the last and the middle page of a sort no index covers, with its count, a filtered page, a row's
// children, a read-only query sorting every row and one aggregating them — each an engine call in
// a process of its own (bench/engine-task.ts) on 10,000, 100,000, 1,000,000 and 3,000,000 files,
// three runs each, the highest peak RSS (GNU time). The rows are made by a recursive CTE, as the
// e2e spec makes its 100,000: a file row (its trigger logs the upload) and a metadata row per file.
// SQLite's memory is bounded by its page cache (16 MB in better-sqlite3) and its sorter (sized
// from it), which small tables do not fill: "flat" is read from 1M to three times that.

const SIZES = [10_000, 100_000, 1_000_000, 3_000_000];
const RUNS = 3;
/** Three times the rows may add this much to a peak, at most, for it to count as flat. */
const FLAT_GROWTH = 0.05;

const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
const rowsLabel = (n: number) => `${n.toLocaleString('en')} files`;
const shortLabel = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`);

/** A 1.2.0 database (initialized by the engine) with `files` files and a metadata row each. */
function generate(dbPath: string, files: number, init: () => void): void {
  rmSync(dbPath, { force: true });
  init();
  const db = new Database(dbPath);
  try {
    db.exec(`BEGIN;
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${files})
      INSERT INTO conversation_files (file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash, mime_type, uploaded_by)
      SELECT printf('f-%07d', i), 's-' || (i % 500), 'report-' || i || '.pdf', 'st-' || i, '/files/' || i, (i * 7919) % 1000003, 'h-' || (i % 977),
             CASE WHEN i % 7 = 0 THEN 'text/plain' ELSE 'application/pdf' END, CASE WHEN i % 5 = 0 THEN NULL ELSE 'alice' END FROM n;
      INSERT INTO file_metadata (file_id, metadata_key, metadata_value) SELECT file_id, 'pages', CAST(file_size % 40 AS TEXT) FROM conversation_files;
      COMMIT;`);
  } finally {
    db.close();
  }
}

export const figure: Figure = {
  id: 'data-memory',
  title: 'peak memory of browsing and querying by table size (10k, 100k, 1M, 3M files)',
  async run(env): Promise<FigureResult> {
    const task =
      (name: string, expected: RegExp) =>
      (dbPath: string): Measurement => {
        const m = expectSuccess(measureProcess([...env.engineTask, name, dbPath, env.schemaDir]), `engine ${name}`);
        if (!expected.test(outcomeOf(m))) throw new Error(`engine ${name}: ${outcomeOf(m)}`);
        return m;
      };
    const tasks = [
      { label: 'browse: the last page sorted by an unindexed column, with its count', run: task('browse-deep', /^rows=100 total=\d+$/) },
      { label: 'browse: the middle page sorted by an unindexed column (the costliest), with its count', run: task('browse-middle', /^rows=100 total=\d+$/) },
      { label: 'browse: a page under two filters (IS NULL, contains), with its count', run: task('browse-filtered', /^rows=\d+ total=\d+$/) },
      { label: "a row's children, counted in each child table", run: task('row-children', /file_metadata=1/) },
      { label: 'read-only query: every row sorted, first 1,000 returned', run: task('query-sorted', /^rows=1000 more=true$/) },
      { label: 'read-only query: GROUP BY over every row', run: task('query-aggregate', /^rows=2 more=false$/) },
    ];
    const peaks = new Map<string, number[]>(tasks.map((t) => [t.label, []]));
    const times = new Map<string, number[]>(tasks.map((t) => [t.label, []]));
    const fileSizes: string[] = [];
    for (const files of SIZES) {
      const dbPath = join(env.workDir, `data-memory-${files}.db`);
      env.log(`  data memory: generating ${rowsLabel(files)}`);
      generate(dbPath, files, () => expectSuccess(measureProcess([...env.engineTask, 'init', dbPath, env.schemaDir]), 'engine init'));
      fileSizes.push(mb(statSync(dbPath).size / 1024));
      warmPageCache(dbPath);
      env.log(`  data memory at ${rowsLabel(files)}, ${RUNS} runs`);
      try {
        for (const t of tasks) {
          const runs = Array.from({ length: RUNS }, () => t.run(dbPath));
          peaks.get(t.label)!.push(Math.max(...runs.map((m) => m.maxRssKb)));
          times.get(t.label)!.push(Math.min(...runs.map((m) => JSON.parse(m.stdout.trim().split('\n').pop() ?? '{}').ms as number)));
        }
      } finally {
        rmSync(dbPath, { force: true });
      }
    }
    const lines = [
      `| peak RSS of the process (fastest engine call) | ${SIZES.map((n, k) => `${rowsLabel(n)} (${fileSizes[k]})`).join(' | ')} | ${shortLabel(SIZES[SIZES.length - 2])} → ${shortLabel(SIZES[SIZES.length - 1])} | flat (≤ ${FLAT_GROWTH * 100}% for 3× the rows) |`,
      `| --- | ${SIZES.map(() => '---:').join(' | ')} | ---: | --- |`,
    ];
    for (const t of tasks) {
      const kbs = peaks.get(t.label)!;
      const ms = times.get(t.label)!;
      const growth = kbs[kbs.length - 1] / kbs[kbs.length - 2] - 1;
      lines.push(
        `| ${t.label} | ${kbs.map((kb, k) => `${mb(kb)} (${ms[k].toFixed(0)} ms)`).join(' | ')} | ${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)}% | ${growth <= FLAT_GROWTH ? 'meets' : '**misses**'} |`,
      );
    }
    lines.push(
      '',
      `The highest peak of ${RUNS} runs per size, from GNU time (for a query: the larger of the engine's process and the child it runs the query in); in brackets the fastest run's engine call alone.`,
    );
    return { rows: [], sections: [lines.join('\n')] };
  },
};

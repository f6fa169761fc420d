import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureFileStoreDatabase } from './file-store-database';

// Benchmark (not a test): warden backup against the sqlite3 shell's `.backup` and against `cp`
// (the physical limit), on a generated file store of 300k files (~750 MB), in one run.
// Each contender runs in a process of its own, 3 times, interleaved; the table shows medians.
//   npm run bench:backup            (WARDEN_BENCH_DIR picks where the database is cached)

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SCHEMA_DIR = join(ROOT, 'schemas/conversation_files');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const FILES = 300_000;
const ROUNDS = 3;
const BENCH_DIR = process.env.WARDEN_BENCH_DIR ?? join(tmpdir(), 'warden-bench');
const OUT_DIR = join(BENCH_DIR, 'out');

interface Run {
  seconds: number;
  maxRssKb: number;
}

interface Contender {
  label: string;
  run: (db: string) => Run;
}

const log = (message: string) => process.stderr.write(`${message}\n`);

function freshOut(): string {
  rmSync(OUT_DIR, { recursive: true, force: true });
  mkdirSync(OUT_DIR, { recursive: true });
  return OUT_DIR;
}

/** A command under /usr/bin/time: wall time measured here, peak RSS as time(1) reports it. */
function timed(command: string, args: string[]): Run {
  const rssFile = join(OUT_DIR, 'rss.txt');
  const started = performance.now();
  const result = spawnSync('/usr/bin/time', ['-f', '%M', '-o', rssFile, command, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
  return { seconds, maxRssKb: Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) };
}

/** The engine's backup in a child process, timed inside it (node and tsx start-up excluded). */
function engineRun(mode: 'copy' | 'none' | 'quick'): (db: string) => Run {
  return (db) => {
    const out = execFileSync(TSX, [join(ROOT, 'bench/backup-child.ts'), db, freshOut(), SCHEMA_DIR, mode], { encoding: 'utf8' });
    const report = JSON.parse(out) as { ms: number; maxRssKb: number; verified: boolean | null };
    if (mode === 'quick' && report.verified !== true) throw new Error('the benchmark backup did not verify');
    return { seconds: report.ms / 1000, maxRssKb: report.maxRssKb };
  };
}

const CONTENDERS: Contender[] = [
  { label: 'cp (physical limit, no fsync)', run: (db) => timed('cp', [db, join(freshOut(), 'copy.db')]) },
  { label: 'sqlite3 DB ".backup OUT"', run: (db) => timed('sqlite3', [db, `.backup ${join(freshOut(), 'shell.db')}`]) },
  { label: 'warden online copy alone (backup API, warden\'s step pacing)', run: engineRun('copy') },
  { label: 'warden backup, no check (copy + SHA-256 + manifest)', run: engineRun('none') },
  { label: 'warden backup + quick_check (the default; SHA-256 alongside)', run: engineRun('quick') },
  { label: 'warden backup CLI, end to end (node + tsx start-up included)', run: (db) => timed(TSX, [join(ROOT, 'electron/cli/main.ts'), 'backup', '--db', db, '--backup-dir', freshOut(), '--json']) },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  mkdirSync(BENCH_DIR, { recursive: true });
  const db = await ensureFileStoreDatabase(join(BENCH_DIR, `file-store-${FILES / 1000}k.db`), FILES, SCHEMA_DIR, log);
  log(`Database: ${db} (${(statSync(db).size / 1e6).toFixed(0)} MB); warming the page cache…`);
  execFileSync('cat', [db], { stdio: ['ignore', 'ignore', 'inherit'], maxBuffer: 0 });
  const runs = new Map<Contender, Run[]>(CONTENDERS.map((c) => [c, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const contender of CONTENDERS) {
      execFileSync('sync'); // each run starts with no other run's writes still queued for the disk
      const result = contender.run(db);
      runs.get(contender)!.push(result);
      log(`round ${round}: ${contender.label}: ${result.seconds.toFixed(2)} s, ${(result.maxRssKb / 1024).toFixed(0)} MB`);
    }
  }
  rmSync(OUT_DIR, { recursive: true, force: true });
  const shell = median(runs.get(CONTENDERS[1])!.map((r) => r.seconds));
  const lines = [
    `Backup of ${db}: ${(statSync(db).size / 1e6).toFixed(0)} MB, ${FILES.toLocaleString('en')} files; median of ${ROUNDS} runs`,
    '',
    '| what | median | runs | vs sqlite3 .backup | peak RSS |',
    '| --- | ---: | --- | ---: | ---: |',
  ];
  for (const contender of CONTENDERS) {
    const list = runs.get(contender)!;
    const seconds = median(list.map((r) => r.seconds));
    const rss = Math.max(...list.map((r) => r.maxRssKb)) / 1024;
    lines.push(`| ${contender.label} | ${seconds.toFixed(2)} s | ${list.map((r) => r.seconds.toFixed(2)).join(', ')} | ${(seconds / shell).toFixed(2)}× | ${rss.toFixed(0)} MB |`);
  }
  lines.push('', 'Targets: warden backup ≤ 1.2× sqlite3 .backup; backup + quick verification ≤ 2×; peak memory < 150 MB.');
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();

import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSchema, userVersionOf } from '../../electron/engine';
import type { BenchEnv } from '../figures';
import { median, startMeasuredProcess, type Measurement } from '../measure';

// Sixteen processes racing to initialize one fresh file (sixteen VMs starting at once), with
// each tool as it ships: Schema Warden's CLI, dbmate (the binary its npm package ships) and
// Kysely's Migrator on better-sqlite3. Each with its default busy timeout.

export const RACERS = 16;

export interface RaceRound {
  succeeded: number;
  /** Every version recorded exactly once, and nothing else recorded. */
  versionsOnce: boolean;
  recorded: string;
  integrityOk: boolean;
  wallMs: number;
  errors: string[];
}

export interface RaceResult {
  tool: string;
  rounds: RaceRound[];
  medianWallMs: number;
  /** Median CPU time (user + system) of one racing process. */
  medianCpuMs: number;
  maxRssKb: number;
}

interface Racer {
  tool: string;
  /** Writes what the tool needs into `dir`; returns the command each racer runs. */
  setup(dir: string, dbPath: string): string[];
  /** SQL that lists `version|count` for every recorded version. */
  recordedSql: string;
  /** The versions as the tool records them. */
  expected: string[];
}

function sqlite3(path: string, sql: string): string {
  try {
    return execFileSync('sqlite3', [path, sql], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (err) {
    return `(sqlite3 failed: ${((err as { stderr?: string }).stderr ?? String(err)).trim()})`;
  }
}

/** The line of a failed process's output that says why, with paths, numbers and pids taken out. */
function reasonOf(m: Measurement): string {
  const text = `${m.stderr}\n${m.stdout}`;
  const line =
    text.split('\n').find((l) => /locked|busy|already exists|UNIQUE|constraint|error/i.test(l)) ?? text.trim().split('\n')[0] ?? `exit ${m.exitCode}`;
  return line
    .replace(/\/[^\s:'"]+/g, '<path>')
    .replace(/\d{3,}/g, 'N')
    .trim()
    .slice(0, 140);
}

function installedVersion(env: BenchEnv, pkg: string): string {
  return (JSON.parse(readFileSync(join(env.repoRoot, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
}

function racers(env: BenchEnv): Racer[] {
  const schema = loadSchema(env.schemaDir);
  return [
    {
      tool: 'Schema Warden CLI (init)',
      setup: (_dir, dbPath) => [...env.wardenCli, 'init', '--db', dbPath, '--schema', env.schemaDir, '--json'],
      recordedSql: 'SELECT version, count(*) FROM schema_version GROUP BY version ORDER BY version',
      expected: schema.migrations.map((m) => m.version),
    },
    {
      tool: `dbmate ${installedVersion(env, 'dbmate')} (up)`,
      setup: (dir, dbPath) => {
        // dbmate's format: a numeric version prefix and -- migrate:up / -- migrate:down sections.
        const migrations = join(dir, 'dbmate-migrations');
        mkdirSync(migrations, { recursive: true });
        for (const m of schema.migrations)
          writeFileSync(join(migrations, `${userVersionOf(m.version)}_${m.file.split('__')[1]}`), `-- migrate:up\n${m.sql}\n\n-- migrate:down\n`);
        return [
          join(env.repoRoot, 'node_modules/@dbmate/linux-x64/bin/dbmate'),
          '--url',
          `sqlite:${dbPath}`,
          '--migrations-dir',
          migrations,
          '--no-dump-schema',
          'up',
        ];
      },
      recordedSql: 'SELECT version, count(*) FROM schema_migrations GROUP BY version ORDER BY version',
      expected: schema.migrations.map((m) => String(userVersionOf(m.version))),
    },
    {
      tool: `Kysely ${installedVersion(env, 'kysely')} Migrator on better-sqlite3`,
      setup: (_dir, dbPath) => [...env.kyselyMigrator, dbPath, env.schemaDir],
      recordedSql: 'SELECT name, count(*) FROM kysely_migration GROUP BY name ORDER BY name',
      expected: schema.migrations.map((m) => m.file),
    },
  ];
}

async function raceOnce(env: BenchEnv, racer: Racer, round: number): Promise<{ round: RaceRound; maxRssKb: number; cpuMs: number[] }> {
  const dir = join(env.workDir, 'race', `${racer.tool.split(' ')[0].toLowerCase()}-${round}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const dbPath = join(dir, 'conversation_files.db');
  const argv = racer.setup(dir, dbPath);
  const started = performance.now();
  const runs = await Promise.all(Array.from({ length: RACERS }, () => startMeasuredProcess(argv, { cwd: dir })));
  const wallMs = performance.now() - started;
  const recorded = sqlite3(dbPath, racer.recordedSql);
  const expected = racer.expected.map((v) => `${v}|1`).join('\n');
  const failed = runs.filter((r) => r.exitCode !== 0);
  return {
    round: {
      succeeded: runs.length - failed.length,
      versionsOnce: recorded === expected,
      recorded: recorded.replace(/\n/g, ', '),
      integrityOk: sqlite3(dbPath, 'PRAGMA integrity_check') === 'ok',
      wallMs,
      errors: failed.map(reasonOf),
    },
    maxRssKb: Math.max(...runs.map((r) => r.maxRssKb)),
    cpuMs: runs.map((r) => r.cpuMs),
  };
}

/** Races each tool `rounds` times; the tools take turns so none always runs on a quieter machine. */
export async function runInitRace(env: BenchEnv, rounds: number): Promise<RaceResult[]> {
  const list = racers(env);
  const results: RaceResult[] = list.map((r) => ({ tool: r.tool, rounds: [], medianWallMs: 0, medianCpuMs: 0, maxRssKb: 0 }));
  const cpu: number[][] = list.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < list.length; k++) {
      env.log(`race: ${list[k].tool}, round ${round + 1}/${rounds}`);
      const { round: outcome, maxRssKb, cpuMs } = await raceOnce(env, list[k], round);
      cpu[k].push(...cpuMs);
      results[k].rounds.push(outcome);
      results[k].maxRssKb = Math.max(results[k].maxRssKb, maxRssKb);
    }
  }
  results.forEach((result, k) => {
    result.medianWallMs = median(result.rounds.map((r) => r.wallMs));
    result.medianCpuMs = median(cpu[k]);
  });
  return results;
}

/** Median wall time of RACERS `node -e ""` started at once: what Node's start-up alone costs in the race. */
export async function nodeStartFloor(rounds: number): Promise<number> {
  const walls: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    await Promise.all(Array.from({ length: RACERS }, () => startMeasuredProcess([process.execPath, '-e', ''])));
    walls.push(performance.now() - started);
  }
  return median(walls);
}

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { build } from 'esbuild';
// @ts-expect-error: a plain ES module script without types
import { buildCli, NODE_BUNDLE } from '../scripts/build-cli.mjs';
import { ENGINE_FIGURES } from './engine-figures';
import { comparisonSection } from './compare-results';
import type { BenchEnv, BenchSize, Figure, FigureResult, PendingRow, Row } from './figures';
import { BENCH_ROOT, BENCH_SIZES, CACHE_DIR, REPO_ROOT, SHIPPED_SCHEMA_DIR, ensureCachedDatabase } from './generate-database';
import { nodeStartFloor, RACERS, runInitRace, type RaceResult } from './race/init-race';

// `npm run bench [-- --quick] [-- --out bench/RESULTS.md] [-- --only verify-quick,race]`
// Prints a Markdown table of Schema Warden's times as ratios of the sqlite3 shell doing the
// same work, each pair measured side by side in this run (median of several runs), with the
// peak memory of the process doing the work. Benchmarks, not tests: nothing here fails a build.

const SIZES: BenchSize[] = [...BENCH_SIZES];

/**
 * Figures plugged in as one module each: a module that exports `figure: Figure` joins the
 * table; one that is missing (or exports no figure) is shown as pending, never as a number.
 */
const PLUGGED: { id: string; title: string; module: string }[] = [
  { id: 'backup', title: 'backup (+verify) vs sqlite3 .backup vs cp', module: 'backup.bench.ts' },
  { id: 'health', title: 'GET /api/health under load (req/s, p50/p99, 50 clients on loopback)', module: 'health.bench.ts' },
  { id: 'memory', title: 'peak memory by database size (40 MB, 400 MB, 1.2 GB)', module: 'memory.bench.ts' },
  { id: 'fleet', title: 'fleet status of 100 local databases', module: 'fleet.bench.ts' },
  { id: 'data-memory', title: 'peak memory of browsing and querying by table size (10k, 100k, 1M, 3M files)', module: 'data-memory.bench.ts' },
  { id: 'salvage', title: 'salvage (a few pages overwritten) vs verify --full of the intact file', module: 'salvage.bench.ts' },
  { id: 'attacks', title: 'the host under attack: /api/health p99, peak RSS, another database (issue 22)', module: 'attacks.bench.ts' },
  { id: 'console', title: 'the console in Chromium: first useful paint and each view on a repeat visit (100,000 files)', module: 'console.bench.ts' },
];

interface Args {
  quick: boolean;
  out: string | null;
  only: Set<string> | null;
}

function parseArgs(argv: string[]): Args {
  const value = (name: string) => {
    const at = argv.indexOf(`--${name}`);
    return at === -1 ? null : (argv[at + 1] ?? null);
  };
  const only = value('only');
  return { quick: argv.includes('--quick'), out: value('out'), only: only ? new Set(only.split(',')) : null };
}

const NOTES_MARKER = '<!-- notes below are kept when npm run bench rewrites this file -->';

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

/**
 * The CLI as it ships (out/cli, scripts/build-cli.mjs) and the child scripts bundled the same
 * way, dependencies inlined (all but the native better-sqlite3): no side pays for compiling
 * TypeScript or for resolving hundreds of module files at start-up.
 */
async function bundle(outDir: string): Promise<Record<'warden' | 'engineTask' | 'kysely', string>> {
  const entries = {
    engineTask: join(BENCH_ROOT, 'engine-task.ts'),
    kysely: join(BENCH_ROOT, 'race/kysely-migrator.ts'),
  };
  const out = { warden: await buildCli() } as Record<keyof typeof entries | 'warden', string>;
  for (const [name, entry] of Object.entries(entries) as [keyof typeof entries, string][]) {
    out[name] = join(outDir, `${name}.mjs`);
    await build({ entryPoints: [entry], outfile: out[name], ...NODE_BUNDLE });
  }
  return out;
}

function machine(): string {
  const cpuModel = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m)?.[1] ?? cpus()[0]?.model ?? 'unknown';
  const db = new Database(':memory:');
  const bundled = (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  db.close();
  const shell = execFileSync('sqlite3', ['--version'], { encoding: 'utf8' }).split(' ')[0];
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  return [
    `- CPU: ${cpuModel}, ${cpus().length} cores; RAM ${(totalmem() / 2 ** 30).toFixed(0)} GiB; ${readFileSync('/etc/os-release', 'utf8').match(/^PRETTY_NAME="(.*)"$/m)?.[1] ?? 'Linux'}`,
    `- Node ${process.version}; better-sqlite3 bundles SQLite ${bundled}; the sqlite3 shell is SQLite ${shell}`,
    `- ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, commit ${commit}; load average at start ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  ].join('\n');
}

const ms = (v: number) => (v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v < 10 ? 1 : 0)} ms`);
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

function verdict(row: Row): string {
  if (!row.reference || row.target === undefined) return '—';
  return row.warden.ms / row.reference.ms <= row.target ? `meets ≤ ${row.target}×` : `**misses** ≤ ${row.target}×`;
}

function ratioTable(rows: Row[], pending: PendingRow[]): string {
  const lines = [
    '| figure | database | Schema Warden | reference | ratio (median wall) | ratio (fastest wall) | ratio (CPU) | target | peak RSS: Warden / reference |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |',
  ];
  for (const row of rows) {
    const ref = row.reference;
    lines.push(
      `| ${row.figure}${row.note ? ` — _${row.note}_` : ''} | ${row.database} | ${ms(row.warden.ms)} | ${ref ? `${ms(ref.ms)} (${ref.label})` : '—'} | ${ref ? `${(row.warden.ms / ref.ms).toFixed(2)}×` : '—'} | ${ref ? `${(row.warden.bestMs / ref.bestMs).toFixed(2)}×` : '—'} | ${ref && ref.cpuMs >= 30 ? `${(row.warden.cpuMs / ref.cpuMs).toFixed(2)}×` : '—'} | ${verdict(row)} | ${mb(row.warden.maxRssKb)} / ${ref ? mb(ref.maxRssKb) : '—'} |`,
    );
  }
  for (const p of pending) lines.push(`| ${p.figure} | — | not measured here | — | — | — | — | ${p.pending} | — |`);
  return lines.join('\n');
}

function raceTable(results: RaceResult[], floorMs: number): string {
  const lines = [
    `| ${RACERS} processes initialize one fresh file | succeeded (each round) | every version recorded once | integrity_check | wall (median) | CPU per process (median) | peak RSS per process | what the failures said |`,
    '| --- | --- | --- | --- | ---: | ---: | ---: | --- |',
  ];
  for (const r of results) {
    const reasons = new Map<string, number>();
    for (const round of r.rounds) for (const e of round.errors) reasons.set(e, (reasons.get(e) ?? 0) + 1);
    const said = [...reasons].map(([reason, n]) => `${n}× \`${reason.replace(/\|/g, '\\|').replace(/`/g, "'")}\``).join('; ') || '—';
    const once = r.rounds.map((round) => (round.versionsOnce ? 'yes' : `no (${round.recorded || 'nothing'})`)).join(', ');
    lines.push(
      `| ${r.tool} | ${r.rounds.map((round) => `${round.succeeded}/${RACERS}`).join(', ')} | ${once} | ${r.rounds.every((round) => round.integrityOk) ? 'ok' : 'FAILED'} | ${ms(r.medianWallMs)} | ${r.medianCpuMs < 10 ? '< 10 ms' : ms(r.medianCpuMs)} | ${mb(r.maxRssKb)} | ${said} |`,
    );
  }
  lines.push(
    '',
    `For scale: ${RACERS} × \`node -e ""\` started at once take ${ms(floorMs)} here (median): Node's own start-up, the floor of any Node tool in this race.`,
  );
  return lines.join('\n');
}

function memoryNote(rows: Row[]): string {
  const byFigure = new Map<string, Row[]>();
  // One line per measured side: the rows comparing the same engine call with other references repeat it.
  const measured = rows.filter((row) => row.database.endsWith('MB') && (row.figure.endsWith('engine call') || row.figure.endsWith('CLI process')));
  for (const row of measured) byFigure.set(row.figure, [...(byFigure.get(row.figure) ?? []), row]);
  const parts: string[] = [];
  for (const [figure, list] of byFigure) {
    if (list.length < 2) continue;
    parts.push(`${figure}: ${list.map((r) => `${mb(r.warden.maxRssKb)} at ${r.database}`).join(', ')}`);
  }
  return parts.length ? parts.map((p) => `- ${p}`).join('\n') : '- (only one database size measured)';
}

async function pluggedFigure(entry: (typeof PLUGGED)[number]): Promise<Figure | PendingRow> {
  const path = join(BENCH_ROOT, entry.module);
  if (!existsSync(path)) return { figure: entry.title, pending: `pending: bench/${entry.module} is missing` };
  // A standalone script would run on import: only a module that declares the entry is loaded.
  if (!/export\s+(const|let)\s+figure\b/.test(readFileSync(path, 'utf8'))) {
    return { figure: entry.title, pending: `bench/${entry.module} exists but exports no \`figure: Figure\` (see bench/figures.ts); run it on its own` };
  }
  const module = (await import(pathToFileURL(path).href)) as { figure?: Figure };
  if (!module.figure || typeof module.figure.run !== 'function')
    return { figure: entry.title, pending: `bench/${entry.module} exists but exports no \`figure: Figure\` (see bench/figures.ts)` };
  return module.figure;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const sizes = args.quick ? SIZES.slice(0, 1) : SIZES;
  const selected = (id: string) => args.only === null || args.only.has(id);
  mkdirSync(CACHE_DIR, { recursive: true });
  const workDir = mkdtempSync(join(CACHE_DIR, 'work-'));
  const cleanUp = () => rmSync(workDir, { recursive: true, force: true });
  process.on('SIGINT', () => {
    cleanUp();
    process.exit(130);
  });
  try {
    const header = machine();
    const bundles = await bundle(join(CACHE_DIR, 'build'));
    const env: BenchEnv = {
      repoRoot: REPO_ROOT,
      schemaDir: SHIPPED_SCHEMA_DIR,
      workDir,
      sizes,
      quick: args.quick,
      runsFor: () => (args.quick ? 3 : 7),
      wardenCli: [process.execPath, bundles.warden],
      engineTask: [process.execPath, bundles.engineTask],
      kyselyMigrator: [process.execPath, bundles.kysely],
      database: (size, version) => ensureCachedDatabase({ files: size.files, version, log }),
      log,
    };
    // Generate every database first, so no figure's numbers include generation.
    for (const size of sizes) for (const version of ['1.0.0', '1.2.0']) await env.database(size, version);

    const rows: Row[] = [];
    const sections: string[] = [];
    const pending: PendingRow[] = [];
    const measure = async (figure: Figure) => {
      log(`${figure.title} …`);
      const result: Row[] | FigureResult = await figure.run(env);
      if (Array.isArray(result)) rows.push(...result);
      else {
        rows.push(...result.rows);
        sections.push(...(result.sections ?? []));
      }
    };
    for (const figure of ENGINE_FIGURES.filter((f) => selected(f.id))) await measure(figure);
    for (const entry of PLUGGED.filter((p) => selected(p.id))) {
      const plugged = await pluggedFigure(entry);
      if ('pending' in plugged) pending.push(plugged);
      else await measure(plugged);
    }
    const race = selected('race') ? await runInitRace(env, args.quick ? 1 : 3) : [];
    const floor = selected('race') ? await nodeStartFloor(args.quick ? 1 : 3) : 0;

    // Set against the results this run replaces, or else the repository's.
    const previousPath = [args.out, join(REPO_ROOT, 'bench/RESULTS.md')].find((path) => path && existsSync(path));
    const comparison = rows.length && previousPath ? comparisonSection(readFileSync(previousPath, 'utf8'), rows) : '';
    const report = [
      `Machine:\n${header}\n- load average at end ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
      `Databases: generated by bench/generate-database.ts (${sizes.map((s) => `${s.label} = ${s.files.toLocaleString('en')} files`).join(', ')}), page cache warm. Times are medians; ratios are Schema Warden ÷ reference. The CPU ratio is left out where the reference used under 30 ms of CPU (GNU time counts in 10 ms steps).`,
      ...(rows.length || pending.length
        ? [ratioTable(rows, pending), 'Peak memory of Schema Warden by database size (flat is the target):', memoryNote(rows)]
        : []),
      ...sections,
      comparison,
      race.length ? raceTable(race, floor) : '',
    ].filter(Boolean);
    const markdown = `${report.join('\n\n')}\n`;
    process.stdout.write(markdown);
    if (args.out) {
      const intro = '# Benchmark results\n\nWritten by `npm run bench -- --out bench/RESULTS.md`; see bench/README.md for what each figure measures.\n\n';
      // Notes written by hand below the marker survive a rerun.
      const previous = existsSync(args.out) ? readFileSync(args.out, 'utf8') : '';
      const notes = previous.includes(NOTES_MARKER) ? previous.slice(previous.indexOf(NOTES_MARKER)) : '';
      writeFileSync(args.out, `${intro}${markdown}${notes ? `\n${notes}` : ''}`);
      log(`wrote ${relative(process.cwd(), args.out)}`);
    }
  } finally {
    cleanUp();
  }
}

await main();

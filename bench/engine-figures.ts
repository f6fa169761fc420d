import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import semver from 'semver';
import { loadSchema } from '../electron/engine';
import type { BenchEnv, BenchSize, Figure, Row } from './figures';
import { engineCall, expectSuccess, measureProcess, outcomeOf, sideBySide, warmPageCache, wholeProcess, type Measurement } from './measure';

// Schema Warden's engine side by side with the sqlite3 shell doing the same work by hand.
// Each run alternates which side goes first; every figure is the median of its runs.

const SQLITE3 = 'sqlite3';

function migrationScript(env: BenchEnv, from: string | null, to: string): string {
  const { migrations } = loadSchema(env.schemaDir);
  return migrations
    .filter((m) => (from === null || semver.gt(m.version, from)) && semver.lte(m.version, to))
    .map((m) => `-- ${m.file}\n${m.sql}\n`)
    .join('\n');
}

const initialize: Figure = {
  id: 'initialize',
  title: 'initialize a fresh database',
  async run(env) {
    const dbPath = join(env.workDir, 'init', 'fresh.db');
    // The same SQL by hand, in one transaction as the engine does (per-statement autocommit would be slower).
    const script = `BEGIN;\n${migrationScript(env, null, '9999.0.0')}COMMIT;\n`;
    const prepare = () => {
      rmSync(dirname(dbPath), { recursive: true, force: true });
      mkdirSync(dirname(dbPath), { recursive: true });
    };
    const sqlite = {
      label: 'sqlite3 shell (same SQL)',
      run: () => wholeProcess(expectSuccess(measureProcess([SQLITE3, '-bail', dbPath], { input: script }), 'sqlite3 init')),
    };
    const runs = env.runsFor(null) + 4;
    const [cli, tsx, engine, node, version, shell] = sideBySide(runs, {
      prepare,
      sides: [
        {
          label: 'warden init (bundled CLI)',
          run: () =>
            wholeProcess(expectSuccess(measureProcess([...env.wardenCli, 'init', '--db', dbPath, '--schema', env.schemaDir, '--json']), 'warden init')),
        },
        {
          label: 'warden init (tsx, as npm run warden)',
          run: () =>
            wholeProcess(
              expectSuccess(
                measureProcess(
                  [
                    process.execPath,
                    '--import',
                    'tsx',
                    join(env.repoRoot, 'electron/cli/main.ts'),
                    'init',
                    '--db',
                    dbPath,
                    '--schema',
                    env.schemaDir,
                    '--json',
                  ],
                  { cwd: env.repoRoot },
                ),
                'warden init (tsx)',
              ),
            ),
        },
        {
          label: 'initialize() in-process',
          run: () => engineCall(expectSuccess(measureProcess([...env.engineTask, 'init', dbPath, env.schemaDir]), 'engine init')),
        },
        { label: 'node -e ""', run: () => wholeProcess(expectSuccess(measureProcess([process.execPath, '-e', '']), 'node')) },
        {
          label: 'warden --version (bundled CLI)',
          run: () => wholeProcess(expectSuccess(measureProcess([...env.wardenCli, '--version']), 'warden --version')),
        },
        sqlite,
      ],
    });
    return [
      { figure: 'initialize, process start counted', database: 'fresh file', warden: cli, reference: shell, target: 2 },
      {
        figure: 'initialize, process start counted (tsx)',
        database: 'fresh file',
        warden: tsx,
        reference: shell,
        note: 'development start-up: tsx compiles TypeScript on the fly',
      },
      {
        figure: 'initialize, engine call in-process',
        database: 'fresh file',
        warden: engine,
        reference: shell,
        note: 'reference still counts its own process start',
      },
      { figure: 'Node.js start-up alone (node -e ""), the floor of any Node CLI', database: '—', warden: node, reference: shell },
      {
        figure: 'CLI start: warden --version vs node -e ""',
        database: '—',
        warden: version,
        reference: node,
        note: `${(version.ms - node.ms).toFixed(0)} ms over Node's own start (target: ≤ 50 ms over it)`,
      },
    ];
  },
};

function verifyFigure(level: 'quick' | 'full'): Figure {
  const pragmas = level === 'quick' ? 'PRAGMA quick_check;' : 'PRAGMA integrity_check; PRAGMA foreign_key_check;';
  return {
    id: `verify-${level}`,
    title: `verify ${level}`,
    async run(env) {
      const rows: Row[] = [];
      for (const size of env.sizes) {
        const dbPath = await env.database(size, '1.2.0');
        warmPageCache(dbPath);
        const expect = (m: Measurement) => {
          expectSuccess(m, `verify ${level}`);
          if (!outcomeOf(m).startsWith('healthy integrity=true fk=0')) throw new Error(`verify ${level} of ${dbPath}: ${outcomeOf(m)}`);
          return m;
        };
        const [engine, cli, shell, bare] = sideBySide(env.runsFor(size), {
          sides: [
            {
              label: `verify(${level}) in-process`,
              run: () => engineCall(expect(measureProcess([...env.engineTask, `verify-${level}`, dbPath, env.schemaDir]))),
            },
            {
              label: `warden verify${level === 'full' ? ' --full' : ''} (bundled CLI)`,
              run: () =>
                wholeProcess(
                  expectSuccess(
                    measureProcess([...env.wardenCli, 'verify', ...(level === 'full' ? ['--full'] : []), '--db', dbPath, '--schema', env.schemaDir, '--json']),
                    'warden verify',
                  ),
                ),
            },
            {
              label: `sqlite3 ${pragmas}`,
              run: () => {
                const m = expectSuccess(measureProcess([SQLITE3, dbPath, pragmas]), 'sqlite3 check');
                if (m.stdout.trim() !== 'ok') throw new Error(`sqlite3 ${pragmas} on ${dbPath}: ${m.stdout.slice(0, 500)}`);
                return wholeProcess(m);
              },
            },
            {
              label: 'the same PRAGMAs through better-sqlite3',
              run: () => engineCall(expectSuccess(measureProcess([...env.engineTask, `bare-${level}`, dbPath, env.schemaDir]), `bare ${level}`)),
            },
          ],
        });
        const what = level === 'quick' ? 'quick_check' : 'integrity_check + foreign_key_check';
        // Issue 25: the full check on every core at half the shell's time; the quick check (status, the gate) at three quarters.
        const target = level === 'full' ? 0.5 : 0.75;
        rows.push({ figure: `verify ${level} vs ${what}, engine call`, database: size.label, warden: engine, reference: shell, target });
        rows.push({
          figure: `verify ${level} vs ${what}, CLI process`,
          database: size.label,
          warden: cli,
          reference: shell,
          target,
          note: 'process start counted (Node ≈ 60 ms)',
        });
        rows.push({
          figure: `verify ${level}, engine call vs the same PRAGMAs in the same SQLite (better-sqlite3)`,
          database: size.label,
          warden: engine,
          reference: bare,
        });
      }
      return rows;
    },
  };
}

const migrate: Figure = {
  id: 'migrate',
  title: 'migrate 1.0.0 → 1.2.0',
  async run(env) {
    const rows: Row[] = [];
    // By hand: foreign keys off (the rebuilds would cascade), one transaction for both steps.
    const script = `PRAGMA foreign_keys = OFF;\nBEGIN;\n${migrationScript(env, '1.0.0', '9999.0.0')}COMMIT;\n`;
    // The whole procedure of sqlite.org/lang_altertable.html, step 10 included: foreign_key_check before COMMIT.
    const checkedScript = script.replace(/COMMIT;\n$/, 'PRAGMA foreign_key_check;\nCOMMIT;\n');
    for (const size of env.sizes) {
      const source = await env.database(size, '1.0.0');
      const dbPath = join(env.workDir, `migrate-${size.files}.db`);
      const prepare = () => {
        for (const suffix of ['-journal', '-wal']) rmSync(dbPath + suffix, { force: true });
        copyFileSync(source, dbPath);
        warmPageCache(dbPath);
      };
      const sides = [
        {
          label: 'migrate() in-process',
          run: () => {
            const m = expectSuccess(measureProcess([...env.engineTask, 'migrate', dbPath, env.schemaDir]), 'engine migrate');
            if (outcomeOf(m) !== '1.2.0') throw new Error(`engine migrate reached ${outcomeOf(m)}`);
            return engineCall(m);
          },
        },
        {
          label: 'warden migrate (bundled CLI)',
          run: () =>
            wholeProcess(expectSuccess(measureProcess([...env.wardenCli, 'migrate', '--db', dbPath, '--schema', env.schemaDir, '--json']), 'warden migrate')),
        },
        {
          label: 'sqlite3 shell (same SQL, one transaction, foreign_keys off)',
          run: () => wholeProcess(expectSuccess(measureProcess([SQLITE3, '-bail', dbPath], { input: script }), 'sqlite3 migrate')),
        },
        {
          label: 'sqlite3 shell, + foreign_key_check before COMMIT',
          run: () => wholeProcess(expectSuccess(measureProcess([SQLITE3, '-bail', dbPath], { input: checkedScript }), 'sqlite3 migrate (checked)')),
        },
      ];
      sides.push({
        label: 'the same SQL + foreign_key_check through better-sqlite3',
        run: () => engineCall(expectSuccess(measureProcess([...env.engineTask, 'bare-migrate', dbPath, env.schemaDir]), 'bare migrate')),
      });
      const [engine, cli, shell, checked, bare] = sideBySide(env.runsFor(size), { prepare, sides });
      rmSync(dbPath, { force: true });
      rows.push({ figure: 'migrate 1.0.0 → 1.2.0, engine call', database: size.label, warden: engine, reference: shell, target: 1.2 });
      rows.push({ figure: 'migrate 1.0.0 → 1.2.0, CLI process', database: size.label, warden: cli, reference: shell, note: 'process start counted' });
      rows.push({ figure: 'migrate 1.0.0 → 1.2.0, engine call vs the full rebuild procedure', database: size.label, warden: engine, reference: checked });
      rows.push({
        figure: 'migrate 1.0.0 → 1.2.0, engine call vs the full rebuild procedure in the same SQLite (better-sqlite3)',
        database: size.label,
        warden: engine,
        reference: bare,
      });
    }
    return rows;
  },
};

export const ENGINE_FIGURES: Figure[] = [initialize, verifyFigure('quick'), verifyFigure('full'), migrate];

export type { BenchSize };

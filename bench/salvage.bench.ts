import { execFileSync } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Figure, FigureResult, Row } from './figures';
import { expectSuccess, measureProcess, sideBySide, warmPageCache, wholeProcess, type Measurement } from './measure';

// The salvage figure of `npm run bench` (`npm run bench -- --only salvage`): `warden salvage` of a
// copy of the bench database with a few pages overwritten, against `warden verify --full` of the
// intact file, side by side in one run (issue 21: salvage must take less time than the full check).
// Both are the bundled CLI as it ships, so both pay Node's start-up.
//
// A third side is the floor of any salvage that rebuilds the file row by row and checks it: the
// sqlite3 shell copying every row of the intact file into a new file at the same schema (INSERT …
// SELECT, tables first, then the indexes and triggers, as salvage builds), then running
// integrity_check and foreign_key_check on it. None of our reading is in it: it is SQLite's own
// cost of writing the rows and checking the result, which salvage pays as well.

const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
const DAMAGED_PAGES = 5;

/** Five pages of the middle of the file overwritten with a pattern, as a stray write would. */
function overwriteFewPages(path: string, pages: number): void {
  const fd = openSync(path, 'r+');
  try {
    for (let k = 0; k < DAMAGED_PAGES; k++) writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, Math.floor(pages * (0.3 + 0.1 * k)) * 4096);
  } finally {
    closeSync(fd);
  }
}

/** The shell script that rebuilds `intact` into the new file the shell opens: its schema, its rows, then the check. */
function rebuildScript(intact: string): string {
  const objects = execFileSync(
    'sqlite3',
    ['-json', intact, "SELECT type, name, sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"],
    {
      encoding: 'utf8',
    },
  );
  const list = JSON.parse(objects || '[]') as { type: string; name: string; sql: string }[];
  const tables = list.filter((o) => o.type === 'table');
  const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;
  return [
    'PRAGMA foreign_keys = OFF;',
    `ATTACH '${intact.replace(/'/g, "''")}' AS intact;`,
    'BEGIN;',
    ...tables.map((t) => `${t.sql};`),
    // WHERE 1 keeps SQLite from copying the records whole (its transfer optimisation, which needs an intact source).
    ...tables.map((t) => `INSERT INTO main.${quoted(t.name)} SELECT * FROM intact.${quoted(t.name)} WHERE 1;`),
    ...list.filter((o) => o.type !== 'table').map((o) => `${o.sql};`),
    'COMMIT;',
    'PRAGMA integrity_check;',
    'PRAGMA foreign_key_check;',
  ].join('\n');
}

/** Salvage exits 1 when rows were lost (the damaged pages held some): a figure only from a run that wrote its new file. */
function expectSalvaged(m: Measurement, out: string): Measurement {
  if (m.exitCode !== 0 && m.exitCode !== 1) expectSuccess(m, 'warden salvage');
  if (!existsSync(out)) throw new Error(`warden salvage exited ${m.exitCode} but wrote no ${out}:\n${m.stderr.slice(-2000)}`);
  return m;
}

export const figure: Figure = {
  id: 'salvage',
  title: 'salvage (a few pages overwritten) vs verify --full of the intact file',
  async run(env): Promise<FigureResult> {
    const rows: Row[] = [];
    const peaks: string[] = [];
    const outDir = join(env.workDir, 'salvage-out');
    for (const size of env.sizes) {
      const intact = await env.database(size, '1.2.0');
      const damaged = join(env.workDir, `salvage-${size.files}.db`);
      copyFileSync(intact, damaged);
      const pages = Math.floor(statSync(damaged).size / 4096);
      overwriteFewPages(damaged, pages);
      warmPageCache(intact);
      warmPageCache(damaged);
      const out = join(outDir, 'salvaged.db');
      const script = rebuildScript(intact);
      const [salvage, verify, rebuild] = sideBySide(env.runsFor(size), {
        prepare: () => {
          rmSync(outDir, { recursive: true, force: true });
          mkdirSync(outDir, { recursive: true });
        },
        sides: [
          {
            label: 'warden salvage --out (bundled CLI)',
            run: () =>
              wholeProcess(
                expectSalvaged(measureProcess([...env.wardenCli, 'salvage', '--db', damaged, '--out', out, '--schema', env.schemaDir, '--json']), out),
              ),
          },
          {
            label: 'warden verify --full (bundled CLI)',
            run: () =>
              wholeProcess(
                expectSuccess(
                  measureProcess([...env.wardenCli, 'verify', '--full', '--db', intact, '--schema', env.schemaDir, '--json']),
                  'warden verify --full',
                ),
              ),
          },
          {
            label: 'sqlite3: the rows into a new file, then integrity_check + foreign_key_check',
            run: () => wholeProcess(expectSuccess(measureProcess(['sqlite3', join(outDir, 'rebuilt.db')], { input: script }), 'sqlite3 rebuild')),
          },
        ],
      });
      rmSync(outDir, { recursive: true, force: true });
      rmSync(damaged, { force: true });
      rows.push({
        figure: `salvage of a file with ${DAMAGED_PAGES} pages overwritten vs verify --full of the intact file, CLI process`,
        database: size.label,
        warden: salvage,
        reference: verify,
        target: 1,
      });
      rows.push({
        figure: `salvage of a file with ${DAMAGED_PAGES} pages overwritten vs the sqlite3 shell rebuilding the intact file's rows and checking them, CLI process`,
        database: size.label,
        warden: salvage,
        reference: rebuild,
      });
      peaks.push(`${mb(salvage.maxRssKb)} at ${size.label}`);
    }
    return { rows, sections: [`Peak RSS of warden salvage (flat in the file's size is the target): ${peaks.join(', ')}.`] };
  },
};

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SalvageReport } from '../../shared/types/repair';
import { initialize } from '../engine/actions/initialize';
import { resultOf, runCli } from '../engine/test-support/cli';
import { overwritePage, pagesOf } from '../engine/test-support/damage';
import { CHILD_TABLES, contextFor, countRows, seedFiles, sha256File, tempDir } from '../engine/test-support/fixtures';

// `warden salvage` as a support engineer runs it. The referees: the sqlite3 shell's counts of the
// intact file, and dbstat's cell count of the leaf page that is then overwritten (the rows that
// cannot come back, and no more).

const TABLES = ['conversation_files', ...CHILD_TABLES];

async function seeded(): Promise<string> {
  const dbPath = join(tempDir(), 'chat.db');
  await initialize(contextFor(dbPath));
  seedFiles(dbPath, 1500);
  return dbPath;
}

const cellsOn = (path: string, page: number) =>
  Number(execFileSync('sqlite3', [path, `SELECT ncell FROM dbstat WHERE pageno = ${page}`], { encoding: 'utf8' }).trim());

describe('warden salvage', () => {
  it("a damaged table leaf: every other row comes back, exactly the leaf's rows are missing, exit 1, the damaged file untouched", async () => {
    const dbPath = await seeded();
    const before = Object.fromEntries(TABLES.map((t) => [t, countRows(dbPath, t)]));
    const leaf = pagesOf(dbPath, 'file_metadata').filter((p) => p.pageType === 'leaf')[4].page;
    const onLeaf = cellsOn(dbPath, leaf);
    expect(onLeaf).toBeGreaterThan(0);
    overwritePage(dbPath, leaf);
    const damaged = sha256File(dbPath);
    const out = join(tempDir(), 'salvaged.db');

    const run = runCli(['salvage', '--db', dbPath, '--out', out]);
    expect(run.stderr).not.toContain('bug in Schema Warden');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(out);
    expect(run.stdout).toMatch(/file_metadata/);
    expect(sha256File(dbPath)).toBe(damaged);

    expect(execFileSync('sqlite3', [out, 'PRAGMA integrity_check'], { encoding: 'utf8' }).trim()).toBe('ok');
    for (const table of TABLES) {
      expect(countRows(out, table), table).toBe(table === 'file_metadata' ? before[table] - onLeaf : before[table]);
    }
  });

  it("--json: the report as a document, counts equal to the new file's", async () => {
    const dbPath = await seeded();
    overwritePage(dbPath, pagesOf(dbPath, 'file_access_log').filter((p) => p.pageType === 'leaf')[2].page);
    const out = join(tempDir(), 'salvaged.db');
    const run = runCli(['salvage', '--db', dbPath, '--out', out, '--json']);
    expect(run.code).toBe(1);
    const report = resultOf(run) as SalvageReport;
    expect(report.out).toBe(out);
    expect(report.integrity.ok).toBe(true);
    for (const table of report.tables.filter((t) => t.salvaged !== null)) expect(countRows(out, table.name), table.name).toBe(table.salvaged);
    expect(report.unreadablePages.map((p) => p.owner)).toContain('file_access_log');
  });

  it('an intact file: everything comes back, exit 0', async () => {
    const dbPath = await seeded();
    const out = join(tempDir(), 'copy.db');
    const run = runCli(['salvage', '--db', dbPath, '--out', out]);
    expect(run.code).toBe(0);
    for (const table of TABLES) expect(countRows(out, table), table).toBe(countRows(dbPath, table));
  });

  it('an --out that exists is refused (exit 2, the file left as it was), and a missing --out is a usage error (64)', async () => {
    const dbPath = await seeded();
    const out = join(tempDir(), 'taken.db');
    writeFileSync(out, 'mine');
    const run = runCli(['salvage', '--db', dbPath, '--out', out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(out);
    expect(execFileSync('cat', [out], { encoding: 'utf8' })).toBe('mine');
    const missing = runCli(['salvage', '--db', dbPath]);
    expect(missing.code).toBe(64);
    expect(missing.stderr).toContain("required option '--out <file>'");
  });
});

import { join } from 'node:path';
import { existsSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { initialize } from '../../../actions/initialize';
import { migrate } from '../../../actions/migrate';
import { plan } from '../../../actions/plan';
import { rehearse } from '../../../actions/rehearse';
import { repair } from '../../../actions/repair';
import { loadSchema } from '../../schema/schema-folder';
import { status } from '../../../actions/status';
import { verify } from '../../../actions/verify';
import { contextFor, sha256File, sqlite3 } from '../../../test-support/fixtures';
import { flywayCreateScript, flywayInsert, javaChecksums, type FlywayRow } from '../../../test-support/flyway-referee';
import { toolApp, type ToolApp } from '../../../test-support/tool-app';

// Flyway's repeatable migrations (R__<description>.sql): applied after the versioned ones, in the
// order of their descriptions, and again whenever their checksum changes; each run one more row of
// flyway_schema_history with version NULL. Flyway is played by the sqlite3 shell as its documentation
// says it runs them, with its checksums from the JDK (test-support/FlywayChecksum.java).

const V: [string, string][] = [
  ['V1__create_notes.sql', 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);\n'],
  ['V2__note_tags.sql', 'ALTER TABLE notes ADD COLUMN tags TEXT;\n'],
  ['V3__note_pins.sql', 'ALTER TABLE notes ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;\n'],
];
const VIEWS_V2 = 'DROP VIEW IF EXISTS tagged_notes;\r\nCREATE VIEW tagged_notes AS SELECT id, body, tags FROM notes WHERE tags IS NOT NULL;\r\n';
// The release that brings V3 changes the view to show the pin: it fits the latest schema only.
const VIEWS_V3 = 'DROP VIEW IF EXISTS tagged_notes;\nCREATE VIEW tagged_notes AS SELECT id, body, tags, pinned FROM notes WHERE tags IS NOT NULL;\n';
const COUNTS = 'DROP VIEW IF EXISTS note_counts;\nCREATE VIEW note_counts AS SELECT count(*) AS notes FROM notes;\n';

const words = (file: string) =>
  file
    .replace(/^(V[\d_]+|R)__/, '')
    .replace(/\.sql$/, '')
    .replace(/_/g, ' ');
const ROW = 'installed_rank, quote(version), description, type, script, checksum, installed_by, success';
const historyRows = (path: string) => sqlite3(path, `SELECT ${ROW} FROM flyway_schema_history ORDER BY installed_rank`);

/** One `flyway migrate` run as Flyway does it on SQLite: the pending versioned scripts, then the given repeatables, each with its row in one transaction. */
function flywayRun(app: ToolApp, versioned: [string, string][], repeatables: [string, string][]): void {
  const files = [...versioned, ...repeatables];
  const checksums = javaChecksums(files.map(([file]) => join(app.migrationsDir, file)));
  const rank = Number(sqlite3(app.dbPath, "SELECT CASE WHEN EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'flyway_schema_history') THEN 1 ELSE 0 END"))
    ? Number(sqlite3(app.dbPath, 'SELECT max(installed_rank) FROM flyway_schema_history'))
    : 0;
  const create = rank === 0 ? `${flywayCreateScript()}\n` : '';
  const steps = files.map(([file, sql], k) => {
    const row: FlywayRow = {
      rank: rank + k + 1,
      version: file.startsWith('R__') ? null : file.slice(1, file.indexOf('__')),
      description: words(file),
      script: file,
      checksum: checksums[k],
    };
    return `BEGIN;\n${sql}\n${flywayInsert(row)}\nCOMMIT;`;
  });
  sqlite3(app.dbPath, `${create}${steps.join('\n')}`);
}

describe('Flyway repeatable migrations', () => {
  it('are read from the folder in the order of their descriptions, and two of one description are refused as Flyway refuses them', () => {
    const app = toolApp('flyway', [...V, ['R__tagged_notes.sql', VIEWS_V3], ['views/R__note_counts.sql', COUNTS]]);
    const schema = loadSchema(app.schemaDir);
    expect(schema.repeatables.map((r) => [r.file, r.description])).toEqual([
      ['views/R__note_counts.sql', 'note counts'],
      ['R__tagged_notes.sql', 'tagged notes'],
    ]);
    expect(schema.latest).toBe('3');
    const twice = toolApp('flyway', [...V, ['R__note_counts.sql', COUNTS], ['more/R__note_counts.sql', COUNTS]]);
    expect(() => loadSchema(twice.schemaDir)).toThrow(
      expect.objectContaining({
        code: 'SCHEMA_INVALID',
        message: expect.stringContaining('R__note_counts.sql and more/R__note_counts.sql are two repeatable migrations with the description "note counts"'),
      }),
    );
  });

  it('a changed repeatable is planned, rehearsed and applied after the new version, recorded as Flyway records it, and then never again while unchanged', async () => {
    // Flyway applied V1, V2 and the first tagged_notes view; the next release brings V3 and the view changed.
    const app = toolApp('flyway', [...V.slice(0, 2), ['R__tagged_notes.sql', VIEWS_V2]]);
    flywayRun(app, V.slice(0, 2), [['R__tagged_notes.sql', VIEWS_V2]]);
    sqlite3(app.dbPath, "INSERT INTO notes (body, tags) VALUES ('kept', 'a')");
    writeFileSync(join(app.migrationsDir, V[2][0]), V[2][1]);
    writeFileSync(join(app.migrationsDir, 'R__tagged_notes.sql'), VIEWS_V3);
    const ctx = contextFor(app.dbPath, loadSchema(app.schemaDir));

    // The view as Flyway made it from the older file is not drift below the latest version: adoptable as 2.
    expect(status(ctx)).toMatchObject({ legacy: { legacyVersion: '2' }, adoptable: true, pending: ['3'] });
    expect(plan(ctx)).toMatchObject({
      steps: [expect.objectContaining({ version: '3' })],
      repeatables: [{ file: 'R__tagged_notes.sql', description: 'tagged notes', reason: 'changed' }],
      blockers: [],
    });
    const before = sha256File(app.dbPath);
    const rehearsal = await rehearse(ctx);
    expect(rehearsal).toMatchObject({ ok: true, reached: '3', drift: [] });
    expect(rehearsal.steps.map((s) => [s.version, s.ok, s.repeatable ?? false])).toEqual([
      ['3', true, false],
      ['R__tagged_notes.sql', true, true],
    ]);
    expect(sha256File(app.dbPath)).toBe(before);

    const result = await migrate(ctx);
    expect(result).toMatchObject({
      applied: [expect.objectContaining({ version: '3' })],
      repeated: [expect.objectContaining({ file: 'R__tagged_notes.sql' })],
      backup: { verified: { ok: true } },
    });
    expect(sqlite3(app.dbPath, 'SELECT id, body, tags, pinned FROM tagged_notes')).toBe('1|kept|a|0');

    // Flyway's own two runs, from the same files: the same rows, rank for rank.
    const byFlyway = toolApp('flyway', [...V.slice(0, 2), ['R__tagged_notes.sql', VIEWS_V2]]);
    flywayRun(byFlyway, V.slice(0, 2), [['R__tagged_notes.sql', VIEWS_V2]]);
    writeFileSync(join(byFlyway.migrationsDir, V[2][0]), V[2][1]);
    writeFileSync(join(byFlyway.migrationsDir, 'R__tagged_notes.sql'), VIEWS_V3);
    flywayRun(byFlyway, [V[2]], [['R__tagged_notes.sql', VIEWS_V3]]);
    expect(historyRows(app.dbPath)).toBe(historyRows(byFlyway.dbPath));
    expect(sqlite3(app.dbPath, 'SELECT checksum FROM flyway_schema_history WHERE installed_rank = 5')).toBe(
      String(javaChecksums([join(app.migrationsDir, 'R__tagged_notes.sql')])[0]),
    );
    expect(await verify(ctx, 'full')).toMatchObject({ status: 'healthy', problems: [] });

    const again = await migrate(ctx);
    expect(again).toMatchObject({ upToDate: true, applied: [], repeated: [], backup: null });
    expect(sqlite3(app.dbPath, 'SELECT count(*) FROM flyway_schema_history')).toBe('5');
  });

  it('a new repeatable with no version pending is shown by status and plan, applied by migrate after a backup, and a CRLF checkout of it is no change', async () => {
    const app = toolApp('flyway', V);
    flywayRun(app, V, []);
    writeFileSync(join(app.migrationsDir, 'R__note_counts.sql'), COUNTS);
    const ctx = contextFor(app.dbPath, loadSchema(app.schemaDir));
    expect(status(ctx).problems).toContainEqual(
      expect.objectContaining({ kind: 'version', name: 'R__note_counts.sql', change: 'missing', message: expect.stringContaining('has never been applied') }),
    );
    expect(plan(ctx)).toMatchObject({ steps: [], repeatables: [expect.objectContaining({ file: 'R__note_counts.sql', reason: 'new' })] });
    const rehearsal = await rehearse(ctx);
    expect(rehearsal).toMatchObject({ ok: true, drift: [] });
    expect(rehearsal.steps.map((s) => [s.version, s.repeatable])).toEqual([['R__note_counts.sql', true]]);
    const result = await migrate(ctx);
    expect(result).toMatchObject({
      upToDate: false,
      applied: [],
      repeated: [expect.objectContaining({ file: 'R__note_counts.sql' })],
      backup: { reason: 'pre-migrate' },
    });
    expect(sqlite3(app.dbPath, 'SELECT installed_rank, quote(version), script FROM flyway_schema_history WHERE installed_rank = 4')).toBe(
      '4|NULL|R__note_counts.sql',
    );

    writeFileSync(join(app.migrationsDir, 'R__note_counts.sql'), COUNTS.replace(/\n/g, '\r\n'));
    const crlf = contextFor(app.dbPath, loadSchema(app.schemaDir));
    expect(plan(crlf).repeatables).toEqual([]);
    expect(status(crlf).problems.filter((p) => p.kind === 'version')).toEqual([]);
  });

  it('created by warden init: the versions, then every repeatable in description order, the rows Flyway writes for its first migrate', async () => {
    const files: [string, string][] = [...V, ['R__tagged_notes.sql', VIEWS_V3], ['R__note_counts.sql', COUNTS]];
    const app = toolApp('flyway', files);
    const result = await initialize(contextFor(app.dbPath, loadSchema(app.migrationsDir)));
    expect(result.repeated.map((r) => r.file)).toEqual(['R__note_counts.sql', 'R__tagged_notes.sql']);
    const byFlyway = toolApp('flyway', files);
    flywayRun(byFlyway, V, [
      ['R__note_counts.sql', COUNTS],
      ['R__tagged_notes.sql', VIEWS_V3],
    ]);
    expect(historyRows(app.dbPath)).toBe(historyRows(byFlyway.dbPath));
  });

  it('a view a repeatable made, dropped by hand, is found missing by verify and recreated by repair as the repeatable makes it', async () => {
    const app = toolApp('flyway', [...V, ['R__tagged_notes.sql', VIEWS_V3]]);
    const ctx = contextFor(app.dbPath, loadSchema(app.schemaDir));
    await initialize(ctx);
    const made = sqlite3(app.dbPath, "SELECT sql FROM sqlite_master WHERE name = 'tagged_notes'");
    sqlite3(app.dbPath, 'DROP VIEW tagged_notes');
    expect((await verify(ctx, 'quick')).problems).toContainEqual(expect.objectContaining({ kind: 'view', name: 'tagged_notes', change: 'missing' }));
    expect(await repair(ctx, { backup: false })).toMatchObject({ recreated: [expect.objectContaining({ name: 'tagged_notes' })] });
    expect(sqlite3(app.dbPath, "SELECT sql FROM sqlite_master WHERE name = 'tagged_notes'")).toBe(made);
    expect(await verify(ctx, 'full')).toMatchObject({ problems: [] });
  });

  it('one that fails on the latest schema makes the folder invalid before the file is touched', async () => {
    const app = toolApp('flyway', [...V, ['R__broken.sql', 'CREATE INDEX notes_colour ON notes (colour);\n']]);
    const ctx = contextFor(app.dbPath, loadSchema(app.schemaDir));
    await expect(initialize(ctx)).rejects.toMatchObject({
      code: 'SCHEMA_INVALID',
      message: expect.stringContaining('The repeatable migration R__broken.sql of schema notes_app fails after the latest version (3): no such column: colour'),
    });
    expect(existsSync(app.dbPath)).toBe(false);
  });
});

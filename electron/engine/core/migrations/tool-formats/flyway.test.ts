import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { history } from '../../../actions/history';
import { initialize } from '../../../actions/initialize';
import { migrate } from '../../../actions/migrate';
import { plan } from '../../../actions/plan';
import { rehearse } from '../../../actions/rehearse';
import { loadSchema } from '../../schema/schema-folder';
import { status } from '../../../actions/status';
import { flywayChecksum } from './flyway';
import { verify } from '../../../actions/verify';
import { contextFor, sha256File, sqlite3, tempDir } from '../../../test-support/fixtures';
import { flywayCreateScript, javaChecksums } from '../../../test-support/flyway-referee';
import { folderDigest, toolApp, type ToolApp } from '../../../test-support/tool-app';

// A Flyway app brought as it is: V<version>__<description>.sql files and flyway_schema_history.
// Flyway runs on the JVM from Maven Central, which is not reachable here; its checksum is refereed by
// the JDK itself (test-support/FlywayChecksum.java: Flyway's published ChecksumCalculator on the JDK's
// BufferedReader and CRC32), and the sqlite3 shell plays Flyway's migrate with the statements
// Flyway runs on SQLite (its create script; its insert, installed_on left to the column default).

const FILES: [string, string][] = [
  ['V1__create_notes.sql', 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);\nCREATE INDEX notes_body ON notes (body);\n'],
  // A Windows checkout: a BOM and CRLF line endings, which Flyway's checksum leaves out.
  ['V1_1__note_tags.sql', '\uFEFF-- tags for notes\r\nALTER TABLE notes ADD COLUMN tags TEXT;\r\n'],
  ['V2__note_pins.sql', '-- épingles\n\nALTER TABLE notes ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;\n\nCREATE INDEX notes_pinned ON notes (pinned);'],
  ['V10__note_colour.sql', 'ALTER TABLE notes ADD COLUMN colour TEXT;\n'],
];

const CREATE_HISTORY = flywayCreateScript();

const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** `flyway migrate` of the first `count` files as Flyway runs it on SQLite: each script and its history row in one transaction. */
function flywayMigrate(app: ToolApp, count: number, failLast = false): void {
  const files = FILES.slice(0, count);
  const checksums = javaChecksums(files.map(([file]) => join(app.migrationsDir, file)));
  const steps = files.map(([file, sql], k) => {
    const [, version, words] = /^V([\d_.]+)__(.*)\.sql$/.exec(file)!;
    const failed = failLast && k === files.length - 1;
    const row = `INSERT INTO "flyway_schema_history" ("installed_rank", "version", "description", "type", "script", "checksum", "installed_by", "execution_time", "success") VALUES (${k + 1}, ${quote(version.replace(/_/g, '.'))}, ${quote(words.replace(/_/g, ' '))}, 'SQL', ${quote(file)}, ${checksums[k]}, '', 3, ${failed ? 0 : 1});`;
    // A failed migration outside a transaction (executeInTransaction=false) leaves its failed row behind.
    return failed ? row : `BEGIN;\n${sql.replace(/^\uFEFF/, '')}\n${row}\nCOMMIT;`;
  });
  sqlite3(app.dbPath, `${CREATE_HISTORY}\n${steps.join('\n')}`);
}

const ROW =
  'installed_rank, version, description, type, script, checksum, installed_by, success, typeof(installed_rank), typeof(checksum), typeof(success), typeof(execution_time)';
const historyRows = (path: string) => sqlite3(path, `SELECT ${ROW} FROM flyway_schema_history ORDER BY installed_rank`);
const historyObjects = (path: string) => sqlite3(path, "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'flyway_schema_history' ORDER BY name");

describe('a Flyway app', () => {
  it("computes Flyway's checksum as the JDK does with Flyway's algorithm: lines without their endings, a BOM dropped, signed", () => {
    const dir = tempDir();
    const texts = ['', 'SELECT 1;', 'a\r\nb\rc\n\n', '\uFEFFCREATE TABLE t (x);\r\n', 'x\n\uFEFFy', '-- ünïcödé ✓ 𝄞\nSELECT 2;\n', 'line\n'.repeat(5000)];
    const paths = texts.map((text, k) => {
      writeFileSync(join(dir, `${k}.sql`), text);
      return join(dir, `${k}.sql`);
    });
    expect(texts.map(flywayChecksum)).toEqual(javaChecksums(paths));
    expect(javaChecksums(paths).some((n) => n < 0)).toBe(true); // the signed range is exercised
  });

  it("computes the checksum of a repeatable migration (R__) as read from the folder, a sub-folder's included, as the JDK does with Flyway's algorithm", () => {
    const repeatables: [string, string][] = [
      ['R__views.sql', '\uFEFFDROP VIEW IF EXISTS v;\r\nCREATE VIEW v AS SELECT 1;\r\n'],
      ['views/R__counts.sql', '-- compte ✓\n\nCREATE VIEW IF NOT EXISTS c AS SELECT 2;'],
    ];
    const app = toolApp('flyway', [FILES[0], ...repeatables]);
    const read = loadSchema(app.schemaDir).repeatables;
    expect(read.map((r) => r.file)).toEqual(['views/R__counts.sql', 'R__views.sql']);
    expect(read.map((r) => flywayChecksum(r.raw))).toEqual(javaChecksums(read.map((r) => join(app.migrationsDir, r.file))));
  });

  it("reads the folder as it is: versions as Flyway names them (V1_1 is 1.1) in Flyway's order (10 after 2), undo files left alone, a repeatable one read apart", () => {
    const app = toolApp('flyway', [...FILES, ['U2__note_pins.sql', 'DROP INDEX notes_pinned;\n']]);
    const before = folderDigest(app.migrationsDir);
    const schema = loadSchema(app.schemaDir);
    expect(schema.migrations.map((m) => [m.version, m.description, m.file])).toEqual([
      ['1', 'create notes', 'V1__create_notes.sql'],
      ['1.1', 'note tags', 'V1_1__note_tags.sql'],
      ['2', 'note pins', 'V2__note_pins.sql'],
      ['10', 'note colour', 'V10__note_colour.sql'],
    ]);
    expect(schema).toMatchObject({
      latest: '10',
      versionNames: 'dotted',
      migrationFormat: 'flyway',
      appVersionTable: { table: 'flyway_schema_history', tool: 'flyway' },
    });
    expect(loadSchema(app.migrationsDir)).toMatchObject({ detected: true, migrationFormat: 'flyway', latest: '10' });
    expect(folderDigest(app.migrationsDir)).toEqual(before);
    // A repeatable migration is read beside them, not as a version (see flyway-repeatables.test.ts).
    const repeatable = toolApp('flyway', [...FILES, ['R__views.sql', 'CREATE VIEW v AS SELECT 1;\n']]);
    expect(loadSchema(repeatable.schemaDir)).toMatchObject({
      latest: '10',
      repeatables: [expect.objectContaining({ file: 'R__views.sql', description: 'views' })],
    });
  });

  it('is adopted where Flyway left it, migrated the rest with a verified backup first, and flyway_schema_history then holds the rows Flyway would write', async () => {
    const app = toolApp('flyway', FILES, 2);
    flywayMigrate(app, 2);
    sqlite3(app.dbPath, "INSERT INTO notes (body, tags) VALUES ('kept', 'a'), ('also kept', NULL)");
    app.addAll();
    const folder = folderDigest(app.migrationsDir);
    const ctx = contextFor(app.dbPath, loadSchema(app.schemaDir));

    expect(status(ctx)).toMatchObject({
      version: null,
      legacy: { table: 'flyway_schema_history', legacyVersion: '1.1', version: '1.1' },
      adoptable: true,
      pending: ['2', '10'],
    });
    expect(plan(ctx)).toMatchObject({
      adopt: { legacyVersion: '1.1' },
      steps: [expect.objectContaining({ version: '2' }), expect.objectContaining({ version: '10' })],
      blockers: [],
    });
    const result = await migrate(ctx);
    expect(result).toMatchObject({
      adopted: { version: '1.1' },
      applied: [expect.objectContaining({ version: '2' }), expect.objectContaining({ version: '10' })],
      backup: { verified: { ok: true } },
    });
    expect(sqlite3(result.backup!.path, 'SELECT count(*) FROM flyway_schema_history')).toBe('2');
    expect(history(ctx).versions.map((v) => [v.version, v.kind])).toEqual([
      ['10', 'migrate'],
      ['2', 'migrate'],
      ['1.1', 'baseline'],
    ]);
    expect(await verify(ctx, 'full')).toMatchObject({ status: 'healthy', problems: [] });

    const byFlyway = toolApp('flyway', FILES);
    flywayMigrate(byFlyway, 4);
    expect(historyRows(app.dbPath)).toBe(historyRows(byFlyway.dbPath));
    expect(historyObjects(app.dbPath)).toBe(historyObjects(byFlyway.dbPath));
    // installed_on as its default writes it, later than Flyway's own rows.
    expect(
      sqlite3(
        app.dbPath,
        "SELECT count(*) FROM flyway_schema_history WHERE installed_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]' AND execution_time >= 0",
      ),
    ).toBe('4');
    expect(sqlite3(app.dbPath, 'SELECT count(*) FROM notes WHERE pinned = 0 AND colour IS NULL')).toBe('2');
    expect(folderDigest(app.migrationsDir)).toEqual(folder);
  });

  it('adopts a database Flyway baselined (its << Flyway Baseline >> row) and writes a migration from a sub-folder with its path as the script', async () => {
    const files: [string, string][] = [FILES[0], FILES[1], ['release_2/V2__note_pins.sql', FILES[2][1]]];
    const app = toolApp('flyway', files);
    // An existing database brought under Flyway with flyway baseline -baselineVersion=1.1: the schema was made by hand.
    sqlite3(
      app.dbPath,
      `${FILES[0][1]}${FILES[1][1].replace(/^\uFEFF/, '')}\n${CREATE_HISTORY}\nINSERT INTO "flyway_schema_history" ("installed_rank", "version", "description", "type", "script", "checksum", "installed_by", "execution_time", "success") VALUES (1, '1.1', '<< Flyway Baseline >>', 'BASELINE', '<< Flyway Baseline >>', NULL, '', 0, 1);`,
    );
    const ctx = contextFor(app.dbPath, loadSchema(app.schemaDir));
    expect(ctx.schema.migrations.map((m) => m.file)).toEqual(['V1__create_notes.sql', 'V1_1__note_tags.sql', 'release_2/V2__note_pins.sql']);
    expect(status(ctx)).toMatchObject({ legacy: { legacyVersion: '1.1', version: '1.1' }, adoptable: true, pending: ['2'] });
    await migrate(ctx);
    const [checksum] = javaChecksums([join(app.migrationsDir, 'release_2/V2__note_pins.sql')]);
    expect(sqlite3(app.dbPath, 'SELECT installed_rank, version, type, script, checksum, success FROM flyway_schema_history ORDER BY installed_rank')).toBe(
      `1|1.1|BASELINE|<< Flyway Baseline >>||1\n2|2|SQL|release_2/V2__note_pins.sql|${checksum}|1`,
    );
    expect(status(ctx).problems.filter((p) => p.kind === 'checksum')).toEqual([]);
  });

  it("created by warden init from the folder given as it is gets Flyway's table and the rows Flyway would write", async () => {
    const app = toolApp('flyway', FILES);
    await initialize(contextFor(app.dbPath, loadSchema(app.migrationsDir)));
    const byFlyway = toolApp('flyway', FILES);
    flywayMigrate(byFlyway, 4);
    expect(historyObjects(app.dbPath)).toBe(historyObjects(byFlyway.dbPath));
    expect(historyRows(app.dbPath)).toBe(historyRows(byFlyway.dbPath));
  });

  it('where Flyway itself applied a later migration after warden, records it as applied and never runs it again', async () => {
    const app = toolApp('flyway', FILES);
    await initialize(contextFor(app.dbPath, loadSchema(app.schemaDir)), { to: '1.1' });
    // The app's next release runs flyway migrate at start-up: V2 (which also seeds a note) is applied by Flyway.
    const [, v2] = FILES[2];
    const [checksum] = javaChecksums([join(app.migrationsDir, FILES[2][0])]);
    sqlite3(
      app.dbPath,
      `BEGIN;\n${v2};\nINSERT INTO notes (body) VALUES ('seeded by V2');\nINSERT INTO "flyway_schema_history" ("installed_rank", "version", "description", "type", "script", "checksum", "installed_by", "execution_time", "success") VALUES (3, '2', 'note pins', 'SQL', 'V2__note_pins.sql', ${checksum}, '', 4, 1);\nCOMMIT;`,
    );
    const ctx = contextFor(app.dbPath, loadSchema(app.schemaDir));

    const report = status(ctx);
    expect(report).toMatchObject({ version: '1.1', pending: ['10'], status: 'degraded' });
    expect(report.reason).toBe(
      "The app's own tool applied up to 2 itself since Schema Warden's 1.1 (flyway_schema_history records 2); the schema is exactly 2: migrate records it, then applies 1 migration (10).",
    );
    expect(plan(ctx)).toMatchObject({ from: '1.1', adopt: { legacyVersion: '2' }, steps: [expect.objectContaining({ version: '10' })], blockers: [] });
    const unchanged = sha256File(app.dbPath);
    expect(await rehearse(ctx)).toMatchObject({
      ok: true,
      adopted: { legacyVersion: '2' },
      reached: '10',
      steps: [expect.objectContaining({ version: '10' })],
    });
    expect(sha256File(app.dbPath)).toBe(unchanged);
    const result = await migrate(ctx);
    expect(result).toMatchObject({ adopted: { version: '2' }, applied: [expect.objectContaining({ version: '10' })] });
    expect(sqlite3(app.dbPath, "SELECT count(*) FROM notes WHERE body = 'seeded by V2'")).toBe('1');
    expect(
      sqlite3(app.dbPath, "SELECT group_concat(installed_rank || ':' || version, ' ') FROM (SELECT * FROM flyway_schema_history ORDER BY installed_rank)"),
    ).toBe('1:1 2:1.1 3:2 4:10');
    expect(history(ctx).versions.map((v) => [v.version, v.kind])).toEqual([
      ['10', 'migrate'],
      ['2', 'baseline'],
      ['1.1', 'init'],
      ['1', 'init'],
    ]);
    expect(status(ctx)).toMatchObject({ version: '10', pending: [] });
  });

  it('where Flyway applied a later migration but the schema is not that version, refuses to record or run anything', async () => {
    const app = toolApp('flyway', FILES);
    await initialize(contextFor(app.dbPath, loadSchema(app.schemaDir)), { to: '1.1' });
    // A row for V2 whose changes are not in the schema (someone undid them by hand).
    sqlite3(
      app.dbPath,
      `INSERT INTO "flyway_schema_history" ("installed_rank", "version", "description", "type", "script", "checksum", "installed_by", "execution_time", "success") VALUES (3, '2', 'note pins', 'SQL', 'V2__note_pins.sql', 0, '', 4, 1);`,
    );
    const ctx = contextFor(app.dbPath, loadSchema(app.schemaDir), { backupDir: join(tempDir(), 'backups') });
    const before = sha256File(app.dbPath);
    expect(plan(ctx).blockers).toContainEqual(
      expect.objectContaining({
        code: 'SCHEMA_DRIFT',
        message: expect.stringContaining('its tool applied later migrations itself, but its schema differs from 2'),
      }),
    );
    await expect(migrate(ctx)).rejects.toMatchObject({ code: 'SCHEMA_DRIFT' });
    expect(sha256File(app.dbPath)).toBe(before);
  });

  it("says so when an applied file changed since Flyway applied it (Flyway's validate would refuse), and not for a change of line endings", () => {
    const app = toolApp('flyway', FILES);
    flywayMigrate(app, 4);
    const v1 = join(app.migrationsDir, 'V1__create_notes.sql');
    const recorded = Number(sqlite3(app.dbPath, "SELECT checksum FROM flyway_schema_history WHERE version = '1'"));
    const checksumProblems = () => status(contextFor(app.dbPath, loadSchema(app.schemaDir))).problems.filter((p) => p.kind === 'checksum');

    writeFileSync(v1, FILES[0][1].replace(/\n/g, '\r\n'));
    expect(javaChecksums([v1])).toEqual([recorded]); // Flyway agrees: nothing changed for it
    expect(checksumProblems()).toEqual([]);

    writeFileSync(v1, FILES[0][1].replace('TEXT NOT NULL', 'TEXT'));
    expect(javaChecksums([v1])).not.toEqual([recorded]); // Flyway's validate would refuse
    expect(checksumProblems()).toEqual([
      expect.objectContaining({
        name: 'V1__create_notes.sql',
        severity: 'warning',
        message: expect.stringContaining('flyway migrate refuses to run'),
        hint: expect.stringContaining('flyway repair'),
      }),
    ]);
  });

  it("with a failed migration row is shown as failed with Flyway's fix (flyway repair), and warden refuses to migrate it, changing nothing", async () => {
    const app = toolApp('flyway', FILES);
    flywayMigrate(app, 3, true);
    const ctx = contextFor(app.dbPath, loadSchema(app.schemaDir));
    const before = sha256File(app.dbPath);

    const report = status(ctx);
    expect(report.status).toBe('unhealthy');
    expect(report.reason).toContain('Flyway recorded V2__note_pins.sql (version 2) as failed in flyway_schema_history');
    expect(report.problems[0]).toMatchObject({ kind: 'version', name: '2', change: 'failed', hint: expect.stringContaining('flyway repair') });
    expect(plan(ctx).blockers).toContainEqual(expect.objectContaining({ code: 'UNFINISHED_MIGRATION' }));
    await expect(migrate(ctx)).rejects.toMatchObject({ code: 'UNFINISHED_MIGRATION' });
    expect(sha256File(app.dbPath)).toBe(before);
  });
});

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectedSchemaAt } from '../schema/expected-schema';
import { initialize } from '../../actions/initialize';
import { migrate } from '../../actions/migrate';
import { plan } from '../../actions/plan';
import { runCli } from '../../test-support/cli';
import { contextFor, seedFiles, sha256File, sqlite3, tempDir } from '../../test-support/fixtures';
import { OUTSIDE_STATEMENTS } from '../../test-support/outside-statements';
import { schemaVariant } from '../../test-support/schema-variants';

// Migration statements that reach outside their database: blockers in plan, refused by migrate
// and init before anything is touched, and never run by the expected-schema replay.

/** The shipped schema plus 1.3.0, whose line 2 is the statement. */
function reachingSchema(sql: string) {
  return schemaVariant({ '1.3.0__reach_out.sql': `CREATE TABLE harmless (id INTEGER PRIMARY KEY);\n${sql}\n` });
}

async function databaseAt(version: string): Promise<string> {
  const dbPath = join(tempDir(), 'db.sqlite');
  await initialize(contextFor(dbPath), { to: version });
  seedFiles(dbPath, 5);
  return dbPath;
}

describe('migration statements that reach outside their database', () => {
  for (const { sql, says } of OUTSIDE_STATEMENTS) {
    const shown = sql('<dir>').split('\n')[0];
    it(`${shown} → a SCHEMA_INVALID blocker in plan naming file and line; migrate and init refuse; nothing written anywhere`, async () => {
      const elsewhere = tempDir();
      const schema = reachingSchema(sql(elsewhere));
      const dbPath = await databaseAt('1.2.0');
      const folder = readdirSync(join(dbPath, '..'));
      const before = sha256File(dbPath);
      const ctx = contextFor(dbPath, schema);

      const result = plan(ctx);
      expect(result.steps.map((s) => s.version)).toEqual(['1.3.0']);
      expect(result.blockers).toEqual([
        expect.objectContaining({
          code: 'SCHEMA_INVALID',
          message: expect.stringMatching(says),
          hint: expect.stringMatching(/^Remove it from 1\.3\.0__reach_out\.sql: /),
        }),
      ]);
      expect(result.blockers[0].message).toMatch(/^1\.3\.0__reach_out\.sql line 2: /);
      await expect(migrate(ctx)).rejects.toMatchObject({ code: 'SCHEMA_INVALID', message: expect.stringMatching(says) });
      const fresh = join(tempDir(), 'fresh.db');
      await expect(initialize(contextFor(fresh, schema))).rejects.toMatchObject({ code: 'SCHEMA_INVALID' });

      expect(sha256File(dbPath)).toBe(before);
      expect(readdirSync(join(dbPath, '..'))).toEqual(folder); // no backup taken either: refused before
      expect(existsSync(fresh)).toBe(false);
      expect(readdirSync(elsewhere)).toEqual([]);
      expect(sqlite3(dbPath, 'SELECT max(version) FROM schema_version')).toBe('1.2.0');
    });
  }

  it('the expected-schema replay refuses the schema folder instead of running an ATTACH that writes a file', () => {
    const elsewhere = tempDir();
    const schema = reachingSchema(`ATTACH DATABASE '${elsewhere}/other.db' AS other;\nCREATE TABLE other.t (x);`);
    expect(() => expectedSchemaAt(schema, '1.3.0')).toThrow(
      expect.objectContaining({ code: 'SCHEMA_INVALID', message: expect.stringContaining('1.3.0__reach_out.sql line 2') }),
    );
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('the command line: plan and migrate exit 2 with SCHEMA_INVALID (before: migrate exited 0 and wrote a file elsewhere)', async () => {
    const elsewhere = tempDir();
    const schema = reachingSchema(`ATTACH DATABASE '${elsewhere}/other.db' AS other;\nCREATE TABLE other.t (x);`);
    const dbPath = await databaseAt('1.2.0');
    for (const command of ['plan', 'migrate']) {
      const run = runCli([command, '--db', dbPath, '--schema', schema.dir, '--json']);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stdout + run.stderr).toContain('1.3.0__reach_out.sql line 2: ATTACH');
    }
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('leaves reading PRAGMAs and statements inside the database alone', async () => {
    const schema = reachingSchema("PRAGMA user_version;\nPRAGMA foreign_key_check;\nSELECT 'ATTACH' AS word, 'load_extension' AS name;");
    const dbPath = await databaseAt('1.2.0');
    expect(plan(contextFor(dbPath, schema)).blockers).toEqual([]);
  });
});

import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WardenError } from '../engine/errors';
import { initialize } from '../engine/actions/initialize';
import { contextFor, sha256File, SHIPPED_SCHEMA_DIR, sqlite3 } from '../engine/test-support/fixtures';
import { suiteDir } from '../server/test-support/suite-dir';
import { compareDeployments } from './compare-deployments';
import { parseFleet } from './fleet-file';
import { notAnEmptyObject, replaySchema } from './replay-schema';

// `warden fleet compare` replays each deployment's CREATE statements on this machine. An agent on
// a VM someone else controls answered schemaObjects with a script: before, it dropped a table of a
// database on the operator's machine (ATTACH … DROP TABLE) and planted a file. Each statement is
// now one CREATE statement or the comparison stops; sqlite3 and sha256 referee what was touched.

describe('fleet compare against a hostile agent', () => {
  const folder = suiteDir();
  const dir = folder.path;
  const victim = join(dir, 'operator-data.db');
  const planted = join(dir, 'planted.db');
  let agent: Server;
  let objects: { type: string; name: string; table: string; sql: string }[] = [];
  let script = '';

  beforeAll(async () => {
    sqlite3(victim, "CREATE TABLE precious(x); INSERT INTO precious VALUES ('the operator''s rows');");
    await initialize(contextFor(join(dir, 'local.db')));
    script = `CREATE INDEX i ON a(x); ATTACH DATABASE '${victim}' AS v; DROP TABLE v.precious; ATTACH DATABASE '${planted}' AS p; CREATE TABLE p.planted(x)`;
    agent = createServer((req, res) => {
      req.resume().on('end', () => {
        const result = req.url!.endsWith('/listDatabases') ? [{ id: 'x' }] : { path: '/x', version: '1.2.0', objects };
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ ok: true, result }));
      });
    });
    await new Promise<void>((resolve) => agent.listen(0, '127.0.0.1', resolve));
    process.env.WARDEN_HOSTILE_AGENT_TOKEN = 'a-token-for-the-hostile-agent';
  });
  afterAll(() => {
    agent.close();
    folder.remove();
  });

  const compareWithHostile = () => {
    const fleet = parseFleet(
      {
        deployments: [
          { name: 'hostile', url: `http://127.0.0.1:${(agent.address() as AddressInfo).port}`, tokenEnv: 'WARDEN_HOSTILE_AGENT_TOKEN' },
          { name: 'local', file: 'local.db' },
        ],
      },
      join(dir, 'fleet.json'),
    );
    return compareDeployments(fleet.deployments[0], fleet.deployments[1], { defaultSchemaDir: SHIPPED_SCHEMA_DIR }).then(
      () => null,
      (err: unknown) => err,
    );
  };

  it('does not run the query of a CREATE TABLE … AS SELECT (it grew this process without limit)', async () => {
    // Bounded here (1,000 rows of 1 kB), so that replaying it shows as a comparison that went through.
    const grow = 'CREATE TABLE x AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) SELECT i, randomblob(1000) AS b FROM n';
    objects = [{ type: 'table', name: 'x', table: 'x', sql: grow }];
    const refused = await compareWithHostile();
    expect(refused).toBeInstanceOf(WardenError);
    expect((refused as WardenError).message).toBe(
      'The table x of hostile cannot be read back: it creates a table from a query (AS SELECT) instead of a column list, and that query would run here.',
    );
  });

  it('compares the shipped schema as usual', async () => {
    await initialize(contextFor(join(dir, 'other.db')));
    const fleet = parseFleet(
      {
        deployments: [
          { name: 'one', file: 'local.db' },
          { name: 'two', file: 'other.db' },
        ],
      },
      join(dir, 'same.json'),
    );
    const comparison = await compareDeployments(fleet.deployments[0], fleet.deployments[1], { defaultSchemaDir: SHIPPED_SCHEMA_DIR });
    expect(comparison.same).toBe(true);
    expect(comparison.a.objects).toBeGreaterThan(5);
  });

  it('refuses its script, naming the object and the deployment, and touches nothing on this machine', async () => {
    // An index passes as an empty object: prepare's one-statement rule is what stops the rest.
    objects = [
      { type: 'table', name: 'a', table: 'a', sql: 'CREATE TABLE a(x)' },
      { type: 'index', name: 'i', table: 'a', sql: script },
    ];
    const before = sha256File(victim);
    const fleet = parseFleet(
      {
        deployments: [
          { name: 'hostile', url: `http://127.0.0.1:${(agent.address() as AddressInfo).port}`, tokenEnv: 'WARDEN_HOSTILE_AGENT_TOKEN' },
          { name: 'local', file: 'local.db' },
        ],
      },
      join(dir, 'fleet.json'),
    );
    const refused = await compareDeployments(fleet.deployments[0], fleet.deployments[1], { defaultSchemaDir: SHIPPED_SCHEMA_DIR }).then(
      () => null,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(WardenError);
    expect((refused as WardenError).message).toBe('The index i of hostile cannot be read back: The supplied SQL string contains more than one statement');
    expect(sha256File(victim)).toBe(before);
    expect(sqlite3(victim, 'SELECT x FROM precious')).toBe("the operator's rows");
    expect(existsSync(planted)).toBe(false);
  });
});

describe('replaying a schema', () => {
  it('replays what a real schema holds: tables with options, indexes, views, triggers, a virtual table', () => {
    // What SQLite itself stores in sqlite_schema for such objects (a CREATE TABLE … AS is stored as a column list).
    const objects = [
      { type: 'table', name: 'a', table: 'a', sql: 'CREATE TABLE "a" (id INTEGER PRIMARY KEY, v TEXT CHECK (v <> \'as\')) WITHOUT ROWID, STRICT' },
      { type: 'table', name: 'b', table: 'b', sql: 'CREATE TABLE IF NOT EXISTS main.b(x)' },
      { type: 'table', name: 'f', table: 'f', sql: 'CREATE VIRTUAL TABLE f USING fts5(body)' },
      { type: 'index', name: 'a_v', table: 'a', sql: 'CREATE UNIQUE INDEX a_v ON a(v) WHERE v IS NOT NULL' },
      {
        type: 'view',
        name: 'v',
        table: 'v',
        sql: 'CREATE VIEW v AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT i, randomblob(1000) FROM n',
      },
      { type: 'trigger', name: 't', table: 'a', sql: 'CREATE TRIGGER t AFTER INSERT ON a BEGIN INSERT INTO b VALUES (new.v); END' },
    ] as const;
    const db = replaySchema({ path: '/x', version: '1.0.0', objects: [...objects] } as never, 'real');
    try {
      expect(db.prepare("SELECT name FROM sqlite_schema WHERE name IN ('a', 'b', 'f', 'a_v', 'v', 't') ORDER BY name").pluck().all()).toEqual([
        'a',
        'a_v',
        'b',
        'f',
        't',
        'v',
      ]);
      expect(db.prepare('SELECT count(*) FROM b').pluck().get()).toBe(0);
    } finally {
      db.close();
    }
  });

  it('says why each statement that is not an empty object is refused', () => {
    expect(notAnEmptyObject('CREATE TABLE x AS SELECT 1')).toMatch(/^it creates a table from a query/);
    expect(notAnEmptyObject('CREATE TABLE x(a) AS SELECT 1')).toMatch(/^it has more than a column list/);
    expect(notAnEmptyObject('CREATE TEMP TABLE x(a)')).toMatch(/^it creates a temporary object/);
    expect(notAnEmptyObject('INSERT INTO x VALUES (1)')).toBe('it is not a CREATE statement');
    expect(notAnEmptyObject('CREATE TABLE x(a);')).toBeNull();
  });

  it('caps the scratch database: a schema past the cap is refused, naming the cap', () => {
    const objects = Array.from({ length: 400 }, (_, i) => ({
      type: 'table',
      name: `t${i}`,
      table: `t${i}`,
      sql: `CREATE TABLE t${i}(${'c'.repeat(500)} TEXT)`,
    }));
    expect(() => replaySchema({ path: '/x', version: '1.0.0', objects } as never, 'big', 64 * 1024)).toThrow(
      /^The table t\d+ of big cannot be read back: database or disk is full \(the scratch database holding its schema is capped at 0\.0625 MB\)$/,
    );
  });
});

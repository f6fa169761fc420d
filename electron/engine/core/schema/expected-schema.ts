import type { Problem } from '../../../../shared/types/schema';
import { compareSchemas } from '../drift/compare-schemas';
import { WardenError } from '../../errors';
import { snapshotSchema, toolTablesOf, type SchemaSnapshot } from './introspect';
import type { Connection } from '../sqlite/open-database';
import { migrationFor, type Migration, type SchemaDefinition } from './schema-folder';
import { newConnection } from '../sqlite/sqlite-addon';
import { assertStaysInDatabase } from '../migrations/statements-outside-database';
import { historyTablesOf } from './unaccounted-objects';
import { versionOrder } from './version-order';

// The expected schema at version V is what replaying the migrations up to V produces on a blank
// in-memory database: derived, never hand-listed, so it cannot drift from the migrations.

const cache = new Map<string, SchemaSnapshot>();

function cacheKey(schema: SchemaDefinition, version: string): string {
  const checksums = schema.migrations.filter((m) => versionOrder(schema).lte(m.version, version)).map((m) => m.checksum);
  // The history tables are left out of the snapshot: another footprint is another expected schema.
  return `${schema.dir}\n${version}\n${checksums.join(',')}\n${[...historyTablesOf(schema)].join(',')}`;
}

/** A migration that makes a table under one of the tool's own names would have the tool write its history into the app's table. */
function assertLeavesToolTablesAlone(db: Connection, schema: SchemaDefinition, migration: Migration): void {
  const tool = toolTablesOf(schema);
  const taken = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).find((row) => tool.has(row.name.toLowerCase()));
  if (taken) {
    throw new WardenError(
      'SCHEMA_INVALID',
      `Migration ${migration.file} of schema ${schema.name} creates the table ${taken.name}, which is the name of Schema Warden's own history table.`,
      `The table is the app's: give the tool's tables other names in schema.json, e.g. "footprint": { "versionsTable": "warden_versions", "eventsTable": "warden_events" }.`,
    );
  }
}

export function expectedSchemaAt(schema: SchemaDefinition, version: string): SchemaSnapshot {
  migrationFor(schema, version);
  const key = cacheKey(schema, version);
  const cached = cache.get(key);
  if (cached) return cached;
  // One replay fills the cache for every version on the way: a plan asks for the schema before
  // each of its steps, and an init for all of them.
  const db = newConnection(':memory:');
  db.pragma('foreign_keys = OFF'); // as the engine applies migrations: a rebuild must not cascade
  try {
    for (const migration of schema.migrations.filter((m) => versionOrder(schema).lte(m.version, version))) {
      // Even on a blank in-memory database, ATTACH or VACUUM INTO would write a file elsewhere.
      assertStaysInDatabase(migration);
      try {
        db.exec(migration.sql);
      } catch (err) {
        throw new WardenError(
          'SCHEMA_INVALID',
          `Migration ${migration.file} of schema ${schema.name} fails on a blank database: ${(err as Error).message}.`,
          `Fix the SQL in ${migration.file}; every migration must apply cleanly after the ones before it.`,
        );
      }
      assertLeavesToolTablesAlone(db, schema, migration);
      cache.set(cacheKey(schema, migration.version), snapshotSchema(db, historyTablesOf(schema)));
    }
    return cache.get(key) as SchemaSnapshot;
  } finally {
    db.close();
  }
}

/** A difference's identity, so the same difference found on a live database is recognised. */
export const differenceKey = (p: Pick<Problem, 'kind' | 'table' | 'name' | 'change'>) =>
  `${p.kind}|${(p.table ?? '').toLowerCase()}|${p.name.toLowerCase()}|${p.change}`;

interface WithRepeatables {
  /** The schema at the latest version once every repeatable migration has run. */
  snapshot: SchemaSnapshot;
  /** What the repeatable migrations change on the latest version's schema, as differenceKey()s. */
  differences: Set<string>;
}

const repeatablesCache = new Map<string, WithRepeatables>();

/**
 * The expected schema at the latest version with the repeatable migrations run after it, as Flyway
 * runs them after every versioned one, and what they change there. A repeatable that fails on the
 * latest schema makes the folder invalid: Flyway's migrate would fail on it too.
 */
export function expectedWithRepeatables(schema: SchemaDefinition): WithRepeatables {
  const key = `${cacheKey(schema, schema.latest)}\n${schema.repeatables.map((r) => r.checksum).join(',')}`;
  const cached = repeatablesCache.get(key);
  if (cached) return cached;
  const base = expectedSchemaAt(schema, schema.latest);
  const db = newConnection(':memory:');
  db.pragma('foreign_keys = OFF');
  try {
    for (const migration of schema.migrations) db.exec(migration.sql); // replayed cleanly by expectedSchemaAt already
    for (const repeatable of schema.repeatables) {
      assertStaysInDatabase({ ...repeatable, version: repeatable.file });
      try {
        db.exec(repeatable.sql);
      } catch (err) {
        throw new WardenError(
          'SCHEMA_INVALID',
          `The repeatable migration ${repeatable.file} of schema ${schema.name} fails after the latest version (${schema.latest}): ${(err as Error).message}.`,
          `Fix the SQL in ${repeatable.file}; repeatable migrations run after every versioned one, on the latest schema.`,
        );
      }
    }
    const snapshot = snapshotSchema(db, historyTablesOf(schema));
    const result = { snapshot, differences: new Set(compareSchemas(base, snapshot).map(differenceKey)) };
    repeatablesCache.set(key, result);
    return result;
  } finally {
    db.close();
  }
}

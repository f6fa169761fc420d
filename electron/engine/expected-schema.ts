import semver from 'semver';
import { WardenError } from './errors';
import { snapshotSchema, type SchemaSnapshot } from './introspect';
import { migrationFor, type SchemaDefinition } from './schema-folder';
import { newConnection } from './sqlite-addon';
import { assertStaysInDatabase } from './statements-outside-database';
import { historyTablesOf } from './unaccounted-objects';

// The expected schema at version V is what replaying the migrations up to V produces on a blank
// in-memory database: derived, never hand-listed, so it cannot drift from the migrations.

const cache = new Map<string, SchemaSnapshot>();

function cacheKey(schema: SchemaDefinition, version: string): string {
  const checksums = schema.migrations.filter((m) => semver.lte(m.version, version)).map((m) => m.checksum);
  return `${schema.dir}\n${version}\n${checksums.join(',')}`;
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
    for (const migration of schema.migrations.filter((m) => semver.lte(m.version, version))) {
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
      cache.set(cacheKey(schema, migration.version), snapshotSchema(db, historyTablesOf(schema)));
    }
    return cache.get(key) as SchemaSnapshot;
  } finally {
    db.close();
  }
}

import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { loadSchema, type SchemaDefinition } from '../core/schema/schema-folder';
import { SHIPPED_SCHEMA_DIR, shippedSchema, tempDir } from './fixtures';

/**
 * A copy of the shipped schema folder in a temp folder, with migration files added, replaced
 * (a string) or removed (null): for edited, out-of-order and failing migrations.
 */
export function schemaVariant(files: Record<string, string | null>): SchemaDefinition {
  const dir = join(tempDir(), 'schema');
  cpSync(SHIPPED_SCHEMA_DIR, dir, { recursive: true });
  for (const [file, sql] of Object.entries(files)) {
    const path = join(dir, 'migrations', file);
    if (sql === null) rmSync(path);
    else writeFileSync(path, sql);
  }
  return loadSchema(dir);
}

/** A database with the schema of `version` built by running the migration scripts directly: no history, no stamp. */
export function buildUnversioned(path: string, version: string, schema: SchemaDefinition = shippedSchema()): void {
  const db = new Database(path);
  try {
    for (const migration of schema.migrations.filter((m) => semver.lte(m.version, version))) db.exec(migration.sql);
  } finally {
    db.close();
  }
}

/** Row counts of every table (SQLite's own excluded), by name. */
export function tableCounts(path: string): Record<string, number> {
  const db = new Database(path, { readonly: true });
  try {
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]
    ).map((r) => r.name);
    return Object.fromEntries(tables.map((t) => [t, (db.prepare(`SELECT count(*) AS n FROM "${t}"`).get() as { n: number }).n]));
  } finally {
    db.close();
  }
}

/** A fingerprint of a table's rows, to show they are untouched (not just as many). */
export function tableDigest(path: string, table: string): string {
  const db = new Database(path, { readonly: true });
  try {
    return createHash('sha256')
      .update(JSON.stringify(db.prepare(`SELECT * FROM "${table}" ORDER BY rowid`).all()))
      .digest('hex');
  } finally {
    db.close();
  }
}

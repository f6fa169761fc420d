import type { Problem } from '../../../../shared/types/schema';
import { compareSchemas } from './compare-schemas';
import type { EngineContext } from '../../context';
import { differenceKey, expectedSchemaAt, expectedWithRepeatables } from '../schema/expected-schema';
import { snapshotSchema, type SchemaSnapshot } from '../schema/introspect';
import { pendingRepeatables } from '../migrations/repeatable-migrations';
import type { Connection } from '../sqlite/open-database';
import { historyTablesOf, unaccountedObjects } from '../schema/unaccounted-objects';

// Drift: how the live schema differs from the one its version should have. Every verdict reads it
// (status, the start gate, verify, a backup's content, rehearse, repair, salvage's new file).

/** Drift between the live schema and the expected schema at the version the database is (or claims to be) at. */
export function driftOf(db: Connection, ctx: EngineContext, version: string): Problem[] {
  // Objects on the history tables are left out of the comparison but never out of the report.
  const unaccounted = unaccountedObjects(db, ctx.schema);
  const actual = snapshotSchema(db, historyTablesOf(ctx.schema));
  if (ctx.schema.repeatables.length === 0) return [...unaccounted, ...compareSchemas(expectedSchemaAt(ctx.schema, version), actual)];
  return [...unaccounted, ...driftWithRepeatables(db, ctx, version, actual)];
}

/**
 * With repeatable migrations (Flyway's R__ files): at the latest version with each of them applied
 * as its file is now, the schema is compared with them run. Anywhere else what they make is not
 * known (run at an older version, or from an older file): the differences they account for are
 * left out, and the rest compared with the versions' schema.
 */
function driftWithRepeatables(db: Connection, ctx: EngineContext, version: string, actual: SchemaSnapshot): Problem[] {
  if (repeatablesKnown(db, ctx, version)) return compareSchemas(expectedWithRepeatables(ctx.schema).snapshot, actual);
  const { differences } = expectedWithRepeatables(ctx.schema);
  return compareSchemas(expectedSchemaAt(ctx.schema, version), actual).filter((p) => !differences.has(differenceKey(p)));
}

/** At the latest version with every repeatable migration applied as its file is now: what they make is known. */
function repeatablesKnown(db: Connection, ctx: EngineContext, version: string): boolean {
  return ctx.schema.repeatables.length > 0 && version === ctx.schema.latest && pendingRepeatables(db, ctx.schema).length === 0;
}

/** The schema a database at `version` is compared with (and repaired from): the repeatable migrations' objects included where they are known. */
export function comparedSchemaAt(db: Connection, ctx: EngineContext, version: string): SchemaSnapshot {
  return repeatablesKnown(db, ctx, version) ? expectedWithRepeatables(ctx.schema).snapshot : expectedSchemaAt(ctx.schema, version);
}

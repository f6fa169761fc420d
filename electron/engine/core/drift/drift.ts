import type { Problem } from '../../../../shared/types/schema';
import { compareSchemas } from './compare-schemas';
import type { EngineContext } from '../../context';
import { expectedSchemaAt } from '../schema/expected-schema';
import { snapshotSchema } from '../schema/introspect';
import type { Connection } from '../sqlite/open-database';
import { historyTablesOf, unaccountedObjects } from '../schema/unaccounted-objects';

// Drift: how the live schema differs from the one its version should have. Every verdict reads it
// (status, the start gate, verify, a backup's content, rehearse, repair, salvage's new file).

/** Drift between the live schema and the expected schema at the version the database is (or claims to be) at. */
export function driftOf(db: Connection, ctx: EngineContext, version: string): Problem[] {
  // Objects on the history tables are left out of the comparison but never out of the report.
  const unaccounted = unaccountedObjects(db, ctx.schema);
  return [...unaccounted, ...compareSchemas(expectedSchemaAt(ctx.schema, version), snapshotSchema(db, historyTablesOf(ctx.schema)))];
}

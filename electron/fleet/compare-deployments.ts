import type { SchemaComparison, SchemaDifference } from '../../shared/types/fleet';
import type { Problem, SchemaObjectsReport } from '../../shared/types/schema';
import { compareSchemas, DEFAULT_FOOTPRINT, snapshotSchema, toolTablesOf } from '../engine';
import { connectTo, type ClientOptions } from './deployment-client';
import type { Deployment } from './fleet-file';
import { withDefinitions } from './compared-definitions';
import { replaySchema } from './replay-schema';

// `warden fleet compare A B`: the two live schemas object by object, with the engine's own
// comparison (the one verify uses: meaning, not formatting). Each deployment's CREATE statements
// are replayed on an empty in-memory database (replay-schema.ts), which SQLite's pragmas can then describe.

export function differenceOf(p: Problem): SchemaDifference {
  const change = p.change === 'missing' ? 'only-in-a' : p.change === 'extra' ? 'only-in-b' : 'changed';
  // The engine speaks of "expected" (here: A) and "live" (here: B); keep only the object's name.
  const what = p.message.replace(/ (is missing|exists but is not part of the expected schema|differs from the expected schema)\.$/, '');
  return {
    kind: p.kind,
    name: p.name,
    table: p.table ?? null,
    change,
    message: change === 'changed' ? `${what} differs` : `${what}: only in ${change === 'only-in-a' ? 'A' : 'B'}`,
    a: p.definitions?.expected ?? p.expected ?? null,
    b: p.definitions?.actual ?? p.actual ?? null,
  };
}

async function objectsOf(deployment: Deployment, options: ClientOptions): Promise<{ report: SchemaObjectsReport; address: string }> {
  const client = await connectTo(deployment, options);
  try {
    return { report: await client.call('schemaObjects', {}), address: client.address };
  } finally {
    await client.close();
  }
}

// A deployment's report does not say its schema's footprint: the tool's tables under their default names are left out.
const fleetToolTables = toolTablesOf({ footprint: DEFAULT_FOOTPRINT });

export async function compareDeployments(a: Deployment, b: Deployment, options: ClientOptions): Promise<SchemaComparison> {
  const [left, right] = await Promise.all([objectsOf(a, options), objectsOf(b, options)]);
  const dbA = replaySchema(left.report, a.name);
  try {
    const dbB = replaySchema(right.report, b.name);
    try {
      const [snapA, snapB] = [snapshotSchema(dbA, fleetToolTables), snapshotSchema(dbB, fleetToolTables)];
      const differences = withDefinitions(compareSchemas(snapA, snapB).map(differenceOf), snapA, snapB);
      const side = (d: Deployment, s: typeof left) => ({ name: d.name, address: s.address, version: s.report.version, objects: s.report.objects.length });
      return { a: side(a, left), b: side(b, right), same: differences.length === 0, differences };
    } finally {
      dbB.close();
    }
  } finally {
    dbA.close();
  }
}

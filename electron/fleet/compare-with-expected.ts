import type { SchemaComparison } from '../../shared/types/fleet';
import { compareSchemas, expectedSchemaAt, historyTablesOf, loadSchema, snapshotSchema, WardenError } from '../engine';
import { differenceOf } from './compare-deployments';
import { connectTo, type ClientOptions } from './deployment-client';
import type { Deployment } from './fleet-file';
import { withDefinitions } from './compared-definitions';
import { replaySchema } from './replay-schema';

// The console's Compare with "the expected schema at V": the deployment's live schema (replayed
// here, as `fleet compare` does) against what replaying the migrations up to V makes, with the
// engine's own comparison. The expected side is this host's schema folder (a local file's own,
// when the fleet file names one), so a deployment of another schema is refused, not compared.

const objectCount = (s: ReturnType<typeof expectedSchemaAt>) => s.tables.size + s.indexes.size + s.triggers.size + s.views.size;

export async function compareWithExpected(deployment: Deployment, version: string, options: ClientOptions): Promise<SchemaComparison> {
  const schemaDir = deployment.reach.kind === 'file' ? (deployment.reach.schemaDir ?? options.defaultSchemaDir) : options.defaultSchemaDir;
  const schema = loadSchema(schemaDir);
  const expected = expectedSchemaAt(schema, version);
  const client = await connectTo(deployment, options);
  let fetched;
  try {
    const status = await client.call('status', {});
    if (status.schema !== schema.name) {
      throw new WardenError(
        'INVALID_INPUT',
        `${deployment.name} runs the schema ${status.schema}; this host's expected schema is ${schema.name}'s, so the two are not compared.`,
        `Compare ${deployment.name} with another deployment of ${status.schema} instead.`,
        { field: 'expectedAt' },
      );
    }
    fetched = { report: await client.call('schemaObjects', {}), address: client.address };
  } finally {
    await client.close();
  }
  const db = replaySchema(fetched.report, deployment.name);
  try {
    const live = snapshotSchema(db, historyTablesOf(schema));
    const differences = withDefinitions(compareSchemas(expected, live).map(differenceOf), expected, live);
    return {
      a: { name: `Expected at ${version}`, address: schema.name, version, objects: objectCount(expected), expected: true },
      b: { name: deployment.name, address: fetched.address, version: fetched.report.version, objects: fetched.report.objects.length },
      same: differences.length === 0,
      differences,
    };
  } finally {
    db.close();
  }
}

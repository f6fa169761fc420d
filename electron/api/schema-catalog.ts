import type { SchemaSummary } from '../../shared/types';
import { WardenError } from '../engine/errors';
import { listSchemas, type SchemaDefinition } from '../engine/schema-folder';

// The schemas a host knows: every folder with a schema.json under one root. Read afresh on each
// call, so an edited migration is seen (and reported as a checksum mismatch) without a restart.

export class SchemaCatalog {
  constructor(readonly root: string) {}

  all(): SchemaDefinition[] {
    return listSchemas(this.root);
  }

  get(name: string): SchemaDefinition {
    const schema = this.all().find((s) => s.name === name);
    if (!schema) {
      const known = this.all().map((s) => s.name).join(', ') || 'none';
      throw new WardenError('SCHEMA_NOT_FOUND', `There is no schema named "${name}" in ${this.root} (known: ${known}).`, 'Pick one of the schemas listSchemas returns.');
    }
    return schema;
  }

  /** The folder of a schema, which is what an engine worker loads it from. */
  dirOf(name: string): string {
    return this.get(name).dir;
  }

  summaries(): SchemaSummary[] {
    return this.all().map((s) => ({ name: s.name, title: s.title, description: s.description, versions: s.migrations.map((m) => m.version), latest: s.latest }));
  }
}

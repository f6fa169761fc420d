import { closeSync, openSync, readSync } from 'node:fs';
import type { SchemaSummary } from '../../shared/types';
import { WardenError } from '../engine/errors';
import { listSchemas, type SchemaDefinition } from '../engine/schema-folder';

// The schemas a host knows: every folder with a schema.json under one root. Read afresh on each
// call, so an edited migration is seen (and reported as a checksum mismatch) without a restart.

const SQLITE_HEADER = 'SQLite format 3\0';
/** PRAGMA application_id lives in the database header at this offset (sqlite.org/fileformat.html). */
const APPLICATION_ID_OFFSET = 68;

function applicationIdOf(path: string): number | null {
  const header = Buffer.alloc(100);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null; // no file (yet): no stamp to read
  }
  try {
    const read = readSync(fd, header, 0, 100, 0);
    return read === 100 && header.toString('latin1', 0, 16) === SQLITE_HEADER ? header.readUInt32BE(APPLICATION_ID_OFFSET) : null;
  } finally {
    closeSync(fd);
  }
}

export class SchemaCatalog {
  constructor(
    readonly root: string,
    /** The schema of a database that carries no known stamp (a new or foreign file). */
    readonly defaultName: string,
  ) {}

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

  /**
   * The schema a database file was stamped with (its application_id), else the default one; for
   * a foreign file the engine then says FOREIGN_APPLICATION rather than touching it.
   */
  schemaOfFile(path: string): string {
    const id = applicationIdOf(path);
    return this.all().find((s) => s.applicationId === id)?.name ?? this.defaultName;
  }

  summaries(): SchemaSummary[] {
    return this.all().map((s) => ({ name: s.name, title: s.title, description: s.description, versions: s.migrations.map((m) => m.version), latest: s.latest }));
  }
}

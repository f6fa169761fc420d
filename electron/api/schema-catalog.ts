import { closeSync, openSync, readSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SchemaSummary } from '../../shared/types/databases';
import { listSchemas, loadSchema, type SchemaDefinition, WardenError } from '../engine';

// The schemas a host knows: every folder with a schema.json under one root, and the folders named
// for single databases (`warden serve --db PATH:SCHEMA_DIR`). Read afresh on each call, so an
// edited migration is seen (and reported as a checksum mismatch) without a restart.

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
  private folders: string[];

  constructor(
    readonly root: string,
    /** The schema of a database that carries no known stamp (a new or foreign file). */
    readonly defaultName: string,
    /** Schema folders outside the root (or in it: each is known once). */
    folders: string[] = [],
  ) {
    this.folders = [...new Set(folders.map((dir) => resolve(dir)))];
    // Two schemas under one name would make every lookup by name ambiguous: refused when the host starts.
    if (this.folders.length) this.all();
  }

  all(): SchemaDefinition[] {
    const schemas = listSchemas(this.root);
    for (const dir of this.folders) {
      if (schemas.some((s) => s.dir === dir)) continue;
      const schema = loadSchema(dir);
      const same = schemas.find((s) => s.name === schema.name);
      if (same) {
        throw new WardenError(
          'SCHEMA_INVALID',
          `Two schema folders are named "${schema.name}": ${same.dir} and ${schema.dir}.`,
          'Give each schema its own name in its schema.json; a database is matched to its schema by that name.',
        );
      }
      schemas.push(schema);
    }
    return schemas;
  }

  /**
   * Adds a folder chosen while the host runs (the desktop's schema or migrations folder for an open
   * database) and returns its schema; the same folder again is the same schema. A folder whose
   * schema takes the name of another is refused: a database is matched to its schema by name.
   */
  addFolder(dir: string): SchemaDefinition {
    const schema = loadSchema(dir);
    const known = this.all();
    const same = known.find((s) => s.dir === schema.dir);
    if (same) return same;
    const clash = known.find((s) => s.name === schema.name);
    if (clash) {
      throw new WardenError(
        'SCHEMA_INVALID',
        `The folder ${schema.dir} is read as the schema "${schema.name}", the name of the schema already at ${clash.dir}.`,
        schema.detected
          ? 'Put a schema.json beside the migrations (migrations.dir pointing at them) with a name of its own.'
          : 'Give it a name of its own in its schema.json.',
      );
    }
    this.folders = [...this.folders, schema.dir];
    return schema;
  }

  /** Whether a file carries the application_id of one of these schemas (else it gets the default one, unrecognised). */
  recognisesFile(path: string): boolean {
    const id = applicationIdOf(path);
    return id !== null && id !== 0 && this.all().some((s) => s.applicationId === id);
  }

  /** The name of the schema in `dir`, one of this catalogue's. */
  nameOfDir(dir: string): string {
    const absolute = resolve(dir);
    const schema = this.all().find((s) => s.dir === absolute);
    if (!schema)
      throw new WardenError(
        'SCHEMA_NOT_FOUND',
        `The schema folder ${absolute} is not one this host serves.`,
        'Name it with --schema, or after the database: --db PATH:SCHEMA_DIR.',
      );
    return schema.name;
  }

  get(name: string): SchemaDefinition {
    const schema = this.all().find((s) => s.name === name);
    if (!schema) {
      const known =
        this.all()
          .map((s) => s.name)
          .join(', ') || 'none';
      throw new WardenError(
        'SCHEMA_NOT_FOUND',
        `There is no schema named "${name}" in ${this.root} (known: ${known}).`,
        'Pick one of the schemas listSchemas returns.',
      );
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
    return this.all().map(summaryOf);
  }
}

export function summaryOf(s: SchemaDefinition): SchemaSummary {
  return { name: s.name, title: s.title, description: s.description, versions: s.migrations.map((m) => m.version), latest: s.latest };
}

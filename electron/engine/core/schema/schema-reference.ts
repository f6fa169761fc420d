import { existsSync } from 'node:fs';
import { WardenError } from '../../errors';

// How a host names a schema: its folder, optionally followed by the name of the app's history
// table as golang-migrate writes it in a database URL, "db/migrations?x-migrations-table=versions"
// (the CLI's --migrations-table builds it). The whole string travels as the schema's `dir`, so an
// engine worker or a served database loads the same schema from it.

const PARAMETER = 'x-migrations-table';

export interface SchemaReference {
  /** The folder itself. */
  folder: string;
  /** The history table named with it, if any. */
  historyTable?: string;
}

/** Splits "DIR?x-migrations-table=NAME"; a folder that exists under the whole name is that folder. */
export function parseSchemaReference(reference: string): SchemaReference {
  const mark = reference.lastIndexOf('?');
  if (mark < 0 || existsSync(reference)) return { folder: reference };
  const params = new URLSearchParams(reference.slice(mark + 1));
  const unknown = [...params.keys()].find((key) => key !== PARAMETER);
  if (unknown !== undefined) {
    throw new WardenError(
      'SCHEMA_NOT_FOUND',
      `No schema folder at ${reference}: "${unknown}" after "?" is not a setting Schema Warden knows.`,
      `After the folder, only ?${PARAMETER}=NAME may follow (the app's history table, as golang-migrate's database URL names it).`,
    );
  }
  const table = params.get(PARAMETER);
  if (!table)
    throw new WardenError(
      'SCHEMA_NOT_FOUND',
      `No schema folder at ${reference}: ?${PARAMETER}= names no table.`,
      `Write the table's name after it: DIR?${PARAMETER}=NAME.`,
    );
  return { folder: reference.slice(0, mark), historyTable: table };
}

/** The reference naming `folder` with the app's history table `table` (none: the folder alone). */
export function schemaReference(folder: string, table: string | undefined): string {
  return table === undefined ? folder : `${folder}?${new URLSearchParams({ [PARAMETER]: table })}`;
}

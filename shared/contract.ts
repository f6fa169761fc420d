import { z } from 'zod';
import { BACKUP_NAME } from './backup-name';

// The API contract: one table of methods, each with an input validator. The Electron host
// (ipcMain.handle per method), the HTTP host (POST /api/<method>) and the renderer's client are
// all generated from this table; adding a method here adds it everywhere. Result types live in
// ./types and are tied to method names by ApiResults (see ./api-results).
//
// No method takes a file path: databases are named by the id the host gave them.

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

export const databaseId = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'a database id (letters, digits, _ . -)');
export const schemaVersion = z.string().regex(SEMVER, 'a version like 1.2.0');
/** A client-chosen id for a long operation, so progress events can be matched and the operation cancelled. */
export const operationId = z.string().regex(/^[A-Za-z0-9-]{8,64}$/, 'an operation id (8–64 letters, digits or dashes)');
export const backupName = z.string().regex(BACKUP_NAME, 'a backup file name ending in .sqlite');

const onDatabase = z.object({ db: databaseId }).strict();
const longOnDatabase = z.object({ db: databaseId, operationId: operationId.optional() }).strict();

export const contract = {
  listSchemas: z.object({}).strict(),
  listDatabases: z.object({}).strict(),
  /** Electron: the user picks a file in a native dialog. HTTP host: not available (no paths over the wire). */
  openDatabase: z.object({}).strict(),
  /** Creates a fresh database of `schema` at `version` (latest by default). Electron asks where in a save dialog. */
  createDatabase: z
    .object({
      schema: z.string().regex(/^[a-z0-9_]{1,64}$/, 'a schema name (lower-case letters, digits, _)'),
      version: schemaVersion.optional(),
      name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a file name of letters, digits, _ and -').optional(),
    })
    .strict(),
  closeDatabase: onDatabase,
  status: onDatabase,
  history: onDatabase,
  verify: longOnDatabase.extend({ level: z.enum(['quick', 'full']).default('quick') }),
  initialize: longOnDatabase.extend({ to: schemaVersion.optional() }),
  migrate: longOnDatabase.extend({ to: schemaVersion.optional(), backup: z.boolean().default(true) }),
  plan: onDatabase.extend({ to: schemaVersion.optional() }),
  rehearse: longOnDatabase.extend({ to: schemaVersion.optional() }),
  repair: longOnDatabase.extend({ backup: z.boolean().default(true) }),
  baseline: onDatabase.extend({ version: schemaVersion }),
  acceptChecksum: onDatabase.extend({ version: schemaVersion, reason: z.string().trim().min(3, 'a reason of 3 to 500 characters').max(500, 'a reason of 3 to 500 characters') }),
  backup: longOnDatabase,
  backups: onDatabase,
  verifyBackup: longOnDatabase.extend({ backup: backupName, full: z.boolean().default(false) }),
  restore: longOnDatabase.extend({ backup: backupName }),
  /** Stops a long operation started with this operationId; it ends with CANCELLED and changes nothing. */
  cancel: z.object({ operationId }).strict(),
} as const;

export type MethodName = keyof typeof contract;
export type MethodInput<M extends MethodName> = z.input<(typeof contract)[M]>;
export type ValidInput<M extends MethodName> = z.output<(typeof contract)[M]>;

export const METHOD_NAMES = Object.keys(contract) as MethodName[];

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(contract, name);
}

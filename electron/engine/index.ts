// The engine's face: everything code outside electron/engine/ may use, and nothing else (the
// boundary test in electron/import-boundaries.test.ts holds every caller to it).
//
//   verbs.ts   the table of what the engine does to a database: one verb per contract method,
//              each with its action (actions/<verb>.ts) and what a host must know to run it
//   actions/   one file per verb: the user's action, from its checks to its history row
//   core/      the machinery by concept (sqlite, sqlite-file, schema, drift, state, history,
//              migrations, backups, repair, data, salvage); nothing in core/ imports actions/
//
// The CLI and the hosts also call a few actions with options the contract does not carry (the
// CLI's --backup-dir, a scheduled backup's reason, the start gate's repair), so those are here too.

export { isVerb, salvagedFileName, salvagedPathBeside, verbOf, verbs, type Verb, type VerbName, type VerbOptions } from './verbs';
export { log, throwIfCancelled, type EngineContext } from './context';
export { WardenError, explainFileError } from './errors';

export { acceptChecksum } from './actions/accept-checksum';
export { backup } from './actions/backup';
export { baseline } from './actions/baseline';
export { checkHealth, healthDocument, publicHealthDocument, type HealthCheck } from './actions/health';
export { history } from './actions/history';
export { initialize, type InitializeOptions } from './actions/initialize';
export { migrate } from './actions/migrate';
export { plan } from './actions/plan';
export { preserveCopy } from './actions/preserve-copy';
export { DEFAULT_EXPORT_TIMEOUT_MS, DEFAULT_QUERY_LIMIT, DEFAULT_QUERY_TIMEOUT_MS, exportQuery, runQuery } from './actions/query';
export { recoverRows } from './actions/recover-rows';
export { rehearse } from './actions/rehearse';
export { repair } from './actions/repair';
export { previewRestore, restore } from './actions/restore';
export { browseRows, DEFAULT_PAGE_ROWS, DEFAULT_ROWS_TIMEOUT_MS, exportRows, rowChildren } from './actions/rows';
export type { PageSink } from './core/data/export-stream';
export { salvage } from './actions/salvage';
export { status } from './actions/status';
export { listTables } from './actions/tables';
export { verify } from './actions/verify';
export { verifyBackup } from './actions/verify-backup';

export { backupFolderOf, backupPathOf, hostTag, isRunning, removeAbandonedCopies, STAGING_FILE } from './core/backups/backup-folder';
export { readManifest } from './core/backups/backup-manifest';
export { listBackups } from './core/backups/list-backups';
export { DEFAULT_KEEP_PER_REASON } from './core/backups/retention';
export { compareSchemas } from './core/drift/compare-schemas';
export { actingAs, actorFor, nowIso } from './core/history/actor';
export { DEFAULT_FOOTPRINT } from './core/schema/footprint';
export { expectedSchemaAt } from './core/schema/expected-schema';
export { snapshotSchema, toolTablesOf, type SchemaSnapshot } from './core/schema/introspect';
export { historyTablesOf } from './core/schema/unaccounted-objects';
export { detectedFormatNote, listSchemas, loadSchema, migrationFor, type SchemaDefinition } from './core/schema/schema-folder';
export { recognisedFolderNote } from './core/schema/recognised-folder';
export { schemaReference } from './core/schema/schema-reference';
export { closingParen, splitStatements, tokenize, type Token } from './core/schema/sql-text';
export { compareVersionNames, isVersionName } from './core/schema/version-order';
export { userVersionOf } from './core/sqlite/header-marks';
export { DEFAULT_BUSY_TIMEOUT_MS, type Connection } from './core/sqlite/open-database';
export { useSqliteAddon } from './core/sqlite/sqlite-addon';
export { lockHolders } from './core/sqlite/lock-holders';
export { heldLock } from './core/sqlite/lock-probe';

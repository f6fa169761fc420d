import type { AppliedRepeatable, RepeatableStep } from '../../../../shared/types/migrations';
import { runScript } from './run-script';
import { currentVersionOf, readAppliedVersions, recordEvent, recordFailure, tableExists } from '../history/bookkeeping';
import { log, type EngineContext } from '../../context';
import { WardenError } from '../../errors';
import { tablesTouchedBy, tablesWithTriggers } from './foreign-key-scope';
import type { Connection } from '../sqlite/open-database';
import type { Migration, RepeatableMigration, SchemaDefinition } from '../schema/schema-folder';
import { splitStatements } from '../schema/sql-text';
import { TOOL_FORMATS } from './tool-formats/tool-formats';
import { inWriteTransaction } from '../sqlite/write-transaction';

// Repeatable migrations (Flyway's R__ files): applied after the versions once the database is at
// the latest one, each again whenever its file changes, and recorded in the app's history table
// as the tool records them, so the tool finds nothing to apply afterwards.

type RepeatableSchema = Pick<SchemaDefinition, 'repeatables' | 'appVersionTable'>;

/** The repeatable migrations the database does not have as their files are now: never applied, or changed since. */
export function pendingRepeatables(db: Connection, schema: RepeatableSchema): RepeatableStep[] {
  const app = schema.appVersionTable;
  const rules = app?.tool ? TOOL_FORMATS[app.tool].repeatables : undefined;
  if (schema.repeatables.length === 0 || !app || !rules) return [];
  const last = tableExists(db, app.table) ? rules.lastApplied(db, app.table) : new Map<string, unknown>();
  return schema.repeatables.flatMap((r): RepeatableStep[] => {
    if (!last.has(r.description)) return [{ file: r.file, description: r.description, reason: 'new', sql: r.sql }];
    return rules.matches(last.get(r.description), r) ? [] : [{ file: r.file, description: r.description, reason: 'changed', sql: r.sql }];
  });
}

/** A repeatable migration run as a script: its file names it where a version would. */
const asScript = (repeatable: RepeatableMigration): Migration => ({ ...repeatable, version: repeatable.file });

/** Runs one pending repeatable migration in its own write transaction with its history row, deciding under the lock (another process may have run it). */
export function applyRepeatable(ctx: EngineContext, db: Connection, file: string): AppliedRepeatable | null {
  const { schema } = ctx;
  const app = schema.appVersionTable!;
  const rules = TOOL_FORMATS[app.tool!].repeatables!;
  const repeatable = schema.repeatables.find((r) => r.file === file)!;
  const statements = splitStatements(repeatable.sql);
  const work = (): AppliedRepeatable | null => {
    const pending = pendingRepeatables(db, schema).find((p) => p.file === file);
    if (!pending) return null;
    const started = performance.now();
    runScript(ctx, db, asScript(repeatable), statements);
    const executionMs = Math.round(performance.now() - started);
    rules.record(db, app.table, { file: repeatable, executionMs });
    const version = currentVersionOf(readAppliedVersions(db, schema));
    recordEvent(db, schema, { action: 'migrate', version, outcome: 'ok', detail: { repeatable: file, reason: pending.reason, executionMs } });
    return { file, description: repeatable.description, executionMs };
  };
  const touched = tablesTouchedBy(statements, tablesWithTriggers(db));
  return inWriteTransaction(db, ctx.dbPath, work, { touched: () => touched });
}

/** Applies every pending repeatable migration, in the tool's order; a failure is recorded and stops the rest. */
export function applyPendingRepeatables(ctx: EngineContext, db: Connection): AppliedRepeatable[] {
  const applied: AppliedRepeatable[] = [];
  for (const pending of pendingRepeatables(db, ctx.schema)) {
    ctx.onProgress?.({ operation: 'migrate', phase: `applying the repeatable migration ${pending.file}`, done: applied.length, total: applied.length + 1 });
    let done: AppliedRepeatable | null;
    try {
      done = applyRepeatable(ctx, db, pending.file);
    } catch (err) {
      if (err instanceof WardenError && err.code === 'MIGRATION_FAILED') {
        const version = currentVersionOf(readAppliedVersions(db, ctx.schema));
        recordFailure(db, ctx.schema, { action: 'migrate', version, detail: { ...err.details, repeatable: pending.file } });
        throw new WardenError(
          err.code,
          `${err.message.replace(/ The database was left at its previous version\.$/, '')} The database stays at ${version}, every version applied; ${pending.file} was rolled back whole.`,
          err.hint,
          { ...err.details, repeatable: pending.file },
          err.next,
        );
      }
      throw err;
    }
    if (done) {
      log(
        ctx,
        'info',
        `Applied the repeatable migration ${done.file} (${pending.reason === 'new' ? 'first run' : 'its file changed'}) in ${done.executionMs} ms`,
      );
      applied.push(done);
    }
  }
  return applied;
}

import type { AcceptChecksumResult } from '../../../shared/types/migrations';
import { recordEvent } from '../core/history/bookkeeping';
import type { EngineContext } from '../context';
import { assertSameApplication, readDatabaseState } from '../core/state/database-state';
import { WardenError } from '../errors';
import { withDatabase } from '../core/sqlite/open-database';
import { migrationFor } from '../core/schema/schema-folder';

// The audited way out of a checksum mismatch: someone decides that an applied migration's edited
// file is the one to hold the database to from now on, and says why. The event's detail.checksum
// is what readDatabaseState compares with afterwards.

export interface AcceptChecksumOptions {
  version: string;
  reason: string;
}

export function acceptChecksum(ctx: EngineContext, options: AcceptChecksumOptions): AcceptChecksumResult {
  const reason = options.reason.trim();
  if (reason.length < 3) {
    throw new WardenError(
      'INVALID_INPUT',
      'Accepting an edited migration needs a reason (at least 3 characters); it is kept in the history.',
      'Give the reason why the edit is fine.',
    );
  }
  const migration = migrationFor(ctx.schema, options.version);
  return withDatabase(ctx.dbPath, { mode: 'write', busyTimeoutMs: ctx.busyTimeoutMs }, (db) =>
    db
      .transaction(() => {
        const state = readDatabaseState(db, ctx.schema);
        assertSameApplication(state, ctx.schema, ctx.dbPath);
        if (!state.applied.some((row) => row.version === migration.version)) {
          throw new WardenError(
            'INVALID_INPUT',
            `Version ${migration.version} has not been applied to ${ctx.dbPath}; only an applied migration's checksum can be accepted.`,
            'The history lists the applied versions.',
            undefined,
            [{ action: 'history' }],
          );
        }
        const mismatch = state.checksumMismatches.find((m) => m.version === migration.version);
        if (!mismatch) {
          throw new WardenError(
            'INVALID_INPUT',
            `${migration.file} matches the checksum ${ctx.dbPath} holds it to: there is no edit to accept.`,
            'Nothing to do; the status of the database shows which migrations were edited.',
            undefined,
            [{ action: 'status' }],
          );
        }
        recordEvent(db, ctx.schema, {
          action: 'accept-checksum',
          version: migration.version,
          outcome: 'ok',
          detail: { checksum: mismatch.current, previous: mismatch.recorded, file: mismatch.file, reason },
        });
        return { path: ctx.dbPath, version: migration.version, file: mismatch.file, previous: mismatch.recorded, accepted: mismatch.current, reason };
      })
      .immediate(),
  );
}

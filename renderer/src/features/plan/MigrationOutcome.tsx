import type { MigrateResult } from '../../../../shared/types/migrations';
import { Notice } from '../../components/Notice';
import { verificationWords } from '../../lib/backup-verification';
import { formatBytes, formatDuration, plural } from '../../lib/format';

/** What the migration did and where its safety net is. */
export function MigrationOutcome({ result }: { result: MigrateResult }) {
  const ms = result.applied.reduce((sum, s) => sum + s.executionMs, 0);
  return (
    <Notice
      tone="ok"
      title={
        result.upToDate ? `Already at ${result.to}: nothing was applied` : `Migrated from ${result.from ?? result.adopted?.version ?? 'empty'} to ${result.to}`
      }
    >
      {result.adopted && (
        <p>
          Adopted as {result.adopted.version} first ({result.adopted.table} recorded {result.adopted.legacyVersion}).
        </p>
      )}
      {!result.upToDate && result.applied.length > 0 && (
        <p>
          Applied {plural(result.applied.length, 'step')} ({result.applied.map((s) => s.version).join(', ')}) in {formatDuration(ms)}.
        </p>
      )}
      {(result.repeated ?? []).length > 0 && (
        <p>
          Then applied {plural(result.repeated.length, 'repeatable migration')}: {result.repeated.map((r) => r.file).join(', ')}.
        </p>
      )}
      <p>
        {result.backup ? (
          <>
            Pre-migrate backup: <code>{result.backup.name}</code> ({formatBytes(result.backup.bytes)}, {verificationWords(result.backup)}).
          </>
        ) : (
          'No backup was taken.'
        )}
      </p>
    </Notice>
  );
}

import { useState } from 'react';
import type { MigrateResult } from '../../../../shared/types/migrations';
import { ActionButton } from '../../components/ActionButton';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Notice } from '../../components/Notice';
import { OperationProgress } from '../../components/OperationProgress';
import type { LongOperation } from '../../hooks/use-long-operation';
import { formatDuration, plural } from '../../lib/format';
import { usePlan } from '../../queries/plan';

interface InitializeActionProps {
  db: string;
  schema: string;
  /** Whether the file exists (an empty file) or initializing creates it. */
  exists: boolean;
  initialize: LongOperation<string, MigrateResult>;
  to: string;
  /** The versions it applies, oldest first. */
  versions: string[];
}

/** The tables the schema will have, as the plan of this empty file names them (a missing file has no plan to read). */
function TablesItem({ db, schema, exists }: Pick<InitializeActionProps, 'db' | 'schema' | 'exists'>) {
  const plan = usePlan(db, { enabled: exists });
  const tables = plan.data?.tables ?? [];
  if (exists && plan.isPending) return <li>the tables of the {schema} schema (reading their names…),</li>;
  if (tables.length === 0) return <li>every table of the {schema} schema, with its indexes, triggers and views,</li>;
  return (
    <li>
      {plural(tables.length, 'table')} —{' '}
      {tables.map((t, i) => (
        <span key={t}>
          {i > 0 && ', '}
          <code>{t}</code>
        </span>
      ))}{' '}
      — with their indexes, triggers and views,
    </li>
  );
}

/** Says what initializing will write before it does: the tables, the version, and why no backup is taken. */
function InitializeDialog({
  db,
  schema,
  exists,
  to,
  versions,
  onConfirm,
  onClose,
}: Omit<InitializeActionProps, 'initialize'> & { onConfirm: () => void; onClose: () => void }) {
  return (
    <ConfirmDialog title={`Initialize at ${to}?`} confirmLabel={`Initialize at ${to}`} onConfirm={onConfirm} onClose={onClose}>
      <p>In one transaction, Schema Warden writes into {exists ? 'this empty file' : 'a new file it creates at this path'}:</p>
      <ul className="plain-list">
        <TablesItem db={db} schema={schema} exists={exists} />
        <li>
          version {to} in its history: one <code>schema_version</code> row per migration ({versions.join(', ')}), an init event in <code>schema_events</code>,
          and the same versions in the service&apos;s own version table when the schema keeps one,
        </li>
        <li>
          the schema&apos;s <code>application_id</code> and the version in <code>user_version</code>, in the file&apos;s header.
        </li>
      </ul>
      <p>No backup is taken: the file holds no data yet. If any migration fails, nothing is kept and the file stays as it is.</p>
    </ConfirmDialog>
  );
}

/** Creates the schema of a fresh database after saying what it writes, with a progress bar and Cancel while it runs. */
export function InitializeAction({ db, schema, exists, initialize, to, versions }: InitializeActionProps) {
  const [confirming, setConfirming] = useState(false);
  if (initialize.isRunning) {
    return (
      <OperationProgress
        title={`Initializing at ${to}`}
        operationId={initialize.operationId}
        onCancel={initialize.cancel}
        cancelling={initialize.isCancelling}
      />
    );
  }
  return (
    <>
      {initialize.error != null && <ErrorNotice error={initialize.error} context="The database was not initialized" />}
      <div className="next-action__row">
        <ActionButton method="initialize" variant="primary" onClick={() => setConfirming(true)}>
          Initialize at {to}…
        </ActionButton>
        <span className="muted">Creates every table, index, trigger and view ({plural(versions.length, 'migration')}) in one transaction.</span>
      </div>
      {confirming && (
        <InitializeDialog
          db={db}
          schema={schema}
          exists={exists}
          to={to}
          versions={versions}
          onConfirm={() => initialize.start(to)}
          onClose={() => setConfirming(false)}
        />
      )}
    </>
  );
}

/** What initialize did, kept in view after the status has moved on. */
export function InitializeOutcome({ result }: { result: MigrateResult }) {
  const recreated = result.repaired?.recreated ?? [];
  const repairedNote = recreated.length > 0 && (
    <p>
      It was missing {plural(recreated.length, 'object')} (
      {recreated
        .slice(0, 4)
        .map((p) => `${p.kind} ${p.name}`)
        .join(', ')}
      {recreated.length > 4 ? ', …' : ''}): recreated first from the expected schema
      {result.repaired?.backup ? `, after a verified backup (${result.repaired.backup.name})` : ''}, touching no row.
    </p>
  );
  const verdict = result.verdict && result.verdict.status !== 'healthy' && <p>Checked again: needs attention. {result.verdict.reason}</p>;
  if (result.upToDate && !repairedNote) {
    return (
      <Notice tone={verdict ? 'warn' : 'ok'} title={`Already at ${result.to}`}>
        Another process had initialized it; nothing was changed.{verdict}
      </Notice>
    );
  }
  const ms = result.applied.reduce((sum, step) => sum + step.executionMs, 0);
  return (
    <Notice tone={verdict ? 'warn' : 'ok'} title={result.upToDate ? `Repaired at ${result.to}` : `Initialized at ${result.to}`}>
      {repairedNote}
      {result.applied.length > 0 && (
        <p>
          Applied {plural(result.applied.length, 'migration')} ({result.applied.map((s) => s.version).join(', ')}) in {formatDuration(ms)}.
        </p>
      )}
      {verdict}
    </Notice>
  );
}

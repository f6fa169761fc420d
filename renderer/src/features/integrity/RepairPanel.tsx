import { useState } from 'react';
import type { RowsInBackup } from '../../../../shared/types/integrity';
import type { RecoverRowsResult, RepairResult } from '../../../../shared/types/repair';
import type { Problem } from '../../../../shared/types/schema';
import { ActionButton } from '../../components/ActionButton';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Notice } from '../../components/Notice';
import { OperationProgress } from '../../components/OperationProgress';
import { Panel } from '../../components/Panel';
import { LoadingState } from '../../components/QueryStates';
import type { LongOperation } from '../../hooks/use-long-operation';
import { plural } from '../../lib/format';
import { isRepairable, whyNotRepairable } from '../../lib/repairability';
import { useRecoverRows } from '../../queries/recover-rows';
import { useRepairPlan } from './integrity-queries';
import { RecoverRowsDialog } from '../../components/RecoverRowsDialog';

function label(problem: Problem): string {
  const where = problem.table && problem.table !== problem.name ? `${problem.table}.` : '';
  return `${problem.kind.replaceAll('_', ' ')} ${where}${problem.name}`;
}

/** A recreated table starts empty: where its rows went, and the backups to copy them back from. */
function LostRows({ db, result }: { db: string; result: RepairResult }) {
  const [offer, setOffer] = useState<RowsInBackup | null>(null);
  const recover = useRecoverRows(db);
  if (result.orphanedRows.length === 0 && result.rowsInBackups.length === 0) return null;
  return (
    <>
      {result.orphanedRows.length > 0 && (
        <Notice tone="warn" title="Rows that point at missing parents">
          <ul className="plain-list">
            {result.orphanedRows.map((o) => (
              <li key={`${o.table}:${o.parent}`}>
                {plural(o.rows, 'row')} of {o.table} point at {o.parent} rows that are gone.
              </li>
            ))}
          </ul>
        </Notice>
      )}
      {result.rowsInBackups.length > 0 && (
        <Notice tone="info" title="Verified backups still hold the lost rows">
          <ul className="plain-list">
            {result.rowsInBackups.map((b) => (
              <li key={`${b.table}:${b.backup}`}>
                {plural(b.rows, 'row')} of {b.table} in <code>{b.backup}</code>{' '}
                <ActionButton method="recoverRows" onClick={() => setOffer(b)} disabled={recover.isRunning}>
                  Recover rows…
                </ActionButton>
              </li>
            ))}
          </ul>
        </Notice>
      )}
      {recover.isRunning && (
        <OperationProgress title="Recovering rows" operationId={recover.operationId} onCancel={recover.cancel} cancelling={recover.isCancelling} />
      )}
      {recover.error != null && <ErrorNotice error={recover.error} context="The rows were not recovered" />}
      {recover.result && <RecoveryOutcome result={recover.result} />}
      {offer && (
        <RecoverRowsDialog db={db} offer={offer} onConfirm={() => recover.start({ table: offer.table, backup: offer.backup })} onClose={() => setOffer(null)} />
      )}
    </>
  );
}

function RecoveryOutcome({ result }: { result: RecoverRowsResult }) {
  const copied = result.tables.filter((t) => t.copied > 0);
  return (
    <Notice
      tone="ok"
      title={`Copied back ${plural(
        copied.reduce((n, t) => n + t.copied, 0),
        'row',
      )}`}
    >
      <p>{copied.map((t) => `${t.table}: ${t.copied}`).join(', ')}.</p>
      <p>
        {result.preRecoverBackup ? (
          <>
            The pre-recover backup is <code>{result.preRecoverBackup.name}</code>.
          </>
        ) : (
          'No backup was needed: nothing was copied.'
        )}
      </p>
    </Notice>
  );
}

function RepairOutcome({ db, result }: { db: string; result: RepairResult }) {
  return (
    <>
      <Notice
        tone="ok"
        title={result.recreated.length ? `Recreated ${plural(result.recreated.length, 'object')} at ${result.version}` : 'Nothing needed recreating'}
      >
        {result.recreated.length > 0 && (
          <p>{result.recreated.map((p) => (p.foundAs ? `${label(p)} (renamed back from ${p.foundAs})` : label(p))).join(', ')}.</p>
        )}
        <p>
          {result.backup ? (
            <>
              The pre-repair backup is <code>{result.backup.name}</code>.
            </>
          ) : (
            'No backup was taken.'
          )}
        </p>
      </Notice>
      {result.refused.length > 0 && (
        <Notice tone="warn" title={`Left alone: ${plural(result.refused.length, 'difference')} repair cannot fix safely`}>
          <ul className="plain-list">
            {result.refused.map((p) => (
              <li key={`${p.kind}:${p.table ?? ''}:${p.name}`}>{p.message}</li>
            ))}
          </ul>
        </Notice>
      )}
      <LostRows db={db} result={result} />
    </>
  );
}

/** The exact SQL repair will run, from a dry run made while the confirmation is open. */
function PlannedStatements({ db }: { db: string }) {
  const plan = useRepairPlan(db, true);
  if (plan.isPending) return <LoadingState label="Reading what repair will run…" />;
  if (plan.isError) return <ErrorNotice error={plan.error} context="What repair will run could not be read" />;
  return (
    <>
      <p>It runs exactly this, in one transaction:</p>
      <pre className="integrity__sql" aria-label="Statements repair will run">
        {plan.data.statements.map((sql) => `${sql.trim()};`).join('\n\n')}
      </pre>
    </>
  );
}

interface RepairPanelProps {
  db: string;
  databasePath: string;
  version: string | null;
  problems: Problem[];
  repair: LongOperation<void, RepairResult>;
}

/** Repair when it can (missing objects), and why not when it cannot. */
export function RepairPanel({ db, databasePath, version, problems, repair }: RepairPanelProps) {
  const [confirming, setConfirming] = useState(false);
  const repairable = problems.filter(isRepairable);
  const blocking = problems.filter((p) => p.severity === 'error' && !isRepairable(p) && !p.fixedByRenaming);
  // A rebuild of damaged indexes (the Damage panel's) is not this panel's to show.
  const ownResult = Boolean(repair.result && !repair.result.damage?.length);
  if (!ownResult && repairable.length === 0 && blocking.length === 0) return null;

  return (
    <Panel
      title="Repair"
      subtitle={repairable.length ? `${plural(repairable.length, 'missing object')} can be recreated` : undefined}
      actions={
        repairable.length > 0 && (
          <ActionButton method="repair" variant="primary" onClick={() => setConfirming(true)} disabled={repair.isRunning}>
            Repair…
          </ActionButton>
        )
      }
    >
      {repair.isRunning && <OperationProgress title="Repairing" operationId={repair.operationId} onCancel={repair.cancel} cancelling={repair.isCancelling} />}
      {repair.error != null && <ErrorNotice error={repair.error} context="The repair did not run" />}
      {repair.result && !repair.result.damage?.length && <RepairOutcome db={db} result={repair.result} />}
      {repairable.length > 0 && !repair.isRunning && (
        <p className="muted">
          Repair recreates {repairable.map(label).join(', ')} from the expected schema at {version ?? 'the recorded version'}. It never drops anything and does
          not touch rows in other tables.
        </p>
      )}
      {blocking.length > 0 && (
        <Notice tone="warn" title={`Repair cannot fix ${plural(blocking.length, 'finding')}`}>
          <ul className="plain-list">
            {blocking.map((p) => (
              <li key={`${p.kind}:${p.table ?? ''}:${p.name}:${p.change}`}>
                <strong>{label(p)}</strong>: {whyNotRepairable(p)}
              </li>
            ))}
          </ul>
        </Notice>
      )}
      {confirming && (
        <ConfirmDialog
          title="Repair this database?"
          confirmLabel="Take a backup and repair"
          onConfirm={() => repair.start()}
          onClose={() => setConfirming(false)}
        >
          <p>
            First a verified <strong>pre-repair backup</strong> of <code>{databasePath}</code> is taken and listed under Backups.
          </p>
          <p>Then these are recreated from the expected schema at {version ?? 'the recorded version'}:</p>
          <ul className="plain-list">
            {repairable.map((p) => (
              <li key={`${p.kind}:${p.name}`}>{p.foundAs ? `${label(p)}, renamed back from ${p.foundAs} with its rows` : label(p)}</li>
            ))}
          </ul>
          <PlannedStatements db={db} />
          <p>A recreated table starts empty; rows in the other tables stay as they are.</p>
        </ConfirmDialog>
      )}
    </Panel>
  );
}

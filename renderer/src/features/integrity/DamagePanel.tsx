import { useState } from 'react';
import { damagedIndexes, onlyIndexesDamaged } from '../../../../shared/damage';
import type { DamagedPage, IntegrityResult } from '../../../../shared/types/integrity';
import type { RepairResult, TableDamageOptions } from '../../../../shared/types/repair';
import { ActionButton } from '../../components/ActionButton';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Notice } from '../../components/Notice';
import { OperationProgress } from '../../components/OperationProgress';
import { Panel } from '../../components/Panel';
import { PreserveCopyAction } from '../../components/PreserveCopyAction';
import { LoadingState } from '../../components/QueryStates';
import { TableFrame } from '../../components/TableFrame';
import type { LongOperation } from '../../hooks/use-long-operation';
import { formatCount, formatTimestamp, plural } from '../../lib/format';
import { useBackups } from '../../queries/backups';
import { useRestore } from '../../queries/backups';
import { useRepairPlan } from './integrity-queries';

// The damage map (issue 21): each damaged page with the table or index it belongs to, SQLite's
// own words beside it, and the fix that fits — rebuild the indexes when only indexes are damaged;
// otherwise restore the newest verified backup (saying what it loses) or salvage, or both.

const PAGE_HOLDS: Record<NonNullable<DamagedPage['pageType']>, string> = {
  leaf: 'rows (a leaf)',
  internal: 'pointers to other pages (interior)',
  overflow: 'the rest of a long value (overflow)',
};

function belongsTo(d: DamagedPage): string {
  if (d.objectType === 'freelist') return 'the list of free pages';
  if (!d.object && /malformed/.test(d.message)) return 'not placed: the check stopped here';
  if (!d.object) return 'cannot be told';
  if (d.objectType === 'index') return `index ${d.object} (of ${d.table})`;
  return `${d.objectType ?? ''} ${d.object}`.trim();
}

function held(d: DamagedPage): string {
  if (!d.pageType) return '—';
  return d.objectType === 'index' && d.pageType === 'leaf' ? 'index entries (a leaf)' : PAGE_HOLDS[d.pageType];
}

/** One row per damaged place: page, owner, what the page held, what SQLite said. */
export function DamageMap({ damage }: { damage: DamagedPage[] }) {
  return (
    <TableFrame label="Damaged pages">
      <table className="data-table damage-map" aria-label="Damaged pages">
        <thead>
          <tr>
            <th className="number">Page</th>
            <th>Belongs to</th>
            <th>What is wrong</th>
            <th>SQLite said</th>
          </tr>
        </thead>
        <tbody>
          {damage.map((d, k) => (
            <tr key={`${d.page ?? ''}:${d.object ?? ''}:${k}`}>
              <td className="number mono">{d.page ?? '—'}</td>
              <td title={d.description}>
                <span className="mono">{belongsTo(d)}</span>
                {d.pageType && <div className="muted">it held {held(d)}</div>}
              </td>
              <td>
                {d.meaning ?? <span className="muted">—</span>}
                {/follows from the damage/.test(d.description) && <div className="muted">It follows from the damage to {d.table}'s own pages.</div>}
              </td>
              <td className="mono damage-map__said">
                {d.message}
                {d.messages > 1 ? <span className="muted"> (+{d.messages - 1} more)</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableFrame>
  );
}

export function RebuildOutcome({ result }: { result: RepairResult }) {
  const ok = result.integrityAfter?.ok === true;
  return (
    <Notice
      tone={ok ? 'ok' : 'bad'}
      title={
        ok
          ? `Rebuilt ${plural(result.rebuiltIndexes?.length ?? 0, 'index', 'indexes')}: integrity_check passes`
          : 'The indexes were rebuilt, but integrity_check still fails'
      }
    >
      <p>{(result.rebuiltIndexes ?? []).join(', ')} rebuilt from their tables; no row was changed.</p>
      <p>
        {result.preservedCopy ? (
          <>
            The file as it was is kept as <code>{result.preservedCopy.name}</code> (a damaged copy under Backups, never restored from).
          </>
        ) : (
          'No copy was taken first.'
        )}
      </p>
    </Notice>
  );
}

function RebuildIndexes({ databasePath, indexes, repair }: { databasePath: string; indexes: string[]; repair: LongOperation<void, RepairResult> }) {
  const [confirming, setConfirming] = useState(false);
  return (
    <>
      <p>
        Only indexes are damaged: every row is still in its table. Rebuilding {indexes.join(', ')} from their tables fixes the file in place; integrity_check
        must pass before the change is committed.
      </p>
      <ActionButton method="repair" variant="primary" onClick={() => setConfirming(true)} disabled={repair.isRunning}>
        Rebuild {plural(indexes.length, 'index', 'indexes')}…
      </ActionButton>
      {confirming && (
        <ConfirmDialog
          title="Rebuild the damaged indexes?"
          confirmLabel="Copy the file, then rebuild"
          onConfirm={() => repair.start()}
          onClose={() => setConfirming(false)}
        >
          <p>
            First a byte copy of <code>{databasePath}</code> as it is (with its journal or WAL) is kept under Backups as a damaged copy.
          </p>
          <p>Then, in one transaction, each damaged index gets a new, empty tree and is filled again from its table:</p>
          <pre className="integrity__sql" aria-label="Statements the rebuild runs">
            {indexes.map((name) => `REINDEX "${name}";`).join('\n')}
          </pre>
          <p>Rows are not touched. If integrity_check still fails afterwards, nothing is committed.</p>
        </ConfirmDialog>
      )}
      {repair.isRunning && (
        <OperationProgress title="Rebuilding indexes" operationId={repair.operationId} onCancel={repair.cancel} cancelling={repair.isCancelling} />
      )}
      {repair.error != null && <ErrorNotice error={repair.error} context="The indexes were not rebuilt" />}
      {repair.result?.rebuiltIndexes?.length ? <RebuildOutcome result={repair.result} /> : null}
      {repair.result && !repair.result.rebuiltIndexes?.length && <p className="muted">Nothing needed rebuilding.</p>}
    </>
  );
}

/** Rows that a restore of the backup loses, table by table: what the live file has beyond the backup, or unknown where it is damaged. */
function lostByRestore(counts: TableDamageOptions['counts']): { table: string; lost: number | null }[] {
  return counts
    .map((c) => ({ table: c.table, lost: c.live === null ? null : c.inBackup === null ? c.live : Math.max(0, c.live - c.inBackup) }))
    .filter((c) => c.lost === null || c.lost > 0);
}

function CountsTable({ options }: { options: TableDamageOptions }) {
  return (
    <TableFrame label="Rows per table, live and in the backup">
      <table className="data-table damage-options" aria-label="Rows per table, live and in the backup">
        <thead>
          <tr>
            <th>Table</th>
            <th className="number">Live file</th>
            {options.backup && <th className="number">Newest verified backup</th>}
            {options.backup && <th className="number">A restore loses</th>}
          </tr>
        </thead>
        <tbody>
          {options.counts.map((c) => {
            const lost = c.live === null ? null : c.inBackup === null ? c.live : Math.max(0, c.live - c.inBackup);
            return (
              <tr key={c.table} className={c.damaged ? 'damage-options__damaged' : undefined}>
                <td className="mono">
                  {c.table}
                  {c.damaged && <strong> — damaged</strong>}
                </td>
                <td className="number">{c.live === null ? 'cannot be read' : formatCount(c.live)}</td>
                {options.backup && <td className="number">{c.inBackup === null ? '—' : formatCount(c.inBackup)}</td>}
                {options.backup && <td className="number">{lost === null ? 'unknown' : formatCount(lost)}</td>}
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableFrame>
  );
}

function TableDamageChoices({ db, databasePath }: { db: string; databasePath: string }) {
  const plan = useRepairPlan(db, true);
  const restore = useRestore(db);
  const preserved = useBackups(db).data?.find((b) => b.damaged);
  const [confirming, setConfirming] = useState(false);
  if (plan.isPending) return <LoadingState label="Counting rows in the live file and the newest verified backup…" />;
  if (plan.isError) return <ErrorNotice error={plan.error} context="What fits the damage could not be worked out" />;
  const options = plan.data.tableDamage;
  if (!options) return null;
  const backup = options.backup;
  const lost = lostByRestore(options.counts);
  return (
    <>
      <p>
        Pages of {options.tables.length ? options.tables.join(', ') : 'the file'} are damaged: the rows on them cannot be rebuilt in place. What fits:{' '}
        {backup
          ? 'restore the newest verified backup, salvage what can be read into a new file (Salvage, below), or both (salvage, then recover rows from the backup).'
          : 'there is no verified backup, so salvage what can be read into a new file (Salvage, below).'}
      </p>
      <CountsTable options={options} />
      <div className="next-action__buttons">
        {preserved ? (
          <span className="muted">
            The file as it is was preserved as <code>{preserved.name}</code>.
          </span>
        ) : (
          <PreserveCopyAction db={db} primary={false} />
        )}
        {backup && (
          <ActionButton method="restore" variant="primary" onClick={() => setConfirming(true)} disabled={restore.isRunning}>
            Restore {backup.name}…
          </ActionButton>
        )}
      </div>
      {confirming && backup && (
        <ConfirmDialog
          title={`Replace the live file with ${backup.name}?`}
          confirmLabel="Replace it, losing what is listed"
          danger
          onConfirm={() => restore.start(backup.name)}
          onClose={() => setConfirming(false)}
        >
          <p>
            The backup was taken {formatTimestamp(backup.createdAt)} at version {backup.version ?? 'unknown'}. Restoring it replaces <code>{databasePath}</code>
            ; what it replaces is kept as a pre-restore copy.
          </p>
          {lost.length === 0 ? (
            <p>By the counts, no table has rows the backup lacks.</p>
          ) : (
            <>
              <p>
                <strong>What will be lost</strong> (rows written after the backup, by the counts):
              </p>
              <ul className="plain-list">
                {lost.map((l) => (
                  <li key={l.table}>
                    {l.table}: {l.lost === null ? 'unknown — its pages are damaged, so its rows since the backup cannot be counted' : plural(l.lost, 'row')}
                  </li>
                ))}
              </ul>
            </>
          )}
          <p>To keep what can be read of them, salvage into a new file first: the salvaged file keeps it.</p>
        </ConfirmDialog>
      )}
      {restore.isRunning && (
        <OperationProgress
          title={`Restoring ${backup?.name ?? ''}`}
          operationId={restore.operationId}
          onCancel={restore.cancel}
          cancelling={restore.isCancelling}
        />
      )}
      {restore.error != null && <ErrorNotice error={restore.error} context="Nothing was restored" />}
      {restore.result && (
        <Notice tone="ok" title={`Restored from ${restore.result.restoredFrom.name}`}>
          The database is as that backup was; what it replaced is kept as {restore.result.preRestoreBackup?.name ?? 'nothing (there was no file)'}.
        </Notice>
      )}
    </>
  );
}

interface DamagePanelProps {
  db: string;
  databasePath: string;
  integrity: IntegrityResult;
  repair: LongOperation<void, RepairResult>;
}

/** Where the file is damaged, page by page, and the fix that fits. */
export function DamagePanel({ db, databasePath, integrity, repair }: DamagePanelProps) {
  const damage = integrity.damage ?? [];
  const check = integrity.level === 'quick' ? 'quick_check' : 'integrity_check';
  const indexesOnly = onlyIndexesDamaged(damage);
  return (
    <Panel title="Damage" subtitle={`Where SQLite's ${check} found it, page by page${integrity.level === 'quick' ? ' (a full check finds more)' : ''}`}>
      {damage.length > 0 ? <DamageMap damage={damage} /> : <p className="muted">SQLite did not say where: {integrity.messages[0] ?? 'no detail'}</p>}
      <h3 className="damage__heading">What fits</h3>
      {indexesOnly ? (
        <RebuildIndexes databasePath={databasePath} indexes={damagedIndexes(damage)} repair={repair} />
      ) : (
        <TableDamageChoices db={db} databasePath={databasePath} />
      )}
    </Panel>
  );
}

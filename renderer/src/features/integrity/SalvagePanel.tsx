import type { SalvageReport, SalvagedTable } from '../../../../shared/types/repair';
import { ActionButton } from '../../components/ActionButton';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Notice } from '../../components/Notice';
import { OperationProgress } from '../../components/OperationProgress';
import { Panel } from '../../components/Panel';
import { formatCount, formatDuration, plural } from '../../lib/format';
import { hrefFor } from '../../lib/routes';
import { useBackups } from '../../queries/backups';
import { fileNameOf, useOpenSalvaged, useSalvage } from './integrity-queries';

function count(n: number | null): string {
  return n === null ? '—' : formatCount(n);
}

/** A table's unreadable pages, its own first, then each index's under the index's name; the reason on hover. */
function UnreadablePages({ table }: { table: SalvagedTable }) {
  if (!table.unreadablePages.length) return <>—</>;
  const owners = [...new Set(table.unreadablePages.map((p) => p.owner))].sort((a, b) => Number(b === table.name) - Number(a === table.name));
  return (
    <ul className="salvage-outcome__pages">
      {owners.map((owner) => (
        <li key={owner}>
          {owner === table.name ? (
            'table'
          ) : (
            <>
              index <span className="mono">{owner}</span>
            </>
          )}
          :{' '}
          {table.unreadablePages
            .filter((p) => p.owner === owner)
            .map((p, k) => (
              <span key={p.page} title={p.reason}>
                {k > 0 && ', '}
                <span className="mono">{p.page}</span>
              </span>
            ))}
        </li>
      ))}
    </ul>
  );
}

function Summary({ report }: { report: SalvageReport }) {
  const clean = report.integrity.ok && report.drift.length === 0 && report.foreignKeyViolations === 0;
  return (
    <Notice
      tone={clean && report.unreadablePages.length === 0 ? 'ok' : 'warn'}
      title={`Every readable row is in a new file, in ${formatDuration(report.durationMs)}`}
    >
      <p className="mono">{report.out}</p>
      <p>
        Read {formatCount(report.pagesRead)} of {formatCount(report.pageCount)} pages
        {report.walFrames > 0 && ` (with ${plural(report.walFrames, 'committed WAL frame')})`};{' '}
        {report.unreadablePages.length ? `${plural(report.unreadablePages.length, 'page')} could not be read` : 'every page could be read'}
        {report.orphanedLeaves > 0 &&
          `; ${plural(report.orphanedLeaves, 'table page')} no b-tree reached ${report.orphanedLeaves === 1 ? 'was' : 'were'} found by scanning the file`}
        .
      </p>
      <p>
        The new file {report.integrity.ok ? 'passes' : 'fails'} SQLite&apos;s integrity_check
        {report.version ? `; it is at version ${report.version}` : ''}
        {report.drift.length ? ` and differs from that version's schema in ${plural(report.drift.length, 'object')}` : ''}
        {report.foreignKeyViolations > 0 && `; ${plural(report.foreignKeyViolations, 'row')} point at a parent row that was lost`}.
        {report.lostAndFound > 0 &&
          ` ${plural(report.lostAndFound, 'row')} could not be placed in their table and are in lost_and_found, with their page number.`}
      </p>
      {report.notes.map((note) => (
        <p key={note}>{note}</p>
      ))}
    </Notice>
  );
}

/** The "both" way out: the backup's rows the salvaged file lacked, copied back per table. */
function FromBackup({ report }: { report: SalvageReport }) {
  const added = report.fromBackup;
  if (!added) return null;
  const copied = added.tables.reduce((n, t) => n + t.copied, 0);
  return (
    <>
      <p>
        Then {plural(copied, 'row')} the damaged tables lacked {copied === 1 ? 'was' : 'were'} copied back from the backup{' '}
        <span className="mono">{added.backup}</span>, matched by primary key (a row deleted after that backup was taken comes back too):
      </p>
      <table className="data-table" aria-label="Rows copied back from the backup">
        <thead>
          <tr>
            <th>Table</th>
            <th className="number">In backup</th>
            <th className="number">Missing</th>
            <th className="number">Without parent</th>
            <th className="number">Copied</th>
          </tr>
        </thead>
        <tbody>
          {added.tables.map((t) => (
            <tr key={t.table}>
              <td className="mono">{t.table}</td>
              <td className="number">{formatCount(t.inBackup)}</td>
              <td className="number">{formatCount(t.missing)}</td>
              <td className="number">{formatCount(t.withoutParent)}</td>
              <td className="number">{formatCount(t.copied)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {added.notMatched.map((n) => (
        <p key={n.table}>
          <span className="mono">{n.table}</span>: not copied back. {n.reason}
        </p>
      ))}
    </>
  );
}

/** Serves the new file as a database of its own and shows its Overview: the way to check it and work on it. */
function OpenSalvagedFile({ db, out }: { db: string; out: string }) {
  const open = useOpenSalvaged(db);
  return (
    <div className="salvage-outcome__open">
      <ActionButton method="openSalvaged" variant="primary" onClick={() => open.mutate(out)} busy={open.isPending}>
        Open the salvaged file
      </ActionButton>
      <span className="muted">
        Opens <span className="mono">{fileNameOf(out)}</span> in this console, beside this database, which stays as it is.
      </span>
      {open.error != null && <ErrorNotice error={open.error} context="The salvaged file could not be opened" />}
    </div>
  );
}

/** Each table's rows in the new file beside the newest verified backup's, its unreadable pages, and what to do next. */
function SalvageOutcome({ db, report }: { db: string; report: SalvageReport }) {
  const short = report.tables.filter((t) => t.inBackup !== null && (t.salvaged ?? 0) < t.inBackup);
  const schemaPages = report.unreadablePages.filter((p) => p.table === null);
  return (
    <div className="salvage-outcome">
      <Summary report={report} />
      <table className="data-table" aria-label="Rows salvaged per table">
        <thead>
          <tr>
            <th>Table</th>
            <th className="number">Salvaged</th>
            <th className="number">
              {report.comparedWith ? (
                <>
                  In backup <span className="mono">{report.comparedWith}</span>
                </>
              ) : (
                'In the newest verified backup'
              )}
            </th>
            <th>Unreadable pages</th>
          </tr>
        </thead>
        <tbody>
          {report.tables.map((t) => (
            <tr key={t.name} className={short.includes(t) ? 'salvage-outcome__short' : undefined}>
              <td className="mono">{t.name}</td>
              <td className="number">
                {count(t.salvaged)}
                {t.rowsLost > 0 && <span className="muted"> ({plural(t.rowsLost, 'row')} lost to overflow pages)</span>}
              </td>
              <td className="number">{count(t.inBackup)}</td>
              <td>
                <UnreadablePages table={t} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {schemaPages.map((p) => (
        <p key={p.page}>
          Page <span className="mono">{p.page}</span> of the schema ({p.owner}) could not be read: {p.reason}.
        </p>
      ))}
      <FromBackup report={report} />
      {report.fromBackup ? (
        <p>Open the salvaged file in this console to check it, then put it in place of the damaged one while the service is stopped.</p>
      ) : report.comparedWith ? (
        <p>
          {short.length
            ? `${plural(short.length, 'table')} ha${short.length === 1 ? 's' : 've'} fewer rows than the backup. `
            : 'No table has fewer rows than the backup. '}
          Choose: keep the salvaged file (move it into place while the service is stopped), <a href={hrefFor(db, 'backups')}>restore the backup</a>, or both:
          open the salvaged file in this console, then copy the backup&apos;s missing rows into it with Recover rows on its Integrity view — or salvage again
          with the backup&apos;s rows copied back in the same job.
        </p>
      ) : (
        <p>
          There is no verified backup to compare with or to restore: the salvaged file is the way back. Open it in this console to check it (and back it up),
          then put it in place of the damaged one while the service is stopped.
        </p>
      )}
      <OpenSalvagedFile db={db} out={report.out} />
    </div>
  );
}

/**
 * On a damaged file: every row on every readable page into a new file beside it (the damaged file
 * is only read, by Schema Warden's own reader of the file format), checked and compared per table
 * with the newest verified backup.
 */
export function SalvagePanel({ db }: { db: string }) {
  const salvage = useSalvage(db);
  const backup = useBackups(db).data?.find((b) => b.verified?.ok && !b.damaged);
  return (
    <Panel
      title="Salvage"
      subtitle="For a file damaged beyond repair: a new file with every row that can still be read."
      actions={
        <>
          <ActionButton method="salvage" onClick={() => salvage.start(undefined)} busy={salvage.isRunning}>
            Salvage into a new file
          </ActionButton>
          {backup && (
            <ActionButton
              method="salvage"
              onClick={() => salvage.start(backup.name)}
              disabled={salvage.isRunning}
              title={`Salvage, then copy back from ${backup.name} the rows the damaged tables lack`}
            >
              Salvage, then copy rows back from the backup
            </ActionButton>
          )}
        </>
      }
    >
      {!salvage.isRunning && !salvage.result && salvage.error == null && (
        <p className="muted">
          The new file goes beside this one, named with the time; this file and its WAL are only read. Restoring the newest verified backup is usually the
          better way back: salvage is for the rows written since that backup.
          {backup && (
            <>
              {' '}
              Or both: salvage, then copy back from <span className="mono">{backup.name}</span> the rows the damaged tables lack (matched by primary key; a row
              deleted after that backup comes back too).
            </>
          )}
        </p>
      )}
      {salvage.isRunning && (
        <OperationProgress title="Salvaging" operationId={salvage.operationId} onCancel={salvage.cancel} cancelling={salvage.isCancelling} />
      )}
      {salvage.error != null && <ErrorNotice error={salvage.error} context="Nothing was salvaged" />}
      {salvage.result && <SalvageOutcome db={db} report={salvage.result} />}
    </Panel>
  );
}

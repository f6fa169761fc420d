import type { SalvageReport } from '../../../../shared/types';
import { errorInfoOf } from '../../api/api-error';
import { Button } from '../../components/Button';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Notice } from '../../components/Notice';
import { OperationProgress } from '../../components/OperationProgress';
import { Panel } from '../../components/Panel';
import { formatCount, formatDuration, plural } from '../../lib/format';
import { hrefFor } from '../../lib/routes';
import { useSalvage } from './integrity-queries';

function count(n: number | null): string {
  return n === null ? '—' : formatCount(n);
}

/** Each table's rows in the new file beside the newest verified backup's, and what to do next. */
function SalvageOutcome({ db, report }: { db: string; report: SalvageReport }) {
  const short = report.tables.filter((t) => t.inBackup !== null && (t.salvaged ?? 0) < t.inBackup);
  return (
    <div className="salvage-outcome">
      <Notice tone={report.integrity.ok && report.drift.length === 0 ? 'ok' : 'warn'} title={`What SQLite could read is in a new file, in ${formatDuration(report.durationMs)}`}>
        <p className="mono">{report.out}</p>
        <p>
          The new file {report.integrity.ok ? 'passes' : 'fails'} SQLite's integrity_check
          {report.version ? `; it records version ${report.version}` : '; it records no version'}
          {report.drift.length ? ` and differs from that version's schema in ${plural(report.drift.length, 'object')}` : ''}.
          {report.lostAndFound > 0 && ` ${plural(report.lostAndFound, 'row')} could not be placed in their table and are in lost_and_found.`}
        </p>
      </Notice>
      <table className="data-table" aria-label="Rows salvaged per table">
        <thead>
          <tr>
            <th>Table</th>
            <th className="number">Salvaged</th>
            <th className="number">{report.comparedWith ? <>In backup <span className="mono">{report.comparedWith}</span></> : 'In the newest verified backup'}</th>
          </tr>
        </thead>
        <tbody>
          {report.tables.map((t) => (
            <tr key={t.name} className={short.includes(t) ? 'salvage-outcome__short' : undefined}>
              <td className="mono">{t.name}</td>
              <td className="number">{count(t.salvaged)}</td>
              <td className="number">{count(t.inBackup)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        {report.comparedWith
          ? short.length
            ? `${plural(short.length, 'table')} ha${short.length === 1 ? 's' : 've'} fewer rows than the backup. `
            : 'No table has fewer rows than the backup. '
          : 'There is no verified backup to compare with. '}
        Choose: keep the salvaged file (move it into place while the service is stopped), <a href={hrefFor(db, 'backups')}>restore the backup</a>, or both: copy the
        backup&apos;s missing rows into the salvaged file with <code>warden recover-rows --db {report.out} --table TABLE --backup FILE</code>.
      </p>
    </div>
  );
}

/** The engine's reason recovery is missing on this machine, and what to do in console terms. */
function RecoveryMissing({ db, message }: { db: string; message: string }) {
  return (
    <Notice tone="info" title={`Nothing was salvaged: ${message}`}>
      <p>
        <strong>What to do:</strong> <a href={hrefFor(db, 'backups')}>restore the newest verified backup</a> in the Backups view. To salvage the rows written since,
        copy the damaged file to a machine whose sqlite3 shell has a working <code>.recover</code> (the builds from sqlite.org do), open the copy in Schema Warden there and press Salvage into a new file.
      </p>
      <p className="muted">Error code <code>NOT_SUPPORTED</code></p>
    </Notice>
  );
}

/**
 * On a damaged file: recover what SQLite can still read into a new file beside it (the damaged
 * file is never written), checked and compared per table with the newest verified backup.
 */
export function SalvagePanel({ db }: { db: string }) {
  const salvage = useSalvage(db);
  return (
    <Panel
      title="Salvage"
      subtitle="For a file damaged beyond repair: a new file with everything SQLite can still read."
      actions={<Button onClick={() => salvage.start(undefined)} busy={salvage.isRunning}>Salvage into a new file</Button>}
    >
      {!salvage.isRunning && !salvage.result && salvage.error == null && (
        <p className="muted">
          The new file goes beside this one, named with the time; this file is only read. Restoring the newest verified backup is usually the better way back:
          salvage is for the rows written since that backup.
        </p>
      )}
      {salvage.isRunning && <OperationProgress title="Salvaging" operationId={salvage.operationId} onCancel={salvage.cancel} cancelling={salvage.isCancelling} />}
      {salvage.error != null && (errorInfoOf(salvage.error).code === 'NOT_SUPPORTED' ? <RecoveryMissing db={db} message={errorInfoOf(salvage.error).message} /> : <ErrorNotice error={salvage.error} context="Nothing was salvaged" />)}
      {salvage.result && <SalvageOutcome db={db} report={salvage.result} />}
    </Panel>
  );
}

import type { SizesReport } from '../../../../shared/types/schema';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Notice } from '../../components/Notice';
import { Panel } from '../../components/Panel';
import { EmptyState, LoadingState } from '../../components/QueryStates';
import { StatusUnavailable } from '../../components/StatusUnavailable';
import { formatBytes, plural } from '../../lib/format';
import { hrefFor } from '../../lib/routes';
import { useBackups } from '../../queries/backups';
import { useStatus } from '../../queries/status';
import { GrowthChart } from './GrowthChart';
import { growthPoints } from './growth';
import { SizeBars } from './SizeBars';
import { useSizes } from './sizes-queries';
import './sizes.css';

/** The free list in words and as one bar of the whole file. */
function VacuumPanel({ report }: { report: SizesReport }) {
  const percent = report.bytes ? Math.round((100 * report.freeBytes) / report.bytes) : 0;
  return (
    <Panel title="What VACUUM would give back" subtitle={`At least ${formatBytes(report.freeBytes)} of the ${formatBytes(report.bytes)} file`}>
      <div className="vacuum-bar" aria-hidden="true">
        <span className="vacuum-bar__used" style={{ width: `${100 - (100 * report.freeBytes) / (report.bytes || 1)}%` }} />
      </div>
      <p className="vacuum-text">
        {report.freePages === 0
          ? 'No free pages: every page of the file holds a table or an index. VACUUM would only pack half-empty pages.'
          : `${plural(report.freePages, 'page')} of ${formatBytes(report.pageSize)} ${report.freePages === 1 ? 'is' : 'are'} free (${percent < 1 ? 'under 1' : percent}% of the file): rows were deleted and SQLite keeps their pages for new rows. VACUUM rewrites the file without them, and also packs half-empty pages, so it gives back at least ${formatBytes(report.freeBytes)}.`}
      </p>
    </Panel>
  );
}

function GrowthPanel({ db, fileBytes }: { db: string; fileBytes: number }) {
  const backups = useBackups(db);
  if (backups.isPending)
    return (
      <Panel title="Growth of the file">
        <LoadingState label="Reading the backups…" />
      </Panel>
    );
  if (backups.isError)
    return (
      <Panel title="Growth of the file">
        <ErrorNotice error={backups.error} context="The backups could not be listed" />
      </Panel>
    );
  const points = growthPoints(backups.data, { at: Date.now(), bytes: fileBytes });
  return (
    <Panel title="Growth of the file" subtitle={`From the size each backup recorded, to now · ${plural(backups.data.length, 'backup')}`}>
      {backups.data.length === 0 ? (
        <EmptyState title="No backups yet" action={<a href={hrefFor(db, 'backups')}>Back it up from the Backups view</a>}>
          Each backup records the file's size and time; with one or more, the file's growth is drawn here.
        </EmptyState>
      ) : (
        <GrowthChart points={points} />
      )}
    </Panel>
  );
}

/** Where the file's bytes go (dbstat), the free pages VACUUM would give back, and the file's growth. */
export function SizesView({ db }: { db: string }) {
  const status = useStatus(db);
  const sizes = useSizes(db, { enabled: status.data?.exists === true });
  if (status.isPending) return <LoadingState label="Reading the database…" />;
  if (status.isError) return <StatusUnavailable db={db} error={status.error} onRetry={() => void status.refetch()} retrying={status.isFetching} />;
  if (!status.data.exists) {
    return (
      <EmptyState title="No file yet" action={<a href={hrefFor(db, 'overview')}>Initialize it from the Overview</a>}>
        There is no database file yet, so nothing takes room.
      </EmptyState>
    );
  }
  if (sizes.isPending) return <LoadingState label="Measuring every table and index…" />;
  if (sizes.isError) return <ErrorNotice error={sizes.error} context="The sizes could not be measured" />;
  const report = sizes.data;
  return (
    <>
      <Panel
        title="Size per table and index"
        subtitle={`Largest first, from SQLite's dbstat · file ${formatBytes(report.bytes)} in ${plural(report.pageCount, 'page')} of ${formatBytes(report.pageSize)}`}
      >
        {report.measured ? (
          <SizeBars report={report} />
        ) : (
          <Notice tone="warn" title="Sizes per table and index could not be measured">
            This SQLite build has no dbstat virtual table, or a damaged page stopped it. The file's size and its free pages are still known, below.
          </Notice>
        )}
      </Panel>
      <VacuumPanel report={report} />
      <GrowthPanel db={db} fileBytes={report.bytes} />
    </>
  );
}

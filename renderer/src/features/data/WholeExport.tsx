import { useState } from 'react';
import type { MethodInput } from '../../../../shared/contract';
import type { ExportStarted } from '../../../../shared/types/data';
import { useApi, useOperationActivity } from '../../api/connection-context';
import { newOperationId } from '../../api/operation-activity';
import { Button } from '../../components/Button';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Notice } from '../../components/Notice';
import { ProgressBar } from '../../components/ProgressBar';
import { formatCount, plural } from '../../lib/format';

/** What is exported: a table's rows as the grid shows them (filters, sort), or a query's. */
export type ExportSource = Pick<MethodInput<'exportResult'>, 'table' | 'filters' | 'sort' | 'sql'>;

type Format = MethodInput<'exportResult'>['format'];

interface ExportRun {
  id: string;
  format: Format;
  started: ExportStarted | null;
  error: unknown;
}

/** Starts the browser's download of the host's stream: a link with `download` never leaves the page, even when the host answers an error. */
function download(address: string, fileName: string): void {
  const link = document.createElement('a');
  link.href = address;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
}

const EXPORT_TITLE =
  'Every row, read by the host a page at a time (never the whole result in memory): CSV as warden query --csv writes it, or one JSON object per line';

/** Export of the whole result (not only the rows on screen), with its progress, Cancel, and how it ended. */
export function WholeExport({ db, source, what }: { db: string; source: ExportSource; what: string }) {
  const api = useApi();
  const [run, setRun] = useState<ExportRun | null>(null);
  const activity = useOperationActivity(run?.id ?? null);
  const progress = activity?.progress;
  const failed = run?.error ?? (activity?.log?.level === 'error' ? activity.log.message : null);
  const done = run && !failed && (progress?.phase === 'Exported' || run.started?.savedTo != null);
  const running = run !== null && !failed && !done;

  const start = async (format: Format) => {
    const id = newOperationId();
    setRun({ id, format, started: null, error: null });
    try {
      const started = await api.exportResult({ db, format, operationId: id, ...source });
      if (started.download) download(started.download, started.fileName);
      setRun((r) => (r?.id === id ? { ...r, started } : r));
    } catch (error) {
      setRun((r) => (r?.id === id ? { ...r, error } : r));
    }
  };

  return (
    <div className="whole-export">
      <div className="row-actions">
        <Button size="small" onClick={() => start('csv')} disabled={running} title={EXPORT_TITLE}>
          Export all as CSV
        </Button>
        <Button size="small" onClick={() => start('jsonl')} disabled={running} title={EXPORT_TITLE}>
          Export all as JSON lines
        </Button>
      </div>
      {running && (
        <div className="whole-export__progress">
          <span aria-live="polite">
            {progress
              ? `Exporting ${what}: ${formatCount(progress.done)}${progress.total > 0 ? ` of ${formatCount(progress.total)}` : ''} rows`
              : 'Starting the export…'}
          </span>
          <ProgressBar label={`Exporting ${what}`} done={progress?.done} total={progress && progress.total > 0 ? progress.total : undefined} />
          <Button size="small" onClick={() => api.cancel({ operationId: run.id })}>
            Cancel export
          </Button>
        </div>
      )}
      {done && (
        <Notice tone="ok" title={`Exported ${plural(progress?.done ?? run.started?.rows ?? 0, 'row')} of ${what}`}>
          {run.started?.savedTo ? `Saved to ${run.started.savedTo}.` : `Downloaded as ${run.started?.fileName ?? 'a file'}.`}
        </Notice>
      )}
      {failed != null && typeof failed !== 'string' && <ErrorNotice error={failed} context="The export could not start" />}
      {typeof failed === 'string' && (
        <Notice tone="bad" title="The export stopped" urgent>
          {failed} The download is marked failed; no partial file is kept as if it were whole.
        </Notice>
      )}
    </div>
  );
}

import type { ServiceStatementsRun } from '../../../../shared/types/migrations';
import { Notice } from '../../components/Notice';
import { plural } from '../../lib/format';

/** How the service's statements fared on the rehearsed copy: each failure with its SQL and SQLite's error, each skip with why. */
export function ServiceStatementResults({ run }: { run: ServiceStatementsRun | null }) {
  if (run === null) {
    return (
      <Notice tone="neutral" title="No service statements were checked">
        The schema folder lists none (service-statements.json).
      </Notice>
    );
  }
  if (run.notRun !== null)
    return (
      <Notice tone="neutral" title="Service statements not run">
        {run.notRun}
      </Notice>
    );
  const failed = run.results.filter((r) => r.outcome === 'failed');
  const skipped = run.results.filter((r) => r.outcome === 'skipped');
  const passed = run.results.length - failed.length - skipped.length;
  return (
    <section className="service-results" aria-label="Service statements on the rehearsed copy">
      <Notice
        tone={failed.length ? 'bad' : 'ok'}
        title={
          failed.length
            ? `${plural(failed.length, 'service statement')} ${failed.length === 1 ? 'fails' : 'fail'} at ${run.version}`
            : `Every service statement works at ${run.version}`
        }
      >
        {plural(passed, 'statement')} passed{skipped.length > 0 && `, ${skipped.length} skipped`} ({run.file}), each rolled back.
      </Notice>
      {failed.map((r) => (
        <article key={r.name} className="service-results__failure" aria-label={`Failed: ${r.name}`}>
          <h4>{r.name}</h4>
          <pre className="mono">{r.sql}</pre>
          <p>
            <strong>SQLite:</strong> {r.error}
          </p>
        </article>
      ))}
      {skipped.length > 0 && (
        <ul className="service-results__skipped">
          {skipped.map((r) => (
            <li key={r.name}>
              {r.name}: <span className="muted">{r.error}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

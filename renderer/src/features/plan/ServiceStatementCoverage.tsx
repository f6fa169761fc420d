import type { ServiceStatementCoverage as Coverage } from '../../../../shared/types/migrations';
import { plural } from '../../lib/format';

/** What the schema's list of its service's statements covers, which the rehearsal runs on the migrated copy. */
export function ServiceStatementCoverage({ coverage }: { coverage: Coverage | null }) {
  if (coverage === null) {
    return (
      <section className="service-coverage" aria-label="Service statements">
        <p className="muted">
          No service statements are listed (the schema folder has no service-statements.json): a rehearsal cannot tell whether the service's own statements
          still work.
        </p>
      </section>
    );
  }
  return (
    <section className="service-coverage" aria-label="Service statements">
      <p>
        <strong>Service statements</strong> ({coverage.file}): {plural(coverage.writes, 'write')}, {plural(coverage.reads, 'read')}. Rehearse runs each on the
        migrated copy.
      </p>
      <dl className="service-coverage__objects">
        <dt>Covered</dt>
        <dd className="mono">{coverage.covered.join(', ') || 'nothing'}</dd>
        <dt>Not covered</dt>
        <dd className="mono">{coverage.uncovered.join(', ') || 'none'}</dd>
      </dl>
    </section>
  );
}

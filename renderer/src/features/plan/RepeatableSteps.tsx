import type { RepeatableStep } from '../../../../shared/types/migrations';
import { Panel } from '../../components/Panel';
import { plural } from '../../lib/format';
import { SqlListing } from './SqlListing';

/** The repeatable migrations (Flyway's R__ files) a plan runs after its versions: each file, why it runs, and its SQL. */
export function RepeatableSteps({ repeatables }: { repeatables: RepeatableStep[] }) {
  if (repeatables.length === 0) return null;
  return (
    <Panel
      title={`Then ${plural(repeatables.length, 'repeatable migration')}`}
      subtitle="After the versions, each in a transaction of its own, recorded as the app's tool records them"
    >
      <ul className="plan__repeatables" aria-label="Repeatable migrations">
        {repeatables.map((r) => (
          <li key={r.file}>
            <p>
              <code>{r.file}</code> — {r.reason === 'new' ? 'never applied' : 'changed since it was last applied'}
            </p>
            <SqlListing sql={r.sql} warnings={[]} />
          </li>
        ))}
      </ul>
    </Panel>
  );
}

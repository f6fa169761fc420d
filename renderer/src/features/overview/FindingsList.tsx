import type { Problem } from '../../../../shared/types/schema';
import { Panel } from '../../components/Panel';
import { Tag } from '../../components/Tag';
import { plural } from '../../lib/format';
import { hrefFor } from '../../lib/routes';

const SHOWN = 6;

/** The first few problems the status found, worst first, with a way to all of them. */
export function FindingsList({ db, problems }: { db: string; problems: Problem[] }) {
  if (problems.length === 0) return null;
  const sorted = [...problems].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  return (
    <Panel title="Findings" subtitle={plural(problems.length, 'problem')} actions={<a href={hrefFor(db, 'integrity')}>Open the integrity view</a>}>
      <ul className="findings">
        {sorted.slice(0, SHOWN).map((problem) => (
          <li key={`${problem.kind}:${problem.table ?? ''}:${problem.name}:${problem.change}`} className="findings__item">
            <Tag tone={problem.severity === 'error' ? 'bad' : 'warn'}>{problem.change}</Tag>
            <span>{problem.message}</span>
          </li>
        ))}
      </ul>
      {problems.length > SHOWN && <p className="muted">…and {problems.length - SHOWN} more in the integrity view.</p>}
    </Panel>
  );
}

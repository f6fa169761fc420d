import { Fragment } from 'react';
import type { Change, Problem } from '../../../../shared/types/schema';
import { Tag } from '../../components/Tag';
import { isRepairable, whyNotRepairable } from '../../lib/repairability';
import { DefinitionDiff, distinctDefinitions } from './DefinitionDiff';
import type { ObjectGroup } from './object-groups';

const STATE_LABELS: Record<Change, string> = { missing: 'Missing', changed: 'Changed', extra: 'Extra', failed: 'Failed' };

function StateTag({ state, severity }: { state: Change; severity: 'error' | 'warning' }) {
  return <Tag tone={severity === 'error' ? 'bad' : 'warn'}>{STATE_LABELS[state]}</Tag>;
}

function Difference({ problem }: { problem: Problem }) {
  if (problem.expected === undefined && problem.actual === undefined) return <>{problem.message}</>;
  return (
    <div className="difference">
      <span>{problem.message}</span>
      {problem.expected !== undefined && (
        <span>
          <span className="difference__label">expected</span> <code>{problem.expected}</code>
        </span>
      )}
      {problem.actual !== undefined && (
        <span>
          <span className="difference__label">found</span> <code>{problem.actual}</code>
        </span>
      )}
    </div>
  );
}

function RepairCell({ problem }: { problem: Problem }) {
  if (problem.severity === 'warning' && problem.change === 'extra') return <span className="muted">Left as it is</span>;
  if (problem.fixedByRenaming) return <Tag tone="info">Renaming {problem.fixedByRenaming} back fixes it</Tag>;
  if (isRepairable(problem) && problem.foundAs) return <Tag tone="info">Repair renames {problem.foundAs} back</Tag>;
  return isRepairable(problem) ? <Tag tone="info">Repair recreates it</Tag> : <span className="muted">{whyNotRepairable(problem)}</span>;
}

function GroupRow({ group }: { group: ObjectGroup }) {
  const own = group.tableProblem;
  const inside = group.problems.length ? `${group.problems.length} finding${group.problems.length === 1 ? '' : 's'} in its objects` : '';
  return (
    <tr className="object-table__group">
      <th scope="rowgroup" className="mono">
        {group.label}
      </th>
      <td>{group.isTable ? 'table' : ''}</td>
      <td>{own ? <StateTag state={own.change} severity={own.severity} /> : group.isTable && <Tag tone="ok">Present</Tag>}</td>
      <td>{own ? <Difference problem={own} /> : <span className="muted">{inside}</span>}</td>
      <td>{own && <RepairCell problem={own} />}</td>
    </tr>
  );
}

/** Every object with a finding, grouped by table: its kind, name, state and what repair can do. */
export function ObjectStateTable({ groups }: { groups: ObjectGroup[] }) {
  return (
    <table className="data-table object-table">
      <thead>
        <tr>
          <th>Object</th>
          <th>Kind</th>
          <th>State</th>
          <th>Difference</th>
          <th>Repair</th>
        </tr>
      </thead>
      <tbody>
        {groups.map((group) => (
          <Fragment key={group.key}>
            <GroupRow group={group} />
            {group.problems.map((problem) => (
              <tr key={`${problem.kind}:${problem.name}:${problem.change}`}>
                <td className="mono object-table__name">{problem.name}</td>
                <td>{problem.kind.replaceAll('_', ' ')}</td>
                <td>
                  <StateTag state={problem.change} severity={problem.severity} />
                </td>
                <td>
                  <Difference problem={problem} />
                </td>
                <td>
                  <RepairCell problem={problem} />
                </td>
              </tr>
            ))}
            {distinctDefinitions([...(group.tableProblem ? [group.tableProblem] : []), ...group.problems]).map(({ object, definitions }) => (
              <tr key={`sql:${object}`} className="object-table__sql">
                <td colSpan={5}>
                  <DefinitionDiff object={object} definitions={definitions} />
                </td>
              </tr>
            ))}
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}

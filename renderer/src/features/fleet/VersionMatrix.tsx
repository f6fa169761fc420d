import type { DeploymentStatus } from '../../../../shared/types/fleet';
import { HealthDot } from '../../components/HealthDot';
import { TableFrame } from '../../components/TableFrame';
import { plural } from '../../lib/format';
import { STATE_LABEL, stateDot } from './fleet-state-words';
import { fleetVersions, newestKnown, standing, versionKnown, type Standing } from './version-matrix';

// Deployments × the versions the fleet knows: each cell says, in words, where the deployment
// stands to that version (the colour and the mark only help the eye). A deployment whose version
// is not known says why across its row; an unhealthy one is never shown plainly "At" its version.

const WORDS: Record<Standing, { mark: string; text: string }> = {
  behind: { mark: '‹', text: 'Behind' },
  at: { mark: '●', text: 'At' },
  ahead: { mark: '›', text: 'Ahead' },
};

function Cell({ d, version }: { d: DeploymentStatus; version: string }) {
  const where = standing(d, version);
  // At its version, but the database is not well: said in the cell itself, not only in the status column.
  const sick = where === 'at' && d.status === 'unhealthy';
  const { mark, text } = WORDS[where];
  return (
    <td className={`version-matrix__cell version-matrix__cell--${sick ? 'sick' : where}`}>
      <span aria-hidden="true" className="version-matrix__mark">
        {mark}
      </span>{' '}
      {text}
      {sick && <>, unhealthy</>}
    </td>
  );
}

function Row({ d, versions }: { d: DeploymentStatus; versions: string[] }) {
  return (
    <tr data-deployment={d.name}>
      <th scope="row" className="nowrap">
        {d.name}
      </th>
      <td className="nowrap">
        <span className="fleet__state">
          <HealthDot status={stateDot(d.status)} />
          {STATE_LABEL[d.status]}
        </span>
        <span className="muted version-matrix__version">{versionKnown(d) ? (d.version ?? 'no version yet') : 'version not known'}</span>
      </td>
      {versionKnown(d) ? (
        versions.map((v) => <Cell key={v} d={d} version={v} />)
      ) : (
        <td colSpan={versions.length} className="version-matrix__unknown">
          {d.reason}
        </td>
      )}
    </tr>
  );
}

/** The version matrix of the deployments shown (the group filter's). */
export function VersionMatrix({ deployments }: { deployments: DeploymentStatus[] }) {
  const versions = fleetVersions(deployments);
  const newest = newestKnown(deployments);
  const atCount = (v: string) => deployments.filter((d) => versionKnown(d) && d.version === v).length;
  if (versions.length === 0) return <p className="muted">No deployment shown has said its version yet: the matrix fills in when one answers.</p>;
  return (
    <div className="version-matrix">
      <p className="muted version-matrix__legend">
        Each cell says where a deployment stands to that version: <strong>Behind</strong> (it still has that version to apply), <strong>At</strong>, or{' '}
        <strong>Ahead</strong> (it is past it).
      </p>
      <TableFrame label="Versions by deployment" className="version-matrix__frame">
        <table className="data-table">
          <caption className="visually-hidden">Versions by deployment</caption>
          <thead>
            <tr>
              <th scope="col">Deployment</th>
              <th scope="col">Status</th>
              {versions.map((v) => (
                <th scope="col" key={v} className="version-matrix__head">
                  {v}
                  <span className="version-matrix__count">
                    {v === newest ? 'newest · ' : ''}
                    {atCount(v)} at
                  </span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {deployments.map((d) => (
              <Row key={d.name} d={d} versions={versions} />
            ))}
          </tbody>
        </table>
      </TableFrame>
      <p className="muted">
        {plural(deployments.length, 'deployment')}, {plural(versions.length, 'version')} known to them.
      </p>
    </div>
  );
}

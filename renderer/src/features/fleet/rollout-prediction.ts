import type { DeploymentStatus } from '../../../../shared/types/fleet';
import { compareVersionNames } from './version-names';

// What the rollout dialog foresees for each deployment from its last status, before anything
// starts. A rollout rehearses on every deployment it is given and halts before touching any
// database if one rehearsal fails, so a deployment foreseen to fail is left out by default (when
// it cannot be reached) or named before the operator may start anyway.

export type Foreseen =
  /** It will be rehearsed, then migrated. */
  | 'migrates'
  /** Already at the target: the rollout leaves it as it is. */
  | 'at target'
  /** Its rehearsal will fail (or it cannot be reached), so the rollout halts with nothing migrated. */
  | 'fails'
  /** Not known from its last answer (it has not answered, its database was busy): its rehearsal will say. */
  | 'not known';

export interface Prediction {
  foreseen: Foreseen;
  /** Why, in one sentence without its full stop. */
  why: string;
  /** Ticked when the dialog opens: all but those that cannot be reached. */
  includedByDefault: boolean;
}

const clause = (text: string) => text.replace(/\.+$/, '');

export function predict(d: DeploymentStatus, to: string): Prediction {
  const include = (foreseen: Foreseen, why: string): Prediction => ({ foreseen, why, includedByDefault: true });
  if (d.status === 'unreachable') return { foreseen: 'fails', why: `it cannot be reached: ${clause(d.reason)}`, includedByDefault: false };
  if (d.status === 'waiting') return include('not known', 'it has not answered yet, so its version is not known');
  if (d.status === 'locked') return include('not known', `its database was busy when last asked (${clause(d.reason)}); its rehearsal waits for it`);
  if (d.version !== null && compareVersionNames(d.version, to) === 0) {
    return include(
      'at target',
      d.status === 'unhealthy'
        ? `it is at ${to} already, but unhealthy (${clause(d.reason)}): the rollout leaves it as it is and does not repair it`
        : `it is at ${to} already: the rollout leaves it as it is`,
    );
  }
  if (d.version !== null && compareVersionNames(d.version, to) > 0)
    return include('fails', `it is at ${d.version}, newer than ${to}: a rollout never downgrades`);
  if (!d.pending.includes(to))
    return include('fails', d.latest ? `its schema does not know ${to} (its newest is ${d.latest})` : `its schema does not know ${to}`);
  if (d.status === 'unhealthy')
    return include(
      'fails',
      `it is unhealthy (${clause(d.reason)}), and its rehearsed copy is checked against the expected schema: the rehearsal will most likely fail`,
    );
  const steps = d.pending.slice(0, d.pending.indexOf(to) + 1).length;
  return include('migrates', `${d.version ?? 'no version yet'} → ${to}, ${steps === 1 ? 'one step' : `${steps} steps`}`);
}

import type { HostCapabilities, HostContext } from '../api/host-context';
import type { ClientOptions } from './deployment-client';
import { runFleetAction } from './fleet-action-job';
import { fleetCompare } from './fleet-compare';
import type { Fleet } from './fleet-file';
import { runFleetRollout } from './fleet-rollout-job';
import { fleetStatus, hostStatusAsking, inGroup } from './fleet-status';

// What a host can do with a fleet file: its status, a rolling migrate, verify all and back up
// all (each of those three a host job), and compare two schemas. One place for every host that has a fleet: the web
// host (`warden serve --fleet FILE`) and the desktop app; nothing here knows how calls arrive.

export type FleetCapabilities = Required<Pick<HostCapabilities, 'fleetStatus' | 'fleetMigrate' | 'fleetVerify' | 'fleetBackup' | 'fleetCompare'>>;

export interface FleetDeadlines extends Pick<ClientOptions, 'timeoutMs' | 'quickTimeoutMs'> {
  /** How long a fleet status waits for the deployments before it reports (fleet-status.ts's STATUS_WAIT_MS). */
  statusWaitMs?: number;
}

/**
 * The fleet capabilities of `host` (its engine workers run local files; its jobs keep the long
 * ones). Made once per fleet: its statuses share their asks, so an answer that comes after one
 * report is in the next. `deadlines`: how long an agent may take to answer (tests shorten them).
 */
export function fleetCapabilities(host: HostContext, fleet: Fleet, defaultSchemaDir: string, deadlines: FleetDeadlines = {}): FleetCapabilities {
  const { statusWaitMs, ...answerDeadlines } = deadlines;
  const asking = hostStatusAsking();
  return {
    fleetStatus: (group) =>
      fleetStatus(fleet, inGroup(fleet, group), { defaultSchemaDir, engine: host.engine, ...answerDeadlines }, { asking, waitMs: statusWaitMs }),
    fleetMigrate: (input, operator) => runFleetRollout(host, fleet, defaultSchemaDir, input, operator),
    fleetVerify: (input, operator) => runFleetAction(host, fleet, defaultSchemaDir, 'fleetVerify', input, operator),
    fleetBackup: (input, operator) => runFleetAction(host, fleet, defaultSchemaDir, 'fleetBackup', input, operator),
    fleetCompare: (input) => fleetCompare(fleet, input, { defaultSchemaDir, engine: host.engine, ...answerDeadlines }),
  };
}

import type { HostCapabilities, HostContext } from '../api/host-context';
import type { ClientOptions } from './deployment-client';
import { runFleetAction } from './fleet-action-job';
import type { Fleet } from './fleet-file';
import { runFleetRollout } from './fleet-rollout-job';
import { fleetStatus, inGroup } from './fleet-status';

// What a host can do with a fleet file: its status, a rolling migrate, verify all and back up
// all (each of the last three a host job). One place for every host that has a fleet: the web
// host (`warden serve --fleet FILE`) and the desktop app; nothing here knows how calls arrive.

export type FleetCapabilities = Required<Pick<HostCapabilities, 'fleetStatus' | 'fleetMigrate' | 'fleetVerify' | 'fleetBackup'>>;

/** The fleet capabilities of `host` (its engine workers run local files; its jobs keep the long ones). */
/** `deadlines`: how long an agent may take to answer (tests shorten them; see deployment-client.ts). */
export function fleetCapabilities(host: HostContext, fleet: Fleet, defaultSchemaDir: string, deadlines: Pick<ClientOptions, 'timeoutMs' | 'quickTimeoutMs'> = {}): FleetCapabilities {
  return {
    fleetStatus: (group) => fleetStatus(fleet, inGroup(fleet, group), { defaultSchemaDir, engine: host.engine, ...deadlines }),
    fleetMigrate: (input, operator) => runFleetRollout(host, fleet, defaultSchemaDir, input, operator),
    fleetVerify: (input, operator) => runFleetAction(host, fleet, defaultSchemaDir, 'fleetVerify', input, operator),
    fleetBackup: (input, operator) => runFleetAction(host, fleet, defaultSchemaDir, 'fleetBackup', input, operator),
  };
}

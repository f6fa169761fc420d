import type { FleetActionReport, FleetActionResult } from '../../shared/fleet-types';
import { FLEET_STATE_RANK } from '../../shared/fleet-types';
import { connectTo, Unreachable, type ClientOptions, type DeploymentClient } from './deployment-client';
import { eachLimited } from './each-limited';
import type { Deployment, Fleet } from './fleet-file';
import { addressOf, worstOf } from './fleet-status';

// `warden fleet verify` and `warden fleet backup`: one call on every deployment, a few at a time,
// each deployment's result on stderr as it comes.

type Action = (client: DeploymentClient) => Promise<Omit<FleetActionResult, 'name' | 'group' | 'address' | 'durationMs'>>;

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

async function onEach(fleet: Fleet, deployments: Deployment[], name: FleetActionReport['action'], parallel: number, options: ClientOptions, say: (line: string) => void, action: Action): Promise<FleetActionReport> {
  const results = await eachLimited(deployments, parallel, async (deployment): Promise<FleetActionResult> => {
    const started = performance.now();
    const base = { name: deployment.name, group: deployment.group, address: addressOf(deployment) };
    let result: FleetActionResult;
    try {
      const client = await connectTo(deployment, options);
      try {
        result = { ...base, address: client.address, ...(await action(client)), durationMs: Math.round(performance.now() - started) };
      } finally {
        await client.close();
      }
    } catch (err) {
      const state = err instanceof Unreachable ? 'unreachable' : 'unhealthy';
      result = { ...base, state, detail: messageOf(err), version: null, durationMs: Math.round(performance.now() - started) };
    }
    say(`${deployment.name}: ${name} ${result.state === 'unreachable' ? 'UNREACHABLE' : result.state}: ${result.detail}`);
    return result;
  });
  const worstFirst = [...results].sort((a, b) => FLEET_STATE_RANK[b.state] - FLEET_STATE_RANK[a.state] || a.name.localeCompare(b.name));
  return { fleet: fleet.path, action: name, deployments: worstFirst, worst: worstOf(results.map((r) => r.state)) };
}

export function fleetVerify(fleet: Fleet, deployments: Deployment[], level: 'quick' | 'full', parallel: number, options: ClientOptions, say: (line: string) => void): Promise<FleetActionReport> {
  return onEach(fleet, deployments, 'verify', parallel, options, say, async (client) => {
    const report = await client.call('verify', { level });
    return { state: report.status, detail: report.reason, version: report.version };
  });
}

/** A failed backup is a failure of that deployment (unhealthy here): its database is not protected. */
export function fleetBackup(fleet: Fleet, deployments: Deployment[], parallel: number, options: ClientOptions, say: (line: string) => void): Promise<FleetActionReport> {
  return onEach(fleet, deployments, 'backup', parallel, options, say, async (client) => {
    const info = await client.call('backup', {});
    const check = info.verified ? (info.verified.ok ? 'verified' : 'FAILED its check') : 'not verified';
    return { state: info.verified?.ok === false ? 'unhealthy' : 'healthy', detail: `${info.name} (${info.bytes} bytes, ${check})`, version: info.version };
  });
}

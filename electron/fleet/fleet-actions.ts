import type { FleetActionEntry, FleetActionReport, FleetActionResult } from '../../shared/types/fleet';
import { FLEET_STATE_RANK } from '../../shared/types/fleet';
import { connectTo, Unreachable, type ClientOptions, type DeploymentClient } from './deployment-client';
import { eachLimited } from './each-limited';
import { addressOf, type Deployment, type Fleet } from './fleet-file';
import { worstOf } from './fleet-status';
import { lockedReason } from './lock-holder';

// `warden fleet verify` and `warden fleet backup`, and Verify all / Back up all on the console's
// Fleet page: one call on every deployment, a few at a time, each deployment's result on stderr
// (and its live step to the console) as it comes.

type Action = (client: DeploymentClient, signal: AbortSignal | undefined) => Promise<Omit<FleetActionResult, 'name' | 'group' | 'address' | 'durationMs'>>;

/** How a caller follows and stops the run (the console's job; the CLI passes none). */
export interface FleetActionWatch {
  /** Every deployment's live step, each time one changes. */
  onChange?: (entries: FleetActionEntry[]) => void;
  /** Aborted (Cancel): no deployment starts after it, and the ones under way are cancelled where they can be. */
  signal?: AbortSignal;
  /** How the person stops it, in the report's words: "Cancel in the Jobs panel". */
  stopWith?: string;
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));
const clause = (text: string) => text.replace(/\.+$/, '');
const isCancelled = (err: unknown) => typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'CANCELLED';

const DOING: Record<FleetActionReport['action'], string> = { verify: 'verifying', backup: 'backing up' };

async function onEach(
  fleet: Fleet,
  deployments: Deployment[],
  name: FleetActionReport['action'],
  parallel: number,
  options: ClientOptions,
  say: (line: string) => void,
  watch: FleetActionWatch,
  action: Action,
): Promise<FleetActionReport> {
  const { signal } = watch;
  const stopWith = watch.stopWith ?? 'Ctrl-C';
  const entries: FleetActionEntry[] = deployments.map((d) => ({
    name: d.name,
    group: d.group,
    address: addressOf(d),
    step: 'waiting',
    status: null,
    detail: '',
    version: null,
  }));
  const changed = () => watch.onChange?.(entries.map((e) => ({ ...e })));
  const notDone = (entry: FleetActionEntry, detail: string) => {
    Object.assign(entry, { step: 'not done', detail });
    say(`${entry.name}: ${name} not done: ${detail}`);
    changed();
  };
  changed();
  const results = await eachLimited(deployments, parallel, async (deployment, index): Promise<FleetActionResult | null> => {
    const entry = entries[index];
    if (signal?.aborted) {
      notDone(entry, `not started: it was stopped (${stopWith})`);
      return null;
    }
    Object.assign(entry, { step: 'running', detail: '' });
    changed();
    const started = performance.now();
    const base = { name: deployment.name, group: deployment.group, address: entry.address };
    let result: FleetActionResult;
    try {
      const client = await connectTo(deployment, options);
      try {
        entry.address = client.address;
        result = { ...base, address: client.address, ...(await action(client, signal)), durationMs: Math.round(performance.now() - started) };
      } finally {
        await client.close();
      }
    } catch (err) {
      if (isCancelled(err) && signal?.aborted) {
        notDone(entry, `cancelled while ${DOING[name]} (${stopWith}): ${clause(messageOf(err))}`);
        return null;
      }
      // A database another process holds is busy, not unhealthy: its health was not learned.
      const locked = lockedReason(err, deployment);
      const status = err instanceof Unreachable ? 'unreachable' : locked ? 'locked' : 'unhealthy';
      result = {
        ...base,
        address: entry.address,
        status,
        detail: locked ?? messageOf(err),
        version: null,
        durationMs: Math.round(performance.now() - started),
        ...(name === 'backup' ? { backedUp: false } : {}),
      };
    }
    Object.assign(entry, {
      step: 'done',
      status: result.status,
      detail: result.detail,
      version: result.version,
      address: result.address,
      backedUp: result.backedUp,
    });
    say(
      `${deployment.name}: ${name} ${result.status === 'unreachable' || result.status === 'locked' ? result.status.toUpperCase() : result.status}: ${result.detail}`,
    );
    changed();
    return result;
  });
  const done = results.filter((r): r is FleetActionResult => r !== null);
  const worstFirst = [...done].sort((a, b) => FLEET_STATE_RANK[b.status] - FLEET_STATE_RANK[a.status] || a.name.localeCompare(b.name));
  const skipped = entries.filter((e) => e.step === 'not done').map(({ name: n, group, address, detail }) => ({ name: n, group, address, detail }));
  return {
    // Stopped before any was done: there is no worst to tell (it said "worst HEALTHY" after a Ctrl-C that did nothing).
    fleet: fleet.path,
    action: name,
    deployments: worstFirst,
    worst: done.length ? worstOf(done.map((r) => r.status)) : null,
    stoppedBecause: skipped.length > 0 ? `it was stopped (${stopWith}) with ${skipped.length} of ${deployments.length} deployment(s) not done` : null,
    notDone: skipped,
  };
}

export function fleetVerify(
  fleet: Fleet,
  deployments: Deployment[],
  level: 'quick' | 'full',
  parallel: number,
  options: ClientOptions,
  say: (line: string) => void,
  watch: FleetActionWatch = {},
): Promise<FleetActionReport> {
  return onEach(fleet, deployments, 'verify', parallel, options, say, watch, async (client, signal) => {
    try {
      const report = await client.call('verify', { level }, { signal });
      return { status: report.status, detail: report.reason, version: report.version };
    } catch (err) {
      if (err instanceof Unreachable || isCancelled(err) || (err as { code?: unknown }).code === 'LOCKED') throw err;
      // A file too damaged to verify still says its version where it can: status reads it without the checks.
      return { status: 'unhealthy', detail: messageOf(err), version: await versionOf(client) };
    }
  });
}

/** The deployment's version by status, or null when that fails too. */
function versionOf(client: DeploymentClient): Promise<string | null> {
  return client.call('status', {}).then(
    (s) => s.version,
    () => null,
  );
}

/**
 * A backup says nothing of the database's health: a drifted database backed up was called
 * HEALTHY. So a deployment backed up is given its status's verdict afterwards (the backup itself
 * named in the detail), and a backup that failed is unhealthy: its database is not protected.
 */
export function fleetBackup(
  fleet: Fleet,
  deployments: Deployment[],
  parallel: number,
  options: ClientOptions,
  say: (line: string) => void,
  watch: FleetActionWatch = {},
): Promise<FleetActionReport> {
  return onEach(fleet, deployments, 'backup', parallel, options, say, watch, async (client, signal) => {
    const info = await client.call('backup', {}, { signal });
    const check = info.verified ? (info.verified.ok ? 'verified' : 'FAILED its check') : 'not verified';
    const made = `${info.name} (${info.bytes} bytes, ${check})`;
    if (info.verified?.ok === false) return { status: 'unhealthy', detail: made, version: info.version, backedUp: false };
    try {
      const status = await client.call('status', {});
      const verdict = status.status === 'healthy' ? '' : `; the database itself is ${status.status.replace('_', ' ')}: ${status.reason}`;
      return { status: status.status, detail: `${made}${verdict}`, version: status.version, backedUp: true };
    } catch (err) {
      const locked = (err as { code?: unknown }).code === 'LOCKED';
      return {
        status: err instanceof Unreachable ? 'unreachable' : locked ? 'locked' : 'unhealthy',
        detail: `${made}; its status could not be read afterwards: ${messageOf(err)}`,
        version: info.version,
        backedUp: true,
      };
    }
  });
}

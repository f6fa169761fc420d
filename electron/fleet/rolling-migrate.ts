import type { RehearsalReport } from '../../shared/types/migrations';
import type { RolloutDeployment, RolloutReport } from '../../shared/types/fleet';
import { compareVersionNames, WardenError } from '../engine';
import { connectTo, Unreachable, type ClientOptions, type DeploymentClient } from './deployment-client';
import { eachLimited } from './each-limited';
import { addressOf, type Deployment, type Fleet } from './fleet-file';
import { takeRolloutLock } from './rollout-lock';

// `warden fleet migrate --to V`: rehearse on every target first (one failure halts before any
// database is touched), then migrate the canary and verify it in full, then the rest N at a time,
// halting at the first failure or unhealthy result. Each migrate is the deployment's own (its
// engine takes the verified backup, one transaction per step). At the end every deployment is
// asked its version again, so the report says which is at which.

export interface RolloutOptions {
  to: string;
  /** The deployment migrated (and verified) first; default: the first that needs migrating. */
  canary?: string;
  parallel: number;
  /** One line per step, for stderr. */
  onProgress: (line: string) => void;
  /** Every deployment's live outcome, each time one changes (the console's Fleet page). */
  onChange?: (deployments: RolloutDeployment[]) => void;
  /** Aborted (Ctrl-C, Cancel): migrations under way finish (each is its deployment's own transaction), no other starts. */
  signal?: AbortSignal;
  /** How the person stops it, in the report's words: "Ctrl-C" (the CLI's default), "Cancel in the Jobs panel". */
  stopWith?: string;
}

interface Target {
  deployment: Deployment;
  client: DeploymentClient | null;
  entry: RolloutDeployment;
}

const REHEARSALS_AT_ONCE = 4;

/** A sentence without its full stop, to be embedded in another. */
const clause = (text: string) => text.replace(/\.+$/, '');
const messageOf = (err: unknown) => clause(err instanceof Error ? err.message : String(err));

/** Why a rehearsal did not pass, in one sentence. */
function rehearsalFailure(report: RehearsalReport): string {
  const step = report.steps.find((s) => !s.ok);
  if (step)
    return `step ${step.version} failed: ${step.error ? clause(step.error) : step.foreignKeyViolations ? `${step.foreignKeyViolations} row(s) would point at missing parents` : 'see `warden rehearse`'}`;
  if (report.integrity && !report.integrity.ok) return `the rehearsed copy fails integrity_check (${report.integrity.messages[0] ?? ''})`;
  const drift = report.drift.find((p) => p.severity === 'error');
  if (drift) return `the rehearsed copy differs from the expected schema: ${drift.message}`;
  const statement = report.serviceStatements?.results.find((r) => r.outcome === 'failed');
  if (statement) return `the service statement ${statement.name} fails on the rehearsed copy`;
  return 'the rehearsal did not pass';
}

async function connectAll(deployments: Deployment[], options: ClientOptions): Promise<Target[]> {
  return eachLimited(deployments, 8, async (deployment) => {
    const entry: RolloutDeployment = {
      name: deployment.name,
      group: deployment.group,
      address: addressOf(deployment),
      canary: false,
      from: null,
      version: null,
      outcome: 'waiting',
      detail: '',
    };
    try {
      const client = await connectTo(deployment, options);
      entry.address = client.address;
      return { deployment, client, entry };
    } catch (err) {
      if (!(err instanceof Unreachable)) throw err;
      Object.assign(entry, { outcome: 'unreachable', detail: err.message });
      return { deployment, client: null, entry };
    }
  });
}

/** Reads the version, then rehearses; false when this target stops the rollout. */
async function rehearseTarget(target: Target, to: string, say: (line: string) => void): Promise<boolean> {
  const { entry, client } = target;
  if (client === null) return false;
  try {
    const status = await client.call('status', {});
    entry.from = status.version;
    entry.version = status.version;
    entry.health = { status: status.status, reason: status.reason };
    // Another deployment's versions may be ordered numbers (a dbmate schema): compared by their names.
    if (status.version !== null && compareVersionNames(status.version, to) === 0) {
      Object.assign(entry, { outcome: 'already at target', detail: `already at ${to}` });
      say(`${entry.name}: already at ${to}, nothing to do`);
      return true;
    }
    if (status.version !== null && compareVersionNames(status.version, to) > 0) {
      Object.assign(entry, { outcome: 'rehearsal failed', detail: `it is at ${status.version}, newer than ${to}: a rollout never downgrades` });
      say(`${entry.name}: ${entry.detail}`);
      return false;
    }
    Object.assign(entry, { outcome: 'rehearsing', detail: `rehearsing ${status.version ?? 'nothing'} → ${to}` });
    say(`${entry.name}: rehearsing ${status.version ?? 'nothing'} → ${to}…`);
    const report = await client.call('rehearse', { to });
    if (!report.ok) {
      Object.assign(entry, { outcome: 'rehearsal failed', detail: rehearsalFailure(report) });
      say(`${entry.name}: rehearsal FAILED: ${entry.detail}`);
      return false;
    }
    Object.assign(entry, { outcome: 'rehearsed', detail: `rehearsed ${report.steps.length} step(s) in ${report.durationMs} ms` });
    say(`${entry.name}: rehearsal ok (${report.steps.length} step(s), ${report.durationMs} ms)`);
    return true;
  } catch (err) {
    Object.assign(entry, { outcome: err instanceof Unreachable ? 'unreachable' : 'rehearsal failed', detail: messageOf(err) });
    say(`${entry.name}: rehearsal FAILED: ${entry.detail}`);
    return false;
  }
}

/** Migrates (the deployment's engine takes its verified backup first), then verifies in full; false when the rollout must stop. */
async function migrateTarget(target: Target, to: string, say: (line: string) => void): Promise<boolean> {
  const { entry, client } = target;
  const role = entry.canary ? 'canary ' : '';
  try {
    Object.assign(entry, { outcome: 'migrating', detail: `migrating ${entry.from ?? 'nothing'} → ${to} (a verified backup first)` });
    say(`${role}${entry.name}: migrating ${entry.from ?? 'nothing'} → ${to}…`);
    const result = await client!.call('migrate', { to, backup: true });
    entry.version = result.to;
    const backupNote = result.backup ? `; backup first: ${result.backup.name}` : '';
    Object.assign(entry, { outcome: 'verifying', detail: `at ${result.to}${backupNote}; verifying in full` });
    say(`${role}${entry.name}: at ${result.to}${backupNote}; verifying (integrity_check, foreign_key_check, schema)…`);
    const verified = await client!.call('verify', { level: 'full' });
    if (verified.status === 'unhealthy') {
      Object.assign(entry, {
        outcome: 'verify failed',
        detail: `migrated to ${result.to}${backupNote}, but verify finds it unhealthy: ${clause(verified.reason)}`,
      });
      say(`${role}${entry.name}: verify FAILED: ${verified.reason}`);
      return false;
    }
    Object.assign(entry, { outcome: 'migrated', detail: `migrated to ${result.to} and verified (${verified.status})${backupNote}` });
    say(`${role}${entry.name}: verified (${verified.status})`);
    return true;
  } catch (err) {
    const unreachable = err instanceof Unreachable;
    Object.assign(entry, { outcome: unreachable ? 'unreachable' : 'migrate failed', detail: messageOf(err) });
    say(`${role}${entry.name}: ${unreachable ? 'UNREACHABLE' : 'migrate FAILED'}: ${entry.detail}`);
    return false;
  }
}

/** Asks every reachable deployment its version once more: the report's last word on where each is. */
async function readVersions(targets: Target[]): Promise<void> {
  await eachLimited(targets, 8, async ({ client, entry }) => {
    if (client === null) return;
    try {
      const status = await client.call('status', {});
      entry.version = status.version;
      // At the target is not healthy: the report says which is which (an unhealthy one left at the target is never a success).
      entry.health = { status: status.status, reason: status.reason };
    } catch (err) {
      entry.version = null;
      delete entry.health;
      if (err instanceof Unreachable && entry.outcome !== 'unreachable') entry.detail += `${entry.detail ? '; ' : ''}now unreachable: ${err.message}`;
    }
  });
}

/** Rehearsed but never migrated: the rollout stopped at `at` first. */
function untouched(targets: Target[], at: Target): void {
  for (const t of targets)
    if (t.entry.outcome === 'rehearsed')
      Object.assign(t.entry, { outcome: 'not started', detail: `not started (rehearsal passed): the rollout halted at ${at.deployment.name}` });
}

/** The named canary, unless it is already at the target; then (or without a name) the first deployment that needs migrating. */
function chooseCanary(targets: Target[], name: string | undefined): Target | null {
  const named = targets.find((t) => t.deployment.name === name && t.entry.outcome === 'rehearsed');
  return named ?? targets.find((t) => t.entry.outcome === 'rehearsed') ?? null;
}

export async function rollingMigrate(fleet: Fleet, deployments: Deployment[], options: RolloutOptions, clientOptions: ClientOptions): Promise<RolloutReport> {
  const started = performance.now();
  const stopWith = options.stopWith ?? 'Ctrl-C';
  if (options.canary !== undefined && !deployments.some((d) => d.name === options.canary)) {
    throw new WardenError(
      'INVALID_INPUT',
      `The canary "${options.canary}" is not one of the deployments being migrated (${deployments.map((d) => d.name).join(', ')}).`,
      'Name a deployment of the fleet file (and of --group, if given).',
    );
  }
  // One rollout per fleet, whichever process starts it: refused here, before any deployment is asked anything.
  const lock = takeRolloutLock(fleet.path, options.to);
  try {
    return await rollOut(fleet, deployments, options, clientOptions, started, stopWith);
  } finally {
    lock.release();
  }
}

async function rollOut(
  fleet: Fleet,
  deployments: Deployment[],
  options: RolloutOptions,
  clientOptions: ClientOptions,
  started: number,
  stopWith: string,
): Promise<RolloutReport> {
  const targets = await connectAll(deployments, clientOptions);
  /** Every state change is followed by its line: the line goes to the CLI, a copy of every entry to the console. */
  const changed = () => options.onChange?.(targets.map((t) => ({ ...t.entry })));
  const say = (line: string) => {
    options.onProgress(line);
    changed();
  };
  const report = (outcome: RolloutReport['outcome'], haltedBecause: string | null, canary: Target | null): RolloutReport => {
    changed();
    return {
      fleet: fleet.path,
      to: options.to,
      canary: canary?.deployment.name ?? null,
      parallel: options.parallel,
      outcome,
      haltedBecause,
      deployments: targets.map((t) => t.entry),
      durationMs: Math.round(performance.now() - started),
    };
  };
  try {
    say(`Rehearsing ${options.to} on ${targets.length} deployment(s) before touching any…`);
    // Rehearsals only read (each on its own machine's copy): a few at a time whatever --parallel says.
    const rehearsed = await eachLimited(targets, Math.max(options.parallel, REHEARSALS_AT_ONCE), (t) => rehearseTarget(t, options.to, say));
    const failed = targets.filter((_, i) => !rehearsed[i]);
    if (failed.length > 0) {
      await readVersions(targets);
      const why = failed.map((t) => `${t.deployment.name}: ${t.entry.detail}`).join('; ');
      const unreachable = failed.filter((t) => t.entry.outcome === 'unreachable').length;
      const what = [
        failed.length > unreachable ? `the rehearsal did not pass on ${failed.length - unreachable} deployment(s)` : '',
        unreachable > 0 ? `${unreachable} deployment(s) could not be reached` : '',
      ]
        .filter(Boolean)
        .join(' and ');
      return report('halted', `${what}, so no database was touched (${why})`, null);
    }
    if (options.signal?.aborted) {
      await readVersions(targets);
      return report('halted', `it was stopped (${stopWith}) after the rehearsals, before any database was touched`, null);
    }
    const canary = chooseCanary(targets, options.canary);
    if (canary === null) {
      await readVersions(targets);
      return report('completed', null, null);
    }
    canary.entry.canary = true;
    if (options.canary !== undefined && canary.deployment.name !== options.canary) {
      say(`${options.canary} is already at ${options.to}: ${canary.deployment.name} is the canary instead`);
    }
    if (!(await migrateTarget(canary, options.to, say))) {
      untouched(targets, canary);
      await readVersions(targets);
      return report('halted', `the canary ${canary.deployment.name} did not pass: ${canary.entry.detail}; no other deployment was touched`, canary);
    }
    const rest = targets.filter((t) => t !== canary && t.entry.outcome === 'rehearsed');
    const halt: { at: Target | null } = { at: null };
    await eachLimited(rest, options.parallel, async (t) => {
      if (halt.at !== null || options.signal?.aborted) return; // halted: what has not started stays untouched
      if (!(await migrateTarget(t, options.to, say))) halt.at ??= t;
    });
    const stop = halt.at;
    if (stop !== null) untouched(rest, stop);
    else if (options.signal?.aborted)
      for (const t of rest)
        if (t.entry.outcome === 'rehearsed')
          Object.assign(t.entry, { outcome: 'not started', detail: `not started (rehearsal passed): the rollout was stopped (${stopWith})` });
    await readVersions(targets);
    if (stop !== null) return report('halted', `${stop.deployment.name} did not pass: ${stop.entry.detail}`, canary);
    if (rest.some((t) => t.entry.outcome === 'not started'))
      return report('halted', `it was stopped (${stopWith}); the deployments being migrated then finished`, canary);
    return report('completed', null, canary);
  } finally {
    await Promise.all(targets.map((t) => t.client?.close()));
  }
}

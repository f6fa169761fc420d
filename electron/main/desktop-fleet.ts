import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { dirname } from 'node:path';
import { contract, isMethodName, METHOD_NAMES, type MethodName } from '../../shared/contract';
import type { FleetStatusReport, OpenedFleet } from '../../shared/types/fleet';
import { OPERATOR_NAME } from '../../shared/operator-name';
import type { CallEnvelope } from '../../shared/transport';
import type { HostEvent, HostInfo } from '../../shared/types/jobs';
import type { HostCapabilities, HostContext } from '../api/host-context';
import { WardenError } from '../engine';
import { addressOf, loadFleet, withKeychain, type Deployment, type Fleet } from '../fleet/fleet-file';
import { fleetCapabilities, type FleetCapabilities } from '../fleet/fleet-capabilities';
import { FleetProxy } from '../fleet/fleet-proxy';
import type { FleetTokens } from './fleet-tokens';

// The fleet in the desktop app: a fleet file chosen in a native dialog (and opened again at the
// next start), agent tokens kept by the OS keychain (FleetTokens), and each deployment opened in
// a window of its own showing the full console. A deployment window's calls reach its
// deployment through the same FleetProxy `warden serve --fleet` uses: this app's engine for a
// local file, the agent (with its token, through its SSH tunnel) otherwise. Electron itself
// (dialogs, windows) is given by index.ts, so this runs and is tested without the binary.

/** A deployment's window, as this module needs it. */
export interface DeploymentWindow {
  send(event: HostEvent): void;
  focus(): void;
  close(): void;
}

export interface DesktopFleetOptions {
  /** The desktop host: its engine workers, jobs, operations and events. */
  host: HostContext;
  tokens: FleetTokens;
  /** Remembers which fleet file was open (under userData). */
  rememberedFile: string;
  /** The schema of the fleet's local files that name none. */
  defaultSchemaDir: string;
  chooseFleetFile(): Promise<string | null>;
  /** Opens a window on the console for `deployment`; `closed` is called when the user closes it. */
  openWindow(deployment: string, closed: () => void): { id: number; window: DeploymentWindow };
}

/**
 * What a deployment window may call: the methods on its database, and the few a console needs to
 * run (which schemas and databases, who it acts as, its jobs and Cancel). Anything else (this app's
 * fleet, opening or closing files, fleet-wide jobs, the keychain) is the main window's alone: an
 * allow-list, so that a method added later is refused here until someone decides otherwise.
 */
const DEPLOYMENT_WINDOW_METHODS: ReadonlySet<MethodName> = new Set<MethodName>([
  ...METHOD_NAMES.filter((method) => 'db' in (contract[method]._zod.def.shape ?? {}) && method !== 'closeDatabase'),
  'listSchemas',
  'listDatabases',
  'hostInfo',
  'jobs',
  'cancel',
]);

/** Whom this app tells an agent it acts for: the user logged in, as "alice@laptop" (the agent's history names them). */
function desktopOperator(): string | undefined {
  const name = `${userInfo().username}@${hostname()}`.slice(0, 64);
  return OPERATOR_NAME.test(name) ? name : undefined;
}

export class DesktopFleet {
  /** The open fleet, its proxy, and its capabilities (made once: its statuses share their asks, a late answer is in the next). */
  private opened: { fleet: Fleet; proxy: FleetProxy; capabilities: FleetCapabilities } | null = null;
  /** Deployment windows by their webContents id. */
  private readonly windows = new Map<number, { deployment: Deployment; window: DeploymentWindow; stopEvents: () => void }>();
  private readonly operator = desktopOperator();

  constructor(private readonly options: DesktopFleetOptions) {}

  /** At start: the fleet file open when the app last closed, if it still loads (else the app starts without a fleet). */
  reopen(): OpenedFleet | null {
    const path = this.remembered();
    if (!path) return null;
    try {
      return this.load(path);
    } catch {
      return null;
    }
  }

  /** File → Open Fleet…: a native dialog; the fleet file replaces the open one (its windows close). */
  async open(): Promise<OpenedFleet | null> {
    const path = await this.options.chooseFleetFile();
    return path === null ? null : this.load(path);
  }

  load(path: string): OpenedFleet {
    const fleet = loadFleet(path); // throws, naming the field, before anything of the open fleet is closed
    void this.close();
    const withTokens = withKeychain(fleet, this.options.tokens.lookupFor(fleet.path));
    this.opened = {
      fleet: withTokens,
      proxy: new FleetProxy(withTokens, this.options.host),
      capabilities: fleetCapabilities(this.options.host, withTokens, this.options.defaultSchemaDir),
    };
    mkdirSync(dirname(this.options.rememberedFile), { recursive: true });
    writeFileSync(this.options.rememberedFile, JSON.stringify({ path: fleet.path }));
    const opened = { path: fleet.path, deployments: fleet.deployments.length, groups: [...new Set(fleet.deployments.map((d) => d.group))].sort() };
    this.options.host.emit({ type: 'fleet', fleet: opened });
    return opened;
  }

  /** The fleet's status, rolling migrate, verify all and back up all as `warden serve --fleet` has them (of the fleet open now), plus what only the desktop app does. */
  capabilities(): FleetCapabilities & Pick<HostCapabilities, 'desktopFleet'> {
    const of = () => this.current().capabilities;
    return {
      fleetStatus: (group) => this.status(of(), group),
      // The jobs act for the user logged in (a local file's history, an agent's X-Warden-Operator).
      fleetMigrate: (input, operator) => of().fleetMigrate(input, operator ?? this.operator),
      fleetVerify: (input, operator) => of().fleetVerify(input, operator ?? this.operator),
      fleetBackup: (input, operator) => of().fleetBackup(input, operator ?? this.operator),
      fleetCompare: (input) => of().fleetCompare(input),
      desktopFleet: {
        open: () => this.open(),
        keepToken: (name, token) => {
          const deployment = this.deployment(name, 'keep its token');
          this.options.tokens.keep(this.current().fleet.path, deployment.name, addressOf(deployment), token);
          void this.current().proxy.reconnect(name);
        },
        forgetToken: (name) => {
          const forgotten = this.options.tokens.forget(this.current().fleet.path, this.deployment(name, 'forget its token').name);
          void this.current().proxy.reconnect(name);
          return forgotten;
        },
        openDeployment: (name) => this.openDeployment(name),
      },
    };
  }

  /**
   * A call from one of this app's windows: answered here when the window shows a deployment
   * (null: it is the main window, the host answers).
   */
  callFrom(windowId: number, method: string, input: unknown): Promise<CallEnvelope<unknown>> | null {
    const shown = this.windows.get(windowId);
    if (!shown) return null;
    return this.callDeployment(shown.deployment, method, input);
  }

  /** The host's events that concern a local file's deployment window too: its operations' progress, logs and jobs. */
  forward(event: HostEvent): void {
    if (event.type !== 'progress' && event.type !== 'log' && event.type !== 'job') return;
    const operationId = event.type === 'job' ? event.job.id : event.operationId;
    for (const { deployment, window } of this.windows.values()) {
      // Its own operations only: the main window's jobs are not a deployment window's to see.
      if (deployment.reach.kind === 'file' && this.opened?.proxy.ownsOperation(deployment.name, operationId)) window.send(event);
    }
  }

  async close(): Promise<void> {
    for (const { window } of [...this.windows.values()]) window.close();
    this.windows.clear();
    const proxy = this.opened?.proxy;
    this.opened = null;
    await proxy?.close();
  }

  private async callDeployment(deployment: Deployment, method: string, input: unknown): Promise<CallEnvelope<unknown>> {
    if (!isMethodName(method) || !DEPLOYMENT_WINDOW_METHODS.has(method)) {
      return {
        ok: false,
        error: {
          code: 'NOT_SUPPORTED',
          message: `${method} is done from the app's main window, not from a deployment's.`,
          consoleHint: 'Use the Fleet page of the main window.',
        },
      };
    }
    const proxy = this.opened?.proxy;
    if (!proxy)
      return {
        ok: false,
        error: {
          code: 'NOT_FOUND',
          message: `The fleet of ${deployment.name} is no longer open in this app.`,
          consoleHint: 'Close this window and open the deployment again from the Fleet page.',
        },
      };
    const { body } = await proxy.call(deployment, method, input, deployment.reach.kind === 'file' ? undefined : this.operator);
    // The agent answers for its own operator token; in this window the app acts for the user logged in, and asks no name.
    if (method === 'hostInfo' && body.ok)
      Object.assign(body.result as HostInfo, {
        operator: this.operator ?? null,
        asksForOperator: false,
        readOnly: false,
        mayCall: [...DEPLOYMENT_WINDOW_METHODS],
      });
    return body;
  }

  /** The status, and for each tokenKeychain deployment whether the app keeps its token (the page offers Set token… or Forget token). */
  private async status(capabilities: FleetCapabilities, group: string | undefined): Promise<FleetStatusReport> {
    const { fleet } = this.current();
    const report = await capabilities.fleetStatus(group);
    const inKeychain = new Set(fleet.deployments.filter((d) => d.reach.kind !== 'file' && 'keychain' in d.reach.token).map((d) => d.name));
    const kept = this.options.tokens.keptFor(fleet.path);
    for (const d of report.deployments) {
      if (inKeychain.has(d.name)) d.keychain = kept.has(d.name) ? 'kept' : 'missing';
    }
    return report;
  }

  private openDeployment(name: string): void {
    const deployment = this.deployment(name, 'open it');
    const open = [...this.windows.values()].find((w) => w.deployment.name === name);
    if (open) return open.window.focus();
    const { id, window } = this.options.openWindow(name, () => {
      this.windows.get(id)?.stopEvents();
      this.windows.delete(id);
    });
    // A local file's events come from this app's own engine (see forward); an agent's from its event stream.
    // A stream dropped for an event past its cap is said in the app's log (it is opened again after a pause).
    const stopEvents =
      deployment.reach.kind === 'file'
        ? () => undefined
        : this.opened!.proxy.subscribe(
            deployment,
            (event) => window.send(event),
            (why) => process.stderr.write(`${why}\n`),
          );
    this.windows.set(id, { deployment, window, stopEvents });
  }

  private current(): { fleet: Fleet; proxy: FleetProxy; capabilities: FleetCapabilities } {
    if (!this.opened)
      throw new WardenError('NOT_FOUND', 'No fleet file is open in this app.', 'Open one with File → Open Fleet… (or Open fleet file on the Fleet page).');
    return this.opened;
  }

  private deployment(name: string, toDo: string): Deployment {
    const found = this.current().fleet.deployments.find((d) => d.name === name);
    if (!found)
      throw new WardenError(
        'NOT_FOUND',
        `The open fleet file has no deployment named "${name}", so the app cannot ${toDo}.`,
        'Refresh the Fleet page: the fleet file may have changed.',
        { field: 'deployment' },
      );
    return found;
  }

  private remembered(): string | null {
    if (!existsSync(this.options.rememberedFile)) return null;
    try {
      const { path } = JSON.parse(readFileSync(this.options.rememberedFile, 'utf8')) as { path?: unknown };
      return typeof path === 'string' && path ? path : null;
    } catch {
      return null;
    }
  }
}

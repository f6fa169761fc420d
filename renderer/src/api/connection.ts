import { createApi, type Api } from './client';
import { electronBridge, electronTransport } from './electron-transport';
import { httpTransport } from './http-transport';
import { OperationActivityStore } from './operation-activity';
import { takeSessionToken } from './session-token';
import type { Transport } from './transport';

/** Everything a view needs from its host: the typed api, the host kind and live operation activity. */
export interface Connection {
  kind: Transport['kind'];
  api: Api;
  activity: OperationActivityStore;
  /** Every event the host sends (progress, logs, and changes to the list of databases). */
  subscribe: Transport['subscribe'];
  /** The fleet deployment this page shows through its host (`?deployment=NAME`), or null for the host's own databases. */
  deployment: string | null;
}

/** `?deployment=NAME`: this page is one deployment of the host's fleet, reached through the host (a browser page, or a desktop app window of its own). */
export function deploymentOfThisPage(location: Location = window.location): string | null {
  return new URL(location.href).searchParams.get('deployment');
}

/** Inside Electron the preload's bridge; in a browser the web host that served this page. */
function transportForThisWindow(): Transport {
  // A desktop deployment window calls through the same bridge: the app knows which window asks.
  const bridge = electronBridge();
  if (bridge) return electronTransport(bridge);
  const deployment = deploymentOfThisPage();
  // The host passes the calls on with the deployment's own token: this page only holds the host's.
  return httpTransport(takeSessionToken(), deployment === null ? '' : `/fleet/${encodeURIComponent(deployment)}`);
}

export function connectToHost(transport: Transport = transportForThisWindow(), deployment: string | null = deploymentOfThisPage()): Connection {
  const activity = new OperationActivityStore();
  transport.subscribe(activity.record);
  return { kind: transport.kind, api: createApi(transport), activity, subscribe: transport.subscribe, deployment };
}

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
}

/** Inside Electron the preload's bridge; in a browser the web host that served this page. */
function transportForThisWindow(): Transport {
  const bridge = electronBridge();
  return bridge ? electronTransport(bridge) : httpTransport(takeSessionToken());
}

export function connectToHost(transport: Transport = transportForThisWindow()): Connection {
  const activity = new OperationActivityStore();
  transport.subscribe(activity.record);
  return { kind: transport.kind, api: createApi(transport), activity, subscribe: transport.subscribe };
}

import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_EVENT_CHANNEL, ipcChannelFor, type CallEnvelope, type WardenBridge } from '../../shared/transport';
import type { HostEvent } from '../../shared/types/jobs';

// Exposes exactly the WardenBridge as window.warden: a call per method and the event channel.
// Nothing of ipcRenderer or Node reaches the page. Bundled into one CommonJS file (sandboxed
// preloads cannot load modules).

const METHOD_NAME = /^[A-Za-z]{1,64}$/;

const bridge: WardenBridge = {
  host: 'electron',
  async call(method: string, input: unknown): Promise<CallEnvelope<unknown>> {
    if (typeof method !== 'string' || !METHOD_NAME.test(method)) {
      return { ok: false, error: { code: 'NOT_SUPPORTED', message: 'There is no API method by that name.' } };
    }
    try {
      return (await ipcRenderer.invoke(ipcChannelFor(method), input)) as CallEnvelope<unknown>;
    } catch {
      // The main process answers every contract method with an envelope; a rejection means no handler.
      return { ok: false, error: { code: 'NOT_SUPPORTED', message: `There is no API method named "${method}".` } };
    }
  },
  onEvent(listener: (event: HostEvent) => void): () => void {
    const relay = (_event: IpcRendererEvent, hostEvent: HostEvent) => listener(hostEvent);
    ipcRenderer.on(IPC_EVENT_CHANNEL, relay);
    return () => ipcRenderer.removeListener(IPC_EVENT_CHANNEL, relay);
  },
};

contextBridge.exposeInMainWorld('warden', bridge);

import { contextBridge } from 'electron';

// Placeholder until the hosts issue exposes the typed API.
contextBridge.exposeInMainWorld('warden', { ready: true });

import type { WardenBridge } from '../../../shared/transport';
import type { Transport } from './transport';

declare global {
  interface Window {
    warden?: WardenBridge;
  }
}

export function electronBridge(): WardenBridge | null {
  return typeof window !== 'undefined' && window.warden?.host === 'electron' ? window.warden : null;
}

export function electronTransport(bridge: WardenBridge): Transport {
  return {
    kind: 'electron',
    call: (method, input) => bridge.call(method, input),
    subscribe: (listener) => bridge.onEvent(listener),
  };
}

import { useSyncExternalStore } from 'react';
import { FLEET_HREF } from '../../lib/routes';

// The Fleet page's three parts, each at an address of its own (so a reload or a link keeps the
// place): #/fleet (the deployments), #/fleet/versions (the version matrix), #/fleet/compare?a=…&with=…

export const FLEET_SECTIONS = [
  { id: 'deployments', label: 'Deployments', href: FLEET_HREF },
  { id: 'versions', label: 'Versions', href: `${FLEET_HREF}/versions` },
  { id: 'compare', label: 'Compare schemas', href: `${FLEET_HREF}/compare` },
] as const;

export type FleetSection = (typeof FLEET_SECTIONS)[number]['id'];

export interface FleetPlace {
  section: FleetSection;
  /** What follows the '?' (Compare's chosen sides). */
  params: URLSearchParams;
}

export function fleetPlaceOf(hash: string): FleetPlace {
  const [path, query = ''] = hash.replace(/^#/, '').split('?');
  const part = path.split('/')[2];
  const section = FLEET_SECTIONS.find((s) => s.id === part && s.id !== 'deployments')?.id ?? 'deployments';
  return { section, params: new URLSearchParams(query) };
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

export function useFleetPlace(): FleetPlace {
  return fleetPlaceOf(useSyncExternalStore(subscribe, () => window.location.hash));
}

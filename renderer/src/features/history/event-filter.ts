import type { EventAction, LifecycleEvent } from '../../../../shared/types/history';
import { describeEvent } from './event-text';

export interface EventFilter {
  action: EventAction | 'all';
  failedOnly: boolean;
  text: string;
}

export const NO_FILTER: EventFilter = { action: 'all', failedOnly: false, text: '' };

/** The events that match: by action, by outcome, and by words in version, actor or what happened. */
export function filterEvents(events: LifecycleEvent[], filter: EventFilter): LifecycleEvent[] {
  const needle = filter.text.trim().toLowerCase();
  return events.filter((event) => {
    if (filter.action !== 'all' && event.action !== filter.action) return false;
    if (filter.failedOnly && event.outcome !== 'failed') return false;
    if (!needle) return true;
    return [event.version ?? '', event.actor, event.action, describeEvent(event)].some((field) => field.toLowerCase().includes(needle));
  });
}

import type { LifecycleEvent } from '../../../../shared/types/history';
import { ACTION_LABELS } from './event-text';
import { eventStory } from './event-words';
import { StoryDialog } from './StoryDialog';

/** Everything one event recorded, in words, for the support ticket. */
export function EventDetailDialog({ event, onClose }: { event: LifecycleEvent; onClose: () => void }) {
  return (
    <StoryDialog
      title={`${ACTION_LABELS[event.action] ?? event.action}${event.outcome === 'failed' ? ' (failed)' : ''} · event ${event.id}`}
      story={eventStory(event)}
      failed={event.outcome === 'failed'}
      onClose={onClose}
    />
  );
}

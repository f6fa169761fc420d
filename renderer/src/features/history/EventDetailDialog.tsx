import type { LifecycleEvent } from '../../../../shared/types';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { FactList } from '../../components/FactList';
import { formatTimestamp, formatDuration } from '../../lib/format';
import { ACTION_LABELS, describeEvent, eventDurationMs } from './event-text';

/** Everything one event recorded, detail included, for the support ticket. */
export function EventDetailDialog({ event, onClose }: { event: LifecycleEvent; onClose: () => void }) {
  const ms = eventDurationMs(event);
  return (
    <Dialog title={`${ACTION_LABELS[event.action] ?? event.action} · event ${event.id}`} onClose={onClose} width="wide" footer={<Button onClick={onClose}>Close</Button>}>
      <FactList
        facts={[
          { label: 'What happened', value: describeEvent(event) },
          { label: 'Outcome', value: event.outcome === 'ok' ? 'Succeeded' : 'Failed' },
          { label: 'When', value: `${formatTimestamp(event.at)} (${event.at})` },
          { label: 'Version', value: event.version ?? '—' },
          { label: 'Who', value: event.actor },
          { label: 'Took', value: ms === null ? '—' : formatDuration(ms) },
        ]}
      />
      <h3 className="event-detail__heading">Recorded detail</h3>
      <pre className="event-detail__json">{JSON.stringify(event.detail, null, 2)}</pre>
    </Dialog>
  );
}

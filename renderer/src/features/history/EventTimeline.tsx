import { useVirtualizer } from '@tanstack/react-virtual';
import { useId, useRef, useState, type KeyboardEvent } from 'react';
import type { LifecycleEvent } from '../../../../shared/types/history';
import { Tag } from '../../components/Tag';
import { formatTimestamp, formatDuration } from '../../lib/format';
import { remInPx } from '../../lib/rem';
import { ACTION_LABELS, describeEvent, emphasisOf, eventDurationMs } from './event-text';

/** A row's height in rem: rows grow with the browser's font size, as their text does. */
const ROW_HEIGHT_REM = 2.25;
const PAGE = 12;

function EventRow({ event }: { event: LifecycleEvent }) {
  const emphasis = emphasisOf(event);
  const ms = eventDurationMs(event);
  return (
    <>
      <time className="timeline__when" dateTime={event.at}>
        {formatTimestamp(event.at)}
      </time>
      <span className="timeline__action">{ACTION_LABELS[event.action] ?? event.action}</span>
      <span className="timeline__version mono">{event.version ?? '—'}</span>
      <span className="timeline__what" title={describeEvent(event)}>
        {describeEvent(event)}
      </span>
      <span className="timeline__who" title={event.actor}>
        {event.actor}
      </span>
      <span className="timeline__took">{ms === null ? '' : formatDuration(ms)}</span>
      <span className="timeline__outcome">
        {emphasis === 'failed' && (
          <Tag tone="bad" strong>
            ✕ Failed
          </Tag>
        )}
        {emphasis === 'accepted' && (
          <Tag tone="warn" strong>
            ! Accepted
          </Tag>
        )}
        {emphasis === null && <Tag tone="ok">✓ OK</Tag>}
      </span>
    </>
  );
}

interface EventTimelineProps {
  events: LifecycleEvent[];
  onOpen: (event: LifecycleEvent) => void;
}

/**
 * Lifecycle events as one keyboard-driven list (arrows, Page Up/Down, Home/End, Enter opens),
 * virtualized: only the rows in view exist in the DOM, so 10,000 events scroll smoothly.
 */
export function EventTimeline({ events, onOpen }: EventTimelineProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  const baseId = useId();
  const [rowHeight] = useState(() => remInPx(ROW_HEIGHT_REM));
  const virtualizer = useVirtualizer({ count: events.length, getScrollElement: () => scroller.current, estimateSize: () => rowHeight, overscan: 12 });
  const current = Math.min(active, events.length - 1);

  function moveTo(index: number) {
    const next = Math.max(0, Math.min(events.length - 1, index));
    setActive(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  }

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    const moves: Record<string, number> = {
      ArrowDown: current + 1,
      ArrowUp: current - 1,
      PageDown: current + PAGE,
      PageUp: current - PAGE,
      Home: 0,
      End: events.length - 1,
    };
    if (e.key in moves) {
      e.preventDefault();
      moveTo(moves[e.key]);
    } else if (e.key === 'Enter' && events[current]) {
      e.preventDefault();
      onOpen(events[current]);
    }
  }

  return (
    <div className="timeline">
      <div className="timeline__head" aria-hidden="true">
        <span>When</span>
        <span>Action</span>
        <span>Version</span>
        <span>What happened</span>
        <span>Who</span>
        <span>Took</span>
        <span>Outcome</span>
      </div>
      <div
        ref={scroller}
        className="timeline__scroller"
        role="listbox"
        tabIndex={0}
        aria-label="Lifecycle events, newest first"
        aria-activedescendant={events.length ? `${baseId}-${current}` : undefined}
        onKeyDown={onKeyDown}
      >
        <div className="timeline__canvas" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const event = events[item.index];
            const emphasis = emphasisOf(event);
            return (
              <div
                key={event.id}
                id={`${baseId}-${item.index}`}
                role="option"
                aria-selected={item.index === current}
                aria-setsize={events.length}
                aria-posinset={item.index + 1}
                className={`timeline__row${emphasis ? ` timeline__row--${emphasis}` : ''}${item.index === current ? ' timeline__row--active' : ''}`}
                style={{ height: item.size, transform: `translateY(${item.start}px)` }}
                onClick={() => {
                  setActive(item.index);
                  onOpen(event);
                }}
              >
                <EventRow event={event} />
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

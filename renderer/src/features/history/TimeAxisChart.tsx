import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { useWidth } from '../../hooks/use-width';
import { formatTimestamp, plural } from '../../lib/format';
import { StoryDetails, StoryDialog } from './StoryDialog';
import { clusterItems, timeTicks, type Cluster } from './time-axis';
import { LANES, storyOf, type Lane, type TimelineItem } from './timeline-items';

// Versions, migrations, backups, restores, repairs and checks on one time axis, a lane each. Each
// marker is a button (one tab stop for the whole chart, arrow keys between markers) that opens
// what happened in words; markers that would overlap are one marker with a count.

const GUTTER = 104;
const RIGHT = 20;
const LANE_HEIGHT = 34;
const MARKER = 22;

interface Marker {
  lane: Lane;
  laneIndex: number;
  x: number;
  items: TimelineItem[];
}

function markerName(marker: Marker): string {
  const [first] = marker.items;
  // A failed event says so; a check that found the database unhealthy says it in its own words.
  if (marker.items.length === 1)
    return `${first.label}${first.failed && first.source.kind === 'event' ? ' (failed)' : ''}, by ${first.who}, ${formatTimestamp(new Date(first.at).toISOString())}`;
  const last = marker.items[marker.items.length - 1];
  const failed = marker.items.filter((i) => i.failed).length;
  const who = [...new Set(marker.items.map((i) => i.who))].join(', ');
  return `${plural(marker.items.length, LANES[marker.laneIndex].label.toLowerCase().replace(/s$/, ''), LANES[marker.laneIndex].label.toLowerCase())}${failed ? `, ${failed} failed` : ''}, by ${who}, ${formatTimestamp(new Date(first.at).toISOString())} to ${formatTimestamp(new Date(last.at).toISOString())}`;
}

/** Several items of one lane close in time: each in a sentence, opening in place to the rest of its story. */
function ClusterDialog({ items, onClose }: { items: TimelineItem[]; onClose: () => void }) {
  const [shown, setShown] = useState<string | null>(null);
  return (
    <Dialog title={`${plural(items.length, 'event')} close together`} onClose={onClose} width="wide" footer={<Button onClick={onClose}>Close</Button>}>
      <ul className="time-axis__cluster">
        {[...items].reverse().map((item) => {
          const story = storyOf(item);
          const open = shown === item.key;
          return (
            <li key={item.key}>
              <button type="button" className="time-axis__cluster-item" aria-expanded={open} onClick={() => setShown(open ? null : item.key)}>
                <span className={item.failed ? 'time-axis__cluster-lead time-axis__cluster-lead--failed' : 'time-axis__cluster-lead'}>{story.lead}</span>{' '}
                <span className="muted">{story.byline}</span>
              </button>
              {open && <StoryDetails story={story} />}
            </li>
          );
        })}
      </ul>
    </Dialog>
  );
}

function useMarkers(items: TimelineItem[], width: number) {
  return useMemo(() => {
    const start = items[0]?.at ?? 0;
    const end = items[items.length - 1]?.at ?? 0;
    const margin = Math.max(1000, (end - start) * 0.02);
    const from = start - margin;
    const span = end + margin - from;
    const plot = Math.max(120, width - GUTTER - RIGHT);
    const x = (at: number) => GUTTER + (plot * (at - from)) / span;
    const markers: Marker[] = LANES.flatMap((lane, laneIndex) =>
      clusterItems(
        items.filter((i) => i.lane === lane.id),
        x,
        MARKER + 4,
      ).map((c: Cluster<TimelineItem>) => ({ lane: lane.id, laneIndex, x: c.x, items: c.items })),
    );
    const ticks = timeTicks(from, end + margin, Math.max(2, Math.floor(plot / 110))).map((t) => ({ ...t, x: x(t.at) }));
    return { markers, ticks };
  }, [items, width]);
}

export function TimeAxisChart({ items }: { items: TimelineItem[] }) {
  const frame = useRef<HTMLDivElement>(null);
  const width = useWidth(frame, 900);
  const { markers, ticks } = useMarkers(items, width);
  const [active, setActive] = useState(markers.length - 1);
  const [opened, setOpened] = useState<TimelineItem[] | null>(null);
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);
  const current = Math.min(Math.max(active, 0), markers.length - 1);
  const close = () => setOpened(null);

  function focus(index: number) {
    setActive(index);
    buttons.current[index]?.focus();
  }

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    const here = markers[current];
    if (!here) return;
    const sameLane = markers.map((m, i) => ({ m, i })).filter(({ m }) => m.lane === here.lane);
    const at = sameLane.findIndex(({ i }) => i === current);
    const nearestIn = (laneIndex: number) => {
      const candidates = markers.map((m, i) => ({ m, i })).filter(({ m }) => m.laneIndex === laneIndex);
      return candidates.sort((a, b) => Math.abs(a.m.x - here.x) - Math.abs(b.m.x - here.x))[0]?.i;
    };
    const laneStep = (direction: 1 | -1) => {
      for (let lane = here.laneIndex + direction; lane >= 0 && lane < LANES.length; lane += direction) {
        const found = nearestIn(lane);
        if (found !== undefined) return found;
      }
      return undefined;
    };
    const moves: Record<string, number | undefined> = {
      ArrowRight: sameLane[at + 1]?.i,
      ArrowLeft: sameLane[at - 1]?.i,
      ArrowDown: laneStep(1),
      ArrowUp: laneStep(-1),
      Home: sameLane[0]?.i,
      End: sameLane[sameLane.length - 1]?.i,
    };
    if (!(e.key in moves)) return;
    e.preventDefault();
    const next = moves[e.key];
    if (next !== undefined) focus(next);
  }

  const height = LANES.length * LANE_HEIGHT;
  const people = [...items.reduce((count, i) => count.set(i.who, (count.get(i.who) ?? 0) + 1), new Map<string, number>())].sort((a, b) => b[1] - a[1]);
  return (
    <>
      <div ref={frame} className="time-axis" style={{ height: height + 30 }}>
        <div className="time-axis__ticks" aria-hidden="true">
          {ticks.map((t) => (
            <span key={t.at} className="time-axis__tick" style={{ left: t.x, height: height + 6 }}>
              <span className="time-axis__tick-label">{t.label}</span>
            </span>
          ))}
        </div>
        {LANES.map((lane, i) => (
          <div
            key={lane.id}
            className={`time-axis__lane time-axis__lane--${lane.id}`}
            style={{ top: i * LANE_HEIGHT, height: LANE_HEIGHT, width: width }}
            aria-hidden="true"
          >
            <span className="time-axis__lane-label" style={{ width: GUTTER - 12 }}>
              {lane.label}
            </span>
          </div>
        ))}
        <div
          role="group"
          aria-label="Timeline: arrow keys move between events (left and right in time, up and down between lanes); Enter opens one"
          onKeyDown={onKeyDown}
        >
          {markers.map((marker, index) => {
            const failed = marker.items.some((i) => i.failed);
            const name = markerName(marker);
            return (
              <button
                key={`${marker.lane}-${marker.items[0].key}`}
                ref={(el) => void (buttons.current[index] = el)}
                type="button"
                className={`time-axis__marker time-axis__marker--${marker.lane}${failed ? ' time-axis__marker--failed' : ''}`}
                style={{ left: marker.x - MARKER / 2, top: marker.laneIndex * LANE_HEIGHT + (LANE_HEIGHT - MARKER) / 2, width: MARKER, height: MARKER }}
                tabIndex={index === current ? 0 : -1}
                aria-label={name}
                title={name}
                onFocus={() => setActive(index)}
                onClick={() => setOpened(marker.items)}
              >
                <span aria-hidden="true">{marker.items.length > 1 ? marker.items.length : failed ? '✕' : ''}</span>
              </button>
            );
          })}
        </div>
      </div>
      <p className="time-axis__people">
        <strong>Who:</strong> {people.map(([who, n]) => `${who} (${n})`).join(' · ')}
      </p>
      {opened && opened.length === 1 && <StoryDialog title={opened[0].label} story={storyOf(opened[0])} failed={opened[0].failed} onClose={close} />}
      {opened && opened.length > 1 && <ClusterDialog items={opened} onClose={close} />}
    </>
  );
}

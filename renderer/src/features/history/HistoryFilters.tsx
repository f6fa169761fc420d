import type { EventAction } from '../../../../shared/types/history';
import { formatCount } from '../../lib/format';
import type { EventFilter } from './event-filter';
import { ACTION_LABELS } from './event-text';

interface HistoryFiltersProps {
  filter: EventFilter;
  onChange: (filter: EventFilter) => void;
  shown: number;
  total: number;
}

/** Search words, one action, failures only — and how many events that leaves. */
export function HistoryFilters({ filter, onChange, shown, total }: HistoryFiltersProps) {
  return (
    <div className="history-filters" role="search">
      <input
        type="search"
        aria-label="Search events"
        placeholder="Search version, person, what happened…"
        value={filter.text}
        onChange={(e) => onChange({ ...filter, text: e.target.value })}
      />
      <select aria-label="Action" value={filter.action} onChange={(e) => onChange({ ...filter, action: e.target.value as EventAction | 'all' })}>
        <option value="all">All actions</option>
        {(Object.keys(ACTION_LABELS) as EventAction[]).map((action) => (
          <option key={action} value={action}>
            {ACTION_LABELS[action]}
          </option>
        ))}
      </select>
      <label className="history-filters__check">
        <input type="checkbox" checked={filter.failedOnly} onChange={(e) => onChange({ ...filter, failedOnly: e.target.checked })} />
        Failed only
      </label>
      <span className="history-filters__count" aria-live="polite">
        {shown === total ? `${formatCount(total)} events` : `${formatCount(shown)} of ${formatCount(total)} events`}
      </span>
    </div>
  );
}

import type { KeyboardEvent } from 'react';
import { Button } from '../../components/Button';
import { type QueryTab, tabTitle } from './query-tabs';

interface QueryTabBarProps {
  tabs: QueryTab[];
  active: string;
  /** The id of the panel the tabs control. */
  panelId: string;
  onSelect: (id: string) => void;
  onClose: (id: string) => void;
  onNew: () => void;
}

/** The query tabs, per the ARIA tabs pattern: one tab stop, ←/→ (Home/End) move and select; New tab and Close tab beside them. */
export function QueryTabBar({ tabs, active, panelId, onSelect, onClose, onNew }: QueryTabBarProps) {
  const move = (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const to =
      event.key === 'ArrowRight'
        ? (index + 1) % tabs.length
        : event.key === 'ArrowLeft'
          ? (index - 1 + tabs.length) % tabs.length
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? tabs.length - 1
              : null;
    if (to === null) return;
    event.preventDefault();
    onSelect(tabs[to].id);
    document.getElementById(`${panelId}-tab-${tabs[to].id}`)?.focus();
  };
  return (
    <div className="query-tabs">
      <div className="query-tabs__list" role="tablist" aria-label="Queries">
        {tabs.map((tab, index) => (
          <button
            key={tab.id}
            type="button"
            role="tab"
            id={`${panelId}-tab-${tab.id}`}
            aria-selected={tab.id === active}
            aria-controls={panelId}
            tabIndex={tab.id === active ? 0 : -1}
            className={`query-tabs__tab mono${tab.id === active ? ' query-tabs__tab--active' : ''}`}
            title={tab.sql || undefined}
            onClick={() => onSelect(tab.id)}
            onKeyDown={(event) => move(event, index)}
          >
            {tabTitle(tab)}
          </button>
        ))}
      </div>
      {/* Outside the tablist: a tablist holds tabs only. */}
      <Button size="small" variant="ghost" onClick={() => onClose(active)}>
        Close tab
      </Button>
      <Button size="small" variant="ghost" onClick={onNew}>
        New tab
      </Button>
    </div>
  );
}

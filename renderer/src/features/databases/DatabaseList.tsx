import type { KeyboardEvent } from 'react';
import type { DatabaseEntry } from '../../../../shared/types/databases';
import { useRovingFocus } from '../../hooks/use-roving-focus';
import { DatabaseListItem } from './DatabaseListItem';

const LINK = '.database-item__link';
const CLOSE = '.database-item__close';

interface DatabaseListProps {
  databases: DatabaseEntry[];
  selected: string | null;
  closingId: string | null;
  onClose: (database: DatabaseEntry) => void;
}

/**
 * The open databases: one Tab stop (the open one), ↑/↓ between databases, → to a database's Close
 * button and ← back, so the keyboard reaches the view past the list in one Tab however many are open.
 */
export function DatabaseList({ databases, selected, closingId, onClose }: DatabaseListProps) {
  const roving = useRovingFocus(
    LINK,
    'vertical',
    databases.length,
    databases.findIndex((d) => d.id === selected),
  );
  function onKeyDown(event: KeyboardEvent<HTMLUListElement>) {
    const target = event.target as HTMLElement;
    const row = target.closest('li');
    const across = event.key === 'ArrowRight' && target.matches(LINK) ? row?.querySelector<HTMLElement>(CLOSE) : null;
    const back = event.key === 'ArrowLeft' && target.matches(CLOSE) ? row?.querySelector<HTMLElement>(LINK) : null;
    const to = across ?? back;
    if (to) {
      event.preventDefault();
      to.focus();
      return;
    }
    roving.listProps.onKeyDown(event);
  }
  return (
    <>
      <p id="databases-keys" className="visually-hidden">
        Arrow keys move between databases; the right arrow reaches a database&apos;s Close button.
      </p>
      <ul className="databases__list" aria-describedby="databases-keys" onKeyDown={onKeyDown} onFocus={roving.listProps.onFocus}>
        {databases.map((database, index) => (
          <DatabaseListItem
            key={database.id}
            database={database}
            selected={database.id === selected}
            closing={closingId === database.id}
            onClose={() => onClose(database)}
            tabIndex={roving.tabIndexOf(index)}
          />
        ))}
      </ul>
    </>
  );
}

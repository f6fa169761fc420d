import { useRovingFocus } from '../hooks/use-roving-focus';
import { hrefFor, VIEWS, type ViewId } from '../lib/routes';

/**
 * The views of one database as links: real anchors, so keyboard, middle-click and back all work.
 * One Tab stop (the current view), ←/→ between views (use-roving-focus.ts).
 */
export function ViewTabs({ db, current }: { db: string; current: ViewId }) {
  const roving = useRovingFocus(
    'a',
    'horizontal',
    VIEWS.length,
    VIEWS.findIndex((v) => v.id === current),
  );
  return (
    <nav className="view-tabs" aria-label="Views" aria-describedby="view-tabs-keys" {...roving.listProps}>
      <p id="view-tabs-keys" className="visually-hidden">
        The arrow keys move between views.
      </p>
      {VIEWS.map((view, index) => (
        <a
          key={view.id}
          className="view-tabs__tab"
          href={hrefFor(db, view.id)}
          aria-current={view.id === current ? 'page' : undefined}
          tabIndex={roving.tabIndexOf(index)}
        >
          {view.label}
        </a>
      ))}
    </nav>
  );
}

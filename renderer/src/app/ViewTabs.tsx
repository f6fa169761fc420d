import { hrefFor, VIEWS, type ViewId } from '../lib/routes';

/** The views of one database as links: real anchors, so keyboard, middle-click and back all work. */
export function ViewTabs({ db, current }: { db: string; current: ViewId }) {
  return (
    <nav className="view-tabs" aria-label="Views">
      {VIEWS.map((view) => (
        <a key={view.id} className="view-tabs__tab" href={hrefFor(db, view.id)} aria-current={view.id === current ? 'page' : undefined}>
          {view.label}
        </a>
      ))}
    </nav>
  );
}

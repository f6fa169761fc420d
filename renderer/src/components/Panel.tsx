import { useId, useRef, type ReactNode } from 'react';
import { useScrolls } from '../hooks/use-scrolls';
import './Panel.css';

interface PanelProps {
  title: ReactNode;
  /** A short line under the title: counts, the time of the last check. */
  subtitle?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  /** The body without padding, for a table edge to edge; it scrolls sideways when the window is narrow. */
  flush?: boolean;
}

/** A titled section of a view, with its actions on the right. */
export function Panel({ title, subtitle, actions, children, flush = false }: PanelProps) {
  const titleId = useId();
  const body = useRef<HTMLDivElement>(null);
  const scrolls = useScrolls(body, 'x');
  return (
    <section className="panel">
      <header className="panel__header">
        <div>
          <h2 className="panel__title" id={titleId}>
            {title}
          </h2>
          {subtitle && <p className="panel__subtitle">{subtitle}</p>}
        </div>
        {actions && <div className="panel__actions">{actions}</div>}
      </header>
      <div
        ref={body}
        className={flush ? 'panel__body panel__body--flush' : 'panel__body'}
        // Scrolling sideways (a narrow window, 200% zoom): reachable with the arrow keys.
        {...(flush && scrolls ? { tabIndex: 0, role: 'group', 'aria-labelledby': titleId } : {})}
      >
        {children}
      </div>
    </section>
  );
}

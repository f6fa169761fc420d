import type { ReactNode } from 'react';
import './Panel.css';

interface PanelProps {
  title: ReactNode;
  /** A short line under the title: counts, the time of the last check. */
  subtitle?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  flush?: boolean;
}

/** A titled section of a view, with its actions on the right. */
export function Panel({ title, subtitle, actions, children, flush = false }: PanelProps) {
  return (
    <section className="panel">
      <header className="panel__header">
        <div>
          <h2 className="panel__title">{title}</h2>
          {subtitle && <p className="panel__subtitle">{subtitle}</p>}
        </div>
        {actions && <div className="panel__actions">{actions}</div>}
      </header>
      <div className={flush ? 'panel__body panel__body--flush' : 'panel__body'}>{children}</div>
    </section>
  );
}

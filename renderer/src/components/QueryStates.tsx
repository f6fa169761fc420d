import type { ReactNode } from 'react';
import './QueryStates.css';

/** A quiet "Loading …" line while a first answer is on its way. */
export function LoadingState({ label }: { label: string }) {
  return (
    <div className="loading-state" role="status">
      <span className="loading-state__spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

/** What an empty list says instead of nothing: what is missing and, when there is one, the way on. */
export function EmptyState({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty-state">
      <p className="empty-state__title">{title}</p>
      {children && <p className="empty-state__body">{children}</p>}
      {action && <div className="empty-state__action">{action}</div>}
    </div>
  );
}

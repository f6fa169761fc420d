import type { ReactNode } from 'react';
import './FactList.css';

/** Label → value pairs in a dense two-column grid (a <dl>). */
export function FactList({ facts }: { facts: { label: string; value: ReactNode }[] }) {
  return (
    <dl className="fact-list">
      {facts.map(({ label, value }) => (
        <div className="fact-list__row" key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

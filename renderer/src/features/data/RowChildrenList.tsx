import type { RowFilter } from '../../../../shared/types/data';
import { Button } from '../../components/Button';
import { ErrorNotice } from '../../components/ErrorNotice';
import { LoadingState } from '../../components/QueryStates';
import { formatCount, plural } from '../../lib/format';
import { describeFilter } from './RowFilters';
import { useRowChildren } from './rows-queries';

interface RowChildrenListProps {
  db: string;
  table: string;
  /** The row's number in the grid (1-based) and the values its children refer to. */
  number: number;
  keyValues: Record<string, string | number | null>;
  onBrowse: (table: string, filters: RowFilter[]) => void;
  onClose: () => void;
}

/** A row's children in each child table (from the child tables' foreign keys), counted, each browsable. */
export function RowChildrenList({ db, table, number, keyValues, onBrowse, onClose }: RowChildrenListProps) {
  const children = useRowChildren(db, table, keyValues);
  const key = Object.entries(keyValues)
    .map(([column, value]) => `${column} = ${value === null ? 'NULL' : typeof value === 'number' ? value : `'${value}'`}`)
    .join(', ');
  return (
    <section className="row-children" aria-label={`Children of row ${formatCount(number)}`}>
      <header className="row-children__header">
        <h3 className="row-children__title">
          Children of row {formatCount(number)} <span className="mono muted">({key})</span>
        </h3>
        <Button size="small" variant="ghost" onClick={onClose}>
          Close
        </Button>
      </header>
      {children.isPending && <LoadingState label="Counting its children…" />}
      {children.isError && <ErrorNotice error={children.error} context="Its children could not be counted" />}
      {children.data && (
        <ul className="row-children__list">
          {children.data.children.map((child, k) => (
            <li key={k}>
              <span className="mono">{child.link.from}</span>
              <span className="muted">
                {' '}
                by {child.filters.length ? child.filters.map(describeFilter).join(' and ') : `${child.link.columns.join(', ')} (a NULL key refers to no row)`}
              </span>
              {': '}
              <strong>{plural(child.count, 'row')}</strong>
              {child.count > 0 && (
                <>
                  {' '}
                  <Button size="small" onClick={() => onBrowse(child.link.from, child.filters)}>
                    Browse
                  </Button>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

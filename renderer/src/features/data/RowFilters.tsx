import { useId, useState, type FormEvent } from 'react';
import type { BrowseColumn, RowFilter } from '../../../../shared/types/data';
import { Button } from '../../components/Button';

const CONDITIONS: { op: RowFilter['op']; label: string }[] = [
  { op: 'eq', label: 'equals' },
  { op: 'ne', label: 'is not' },
  { op: 'contains', label: 'contains' },
  { op: 'isNull', label: 'is NULL' },
  { op: 'notNull', label: 'is not NULL' },
];

const needsValue = (op: RowFilter['op']) => op === 'eq' || op === 'ne' || op === 'contains';

/** A filter in words: `mime_type is NULL`, `session_id = 'session-7'`. */
export function describeFilter(filter: RowFilter): string {
  const value = typeof filter.value === 'number' ? String(filter.value) : `'${filter.value}'`;
  switch (filter.op) {
    case 'eq':
      return `${filter.column} = ${value}`;
    case 'ne':
      return `${filter.column} is not ${value}`;
    case 'contains':
      return `${filter.column} contains ${value}`;
    case 'isNull':
      return `${filter.column} is NULL`;
    case 'notNull':
      return `${filter.column} is not NULL`;
  }
}

interface RowFiltersProps {
  columns: BrowseColumn[];
  filters: RowFilter[];
  onChange: (filters: RowFilter[]) => void;
}

/** The filters in force, each removable, and a form to add one: column, condition, value. */
export function RowFilters({ columns, filters, onChange }: RowFiltersProps) {
  const id = useId();
  const [column, setColumn] = useState(columns[0]?.name ?? '');
  const [op, setOp] = useState<RowFilter['op']>('eq');
  const [value, setValue] = useState('');
  const chosen = columns.some((c) => c.name === column) ? column : (columns[0]?.name ?? '');

  const add = (event: FormEvent) => {
    event.preventDefault();
    if (!chosen) return;
    onChange([...filters, needsValue(op) ? { column: chosen, op, value } : { column: chosen, op }]);
    setValue('');
  };

  return (
    <div className="row-filters">
      {filters.length > 0 && (
        <ul className="row-filters__list" aria-label="Filters in force">
          {filters.map((filter, k) => (
            <li key={k} className="row-filters__chip">
              <span className="mono">{describeFilter(filter)}</span>
              <button
                type="button"
                className="row-filters__remove"
                aria-label={`Remove the filter ${describeFilter(filter)}`}
                onClick={() => onChange(filters.filter((_, j) => j !== k))}
              >
                ✕
              </button>
            </li>
          ))}
          <li>
            <Button size="small" variant="ghost" onClick={() => onChange([])}>
              Clear filters
            </Button>
          </li>
        </ul>
      )}
      <form className="row-filters__form" onSubmit={add} aria-label="Add a filter">
        <label htmlFor={`${id}-column`}>Filter</label>
        <select id={`${id}-column`} aria-label="Column" value={chosen} onChange={(e) => setColumn(e.target.value)}>
          {columns.map((c) => (
            <option key={c.name} value={c.name}>
              {c.name}
            </option>
          ))}
        </select>
        <select aria-label="Condition" value={op} onChange={(e) => setOp(e.target.value as RowFilter['op'])}>
          {CONDITIONS.map((c) => (
            <option key={c.op} value={c.op}>
              {c.label}
            </option>
          ))}
        </select>
        {needsValue(op) && <input aria-label="Value" value={value} onChange={(e) => setValue(e.target.value)} placeholder="value" />}
        <Button type="submit" size="small" disabled={filters.length >= 20}>
          Add filter
        </Button>
      </form>
    </div>
  );
}

import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef, useState } from 'react';
import type { CellValue, ForeignKeyLink, RowSort, RowsPage } from '../../../../shared/types';
import type { BrowseTarget } from '../../lib/browse-link';
import { formatCount } from '../../lib/format';
import { remInPx } from '../../lib/rem';
import { CellContent, cellText } from './CellValue';
import { PAGE_ROWS, useRowsPages } from './rows-queries';

/** Sizes in rem: rows and columns grow with the browser's font size, as their text does. */
const ROW_HEIGHT_REM = 2;
const NUMBER_COLUMN_REM = 5.5;
const VALUE_COLUMN_REM = 11.875;

interface RowsGridProps {
  db: string;
  target: BrowseTarget;
  first: RowsPage;
  total: number;
  selected: number | null;
  onSort: (sort: RowSort | null) => void;
  onFollow: (link: ForeignKeyLink, row: CellValue[]) => void;
  onSelect: (index: number, row: CellValue[]) => void;
}

/** asc → desc → unsorted. */
function nextSort(current: RowSort | null, column: string): RowSort | null {
  if (current?.column !== column) return { column, direction: 'asc' };
  return current.direction === 'asc' ? { column, direction: 'desc' } : null;
}

/** The foreign key a column belongs to (the first, when several), to follow from its cells. */
function linksByColumn(page: RowsPage): Map<string, ForeignKeyLink> {
  const links = new Map<string, ForeignKeyLink>();
  for (const link of page.parents) for (const column of link.columns) if (!links.has(column)) links.set(column, link);
  return links;
}

/** A foreign key can be followed from a row when each of its values is there and is not NULL or a BLOB. */
export function followable(link: ForeignKeyLink, columns: string[], row: CellValue[]): boolean {
  return link.columns.every((column) => {
    const value = row[columns.indexOf(column)];
    return value !== null && value !== undefined && typeof value !== 'object';
  });
}

/**
 * Any number of rows in a virtualized grid: only the rows in view exist in the page, and the pages
 * of rows they are in are fetched as they scroll into view (and dropped a while after they leave).
 */
export function RowsGrid({ db, target, first, total, selected, onSort, onFollow, onSelect }: RowsGridProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const [[rowHeight, numberColumn, valueColumn]] = useState(() => [ROW_HEIGHT_REM, NUMBER_COLUMN_REM, VALUE_COLUMN_REM].map(remInPx));
  const virtualizer = useVirtualizer({ count: total, getScrollElement: () => scroller.current, estimateSize: () => rowHeight, overscan: 15 });
  const items = virtualizer.getVirtualItems();
  const pages = [...new Set(items.map((item) => Math.floor(item.index / PAGE_ROWS)))];
  // Pages are asked for once the scrolling settles: a drag through 100,000 rows asks for the
  // pages where it stops, not for every page it passes (each may sort the whole table).
  const results = useRowsPages(db, target, pages, !virtualizer.isScrolling);
  const rowAt = (index: number) => results[pages.indexOf(Math.floor(index / PAGE_ROWS))]?.data?.rows[index % PAGE_ROWS];
  const failed = results.find((r) => r.isError);

  const names = first.columns.map((c) => c.name);
  const links = linksByColumn(first);
  const hasChildren = first.children.length > 0;
  const template = `${numberColumn}px repeat(${names.length}, ${valueColumn}px)`;
  const width = numberColumn + names.length * valueColumn;

  return (
    <div
      ref={scroller}
      className="rows-grid"
      role="grid"
      tabIndex={0}
      aria-label={`Rows of ${first.table}`}
      aria-rowcount={total + 1}
      aria-colcount={names.length + 1}
      aria-busy={results.some((r) => r.isFetching) || undefined}
    >
      <div className="rows-grid__head" role="row" aria-rowindex={1} style={{ gridTemplateColumns: template, width }}>
        <span role="columnheader" className="rows-grid__number">#</span>
        {first.columns.map((column) => {
          const sorted = target.sort?.column === column.name ? target.sort.direction : null;
          const next = nextSort(target.sort, column.name);
          return (
            <span key={column.name} role="columnheader" aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}>
              <button
                type="button"
                className="rows-grid__sort"
                onClick={() => onSort(next)}
                title={`${column.type || 'no declared type'}${column.primaryKey ? ', primary key' : ''}${column.notNull ? ', NOT NULL' : ''}. Click to ${next ? `sort ${next.direction === 'asc' ? 'ascending' : 'descending'}` : 'stop sorting'}.`}
              >
                <span className="rows-grid__column-name">{column.name}</span>
                <span aria-hidden="true" className="rows-grid__arrow">{sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : ''}</span>
              </button>
            </span>
          );
        })}
      </div>
      <div className="rows-grid__canvas" style={{ height: virtualizer.getTotalSize(), width }}>
        {items.map((item) => {
          const row = rowAt(item.index);
          return (
            <div
              key={item.key}
              role="row"
              aria-rowindex={item.index + 2}
              aria-selected={selected === item.index}
              className={selected === item.index ? 'rows-grid__row rows-grid__row--selected' : 'rows-grid__row'}
              style={{ transform: `translateY(${item.start}px)`, gridTemplateColumns: template, height: rowHeight }}
            >
              <span role="rowheader" className="rows-grid__number">
                {row && hasChildren ? (
                  <button type="button" className="rows-grid__row-button" onClick={() => onSelect(item.index, row)} aria-label={`Row ${formatCount(item.index + 1)}: list its children`}>
                    {formatCount(item.index + 1)}
                  </button>
                ) : formatCount(item.index + 1)}
              </span>
              {row
                ? row.map((value, k) => {
                    const link = links.get(names[k]);
                    const canFollow = link && followable(link, names, row);
                    return (
                      <span key={k} role="gridcell" className={typeof value === 'number' ? 'rows-grid__cell number' : 'rows-grid__cell'} title={cellText(value)}>
                        {canFollow ? (
                          <button type="button" className="rows-grid__link" onClick={() => onFollow(link, row)} title={`Open the ${link.table} row this refers to`}>
                            <CellContent value={value} /> <span aria-hidden="true">→</span>
                          </button>
                        ) : <CellContent value={value} />}
                      </span>
                    );
                  })
                : <span role="gridcell" className="rows-grid__loading" aria-colspan={names.length}>{failed ? 'These rows could not be read.' : 'Loading…'}</span>}
            </div>
          );
        })}
      </div>
    </div>
  );
}

import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useId, useRef, useState, type KeyboardEvent, type PointerEvent as ReactPointerEvent } from 'react';
import type { CellValue, ForeignKeyLink, RowSort, RowsPage } from '../../../../shared/types/data';
import type { BrowseTarget } from '../../lib/browse-link';
import { useCopy } from '../../hooks/use-copy';
import { formatCount } from '../../lib/format';
import { remInPx } from '../../lib/rem';
import { CellContent, cellText } from './CellValue';
import { fittedChars } from './column-widths';
import { moveFor, type GridCell } from './grid-keys';
import { rowAsJson } from './record-value';
import { PAGE_ROWS, useRowsPages } from './rows-queries';

/** Sizes in rem: rows and columns grow with the browser's font size, as their text does. */
const ROW_HEIGHT_REM = 2;
const NUMBER_COLUMN_REM = 5.5;
/** One character of a cell, for widths counted in characters. */
const CHAR_REM = 0.5;
/** Shift+←/→ on a cell narrows or widens its column by this many characters. */
const RESIZE_STEP_CHARS = 2;

interface RowsGridProps {
  db: string;
  target: BrowseTarget;
  first: RowsPage;
  total: number;
  /** Each value column's width, in characters. */
  widths: number[];
  onResize: (column: number, chars: number) => void;
  /** The cell that holds the grid's one tab stop (row -1: the header; column 0: row numbers). */
  active: GridCell;
  onActivate: (cell: GridCell) => void;
  selected: number | null;
  /** Focus the active cell once drawn (the grid was redrawn under the keyboard's focus). */
  autoFocus?: boolean;
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

const cellKey = (cell: GridCell) => `${cell.row}:${cell.col}`;

/**
 * Any number of rows in a virtualized grid: only the rows in view exist in the page, and the pages
 * of rows they are in are fetched as they scroll into view (and dropped a while after they leave).
 * Keyboard per the ARIA grid pattern, with one tab stop that moves with the arrows (roving tabindex).
 */
export function RowsGrid({
  db,
  target,
  first,
  total,
  widths,
  onResize,
  active,
  onActivate,
  selected,
  autoFocus = false,
  onSort,
  onFollow,
  onSelect,
}: RowsGridProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const [[rowHeight, numberColumn, charWidth]] = useState(() => [ROW_HEIGHT_REM, NUMBER_COLUMN_REM, CHAR_REM].map(remInPx));
  const virtualizer = useVirtualizer({ count: total, getScrollElement: () => scroller.current, estimateSize: () => rowHeight, overscan: 15 });
  const items = virtualizer.getVirtualItems();
  const pages = [...new Set(items.map((item) => Math.floor(item.index / PAGE_ROWS)))];
  // Pages are asked for once the scrolling settles: a drag through 100,000 rows asks for the
  // pages where it stops, not for every page it passes (each may sort the whole table).
  const results = useRowsPages(db, target, pages, !virtualizer.isScrolling);
  const rowAt = (index: number) => results[pages.indexOf(Math.floor(index / PAGE_ROWS))]?.data?.rows[index % PAGE_ROWS];
  const failed = results.find((r) => r.isError);
  // The cell the keyboard moved to gets the focus once it is drawn (a far jump draws it a moment later).
  const focusPending = useRef(autoFocus);
  const { copied, copy } = useCopy();
  const keysId = useId();

  const names = first.columns.map((c) => c.name);
  const links = linksByColumn(first);
  const hasChildren = first.children.length > 0;
  const pixels = widths.map((chars) => chars * charWidth);
  const template = `${numberColumn}px ${pixels.map((px) => `${px}px`).join(' ')}`;
  const width = numberColumn + pixels.reduce((sum, px) => sum + px, 0);
  const activeDrawn = active.row === -1 || items.some((item) => item.index === active.row);
  // The one tab stop: the active cell, or its column's header while that row is scrolled away.
  const tabStop = activeDrawn ? cellKey(active) : cellKey({ row: -1, col: active.col });

  useEffect(() => {
    if (!focusPending.current) return;
    const cell = scroller.current?.querySelector<HTMLElement>(`[data-cell="${cellKey(active)}"]`);
    // Its row is still being read: the grid itself holds the focus (and the keys) until it is drawn.
    if (!cell) return scroller.current?.focus({ preventScroll: true });
    focusPending.current = false;
    cell.focus({ preventScroll: true });
    cell.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
  });

  const moveTo = (cell: GridCell) => {
    focusPending.current = true;
    onActivate(cell);
    if (cell.row >= 0) virtualizer.scrollToIndex(cell.row, { align: 'auto' });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const ctrl = event.ctrlKey || event.metaKey;
    if (event.shiftKey && !ctrl && (event.key === 'ArrowLeft' || event.key === 'ArrowRight') && active.col > 0) {
      event.preventDefault();
      onResize(active.col - 1, widths[active.col - 1] + (event.key === 'ArrowRight' ? RESIZE_STEP_CHARS : -RESIZE_STEP_CHARS));
      return;
    }
    if (ctrl && event.key.toLowerCase() === 'c' && !window.getSelection()?.toString()) {
      const row = active.row >= 0 ? rowAt(active.row) : undefined;
      if (!row) return;
      event.preventDefault();
      if (event.shiftKey) void copy(rowAsJson(names, row), `row ${formatCount(active.row + 1)} as JSON`);
      else if (active.col > 0) void copy(cellText(row[active.col - 1]), `the ${names[active.col - 1]} of row ${formatCount(active.row + 1)}`);
      return;
    }
    if (event.key === 'Enter' || event.key === ' ') {
      const button = scroller.current?.querySelector<HTMLElement>(`[data-cell="${cellKey(active)}"] button`);
      if (button) {
        event.preventDefault();
        button.click();
      }
      return;
    }
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? rowHeight * 10) / rowHeight) - 1);
    const next = moveFor(event.key, ctrl, active, { rows: total, cols: names.length + 1, page });
    if (!next) return;
    event.preventDefault();
    moveTo(next);
  };

  /** Drag a header's right edge to resize its column; double-click it to fit what the loaded rows hold. */
  const startResize = (column: number) => (event: ReactPointerEvent<HTMLSpanElement>) => {
    event.preventDefault();
    const startX = event.clientX;
    const startChars = widths[column];
    const move = (e: PointerEvent) => onResize(column, Math.round(startChars + (e.clientX - startX) / charWidth));
    const stop = () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', stop);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', stop);
  };
  const fitColumn = (column: number) => {
    const loaded = items.map((item) => rowAt(item.index)?.[column]).filter((v): v is CellValue => v !== undefined);
    onResize(column, fittedChars(names[column], loaded));
  };

  const cellProps = (cell: GridCell) => ({
    'data-cell': cellKey(cell),
    tabIndex: cellKey(cell) === tabStop ? 0 : -1,
    onFocus: () => cellKey(cell) !== cellKey(active) && onActivate(cell),
  });

  return (
    <div className="rows-grid-frame">
      <div
        ref={scroller}
        className="rows-grid"
        role="grid"
        tabIndex={-1}
        aria-label={`Rows of ${first.table}`}
        aria-rowcount={total + 1}
        aria-colcount={names.length + 1}
        aria-describedby={keysId}
        aria-busy={results.some((r) => r.isFetching) || undefined}
        onKeyDown={onKeyDown}
      >
        <div className="rows-grid__head" role="row" aria-rowindex={1} style={{ gridTemplateColumns: template, width }}>
          <span role="columnheader" aria-colindex={1} className="rows-grid__number" {...cellProps({ row: -1, col: 0 })}>
            #
          </span>
          {first.columns.map((column, k) => {
            const sorted = target.sort?.column === column.name ? target.sort.direction : null;
            const next = nextSort(target.sort, column.name);
            return (
              <span
                key={column.name}
                role="columnheader"
                aria-colindex={k + 2}
                aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}
                className="rows-grid__header"
                {...cellProps({ row: -1, col: k + 1 })}
              >
                <button
                  type="button"
                  tabIndex={-1}
                  className="rows-grid__sort"
                  onClick={() => onSort(next)}
                  title={`${column.type || 'no declared type'}${column.primaryKey ? ', primary key' : ''}${column.notNull ? ', NOT NULL' : ''}. Click to ${next ? `sort ${next.direction === 'asc' ? 'ascending' : 'descending'}` : 'stop sorting'}.`}
                >
                  <span className="rows-grid__column-name">{column.name}</span>
                  <span aria-hidden="true" className="rows-grid__arrow">
                    {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : ''}
                  </span>
                </button>
                <span
                  className="rows-grid__resize"
                  aria-hidden="true"
                  title="Drag to resize; double-click to fit"
                  onPointerDown={startResize(k)}
                  onDoubleClick={() => fitColumn(k)}
                />
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
                className={`rows-grid__row${selected === item.index ? ' rows-grid__row--selected' : ''}${active.row === item.index ? ' rows-grid__row--active' : ''}`}
                style={{ transform: `translateY(${item.start}px)`, gridTemplateColumns: template, height: rowHeight }}
              >
                <span role="rowheader" aria-colindex={1} className="rows-grid__number" {...cellProps({ row: item.index, col: 0 })}>
                  {row && hasChildren ? (
                    <button
                      type="button"
                      tabIndex={-1}
                      className="rows-grid__row-button"
                      onClick={() => onSelect(item.index, row)}
                      aria-label={`Row ${formatCount(item.index + 1)}: list its children`}
                    >
                      {formatCount(item.index + 1)}
                    </button>
                  ) : (
                    formatCount(item.index + 1)
                  )}
                </span>
                {row ? (
                  row.map((value, k) => {
                    const link = links.get(names[k]);
                    const canFollow = link && followable(link, names, row);
                    return (
                      <span
                        key={k}
                        role="gridcell"
                        aria-colindex={k + 2}
                        className={typeof value === 'number' ? 'rows-grid__cell number' : 'rows-grid__cell'}
                        {...cellProps({ row: item.index, col: k + 1 })}
                      >
                        {canFollow ? (
                          <button
                            type="button"
                            tabIndex={-1}
                            className="rows-grid__link"
                            onClick={() => onFollow(link, row)}
                            title={`Open the ${link.table} row this refers to`}
                          >
                            <CellContent value={value} /> <span aria-hidden="true">→</span>
                          </button>
                        ) : (
                          <CellContent value={value} />
                        )}
                      </span>
                    );
                  })
                ) : (
                  <span role="gridcell" aria-colindex={2} className="rows-grid__loading" aria-colspan={names.length}>
                    {failed ? 'These rows could not be read.' : 'Loading…'}
                  </span>
                )}
              </div>
            );
          })}
        </div>
      </div>
      <div className="rows-grid__footer">
        <span id={keysId} className="muted">
          Arrow keys move between cells · Enter sorts, follows a link or lists a row&apos;s children · Ctrl+C copies the cell, Ctrl+Shift+C the row · Shift+←/→
          resizes the column
        </span>
        <span role="status" className="rows-grid__copied">
          {copied}
        </span>
      </div>
    </div>
  );
}

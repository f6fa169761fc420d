import { useState } from 'react';
import type { CellValue, ForeignKeyLink, RowFilter, RowsPage } from '../../../../shared/types/data';
import { Button } from '../../components/Button';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Panel } from '../../components/Panel';
import { EmptyState, LoadingState } from '../../components/QueryStates';
import type { BrowseTarget } from '../../lib/browse-link';
import { plural } from '../../lib/format';
import { RowChildrenList } from './RowChildrenList';
import { RowFilters } from './RowFilters';
import { RowsGrid } from './RowsGrid';
import { MAX_RESIZED_CHARS, MIN_COLUMN_CHARS, startingChars } from './column-widths';
import type { GridCell } from './grid-keys';
import { RecordPane } from './RecordPane';
import { useFirstRowsPage, useRowAt } from './rows-queries';
import { WholeExport } from './WholeExport';

interface RowsBrowserProps {
  db: string;
  target: BrowseTarget;
  /** Show other rows: another sort, other filters, a parent's row, a row's children. */
  onBrowse: (target: BrowseTarget) => void;
  onClose: () => void;
}

/** The values of the columns a row's children refer to, or null when one is a BLOB (it cannot be matched by its preview). */
function childKeyOf(page: RowsPage, row: CellValue[]): Record<string, string | number | null> | null {
  const names = page.columns.map((c) => c.name);
  const key: Record<string, string | number | null> = {};
  for (const column of new Set(page.children.flatMap((link) => link.to))) {
    const value = row[names.indexOf(column)];
    if (value === undefined || (value !== null && typeof value === 'object')) return null;
    key[column] = value;
  }
  return key;
}

/** The filters that select the parent row a foreign key refers to. */
function parentFilters(page: RowsPage, link: ForeignKeyLink, row: CellValue[]): RowFilter[] {
  const names = page.columns.map((c) => c.name);
  return link.to.map((column, k) => ({ column, op: 'eq', value: row[names.indexOf(link.columns[k])] as string | number }));
}

/** One table's or view's rows: sorted by a header click, filtered, foreign keys followed, a row's children listed. */
export function RowsBrowser({ db, target, onBrowse, onClose }: RowsBrowserProps) {
  const { first, cancel } = useFirstRowsPage(db, target);
  const [selected, setSelected] = useState<{ index: number; key: Record<string, string | number | null> } | null>(null);
  const page = first.data;
  const total = page?.total ?? 0;
  // The cell with the grid's tab stop (back to the first row when other rows are browsed).
  const [active, setActive] = useState<GridCell>({ row: 0, col: 1 });
  // A sort chosen from the keyboard redraws the grid: the focus goes back to the header it was on.
  const [sortedByKeyboard, setSortedByKeyboard] = useState(false);
  // The column widths the user set: kept through a sort or a filter of the same table.
  const [widths, setWidths] = useState<{ table: string; chars: number[] } | null>(null);
  const chars = page && (widths?.table === page.table && widths.chars.length === page.columns.length ? widths.chars : startingChars(page));
  const resize = (column: number, to: number) => {
    if (!page || !chars) return;
    const next = [...chars];
    next[column] = Math.min(MAX_RESIZED_CHARS, Math.max(MIN_COLUMN_CHARS, to));
    setWidths({ table: page.table, chars: next });
  };
  const activeRow = Math.min(Math.max(active.row, 0), Math.max(total - 1, 0));
  const record = useRowAt(db, target, activeRow);
  const browse = (next: BrowseTarget) => {
    setSelected(null);
    setActive({ row: 0, col: 1 });
    setSortedByKeyboard(false);
    onBrowse(next);
  };
  const subtitle = page && (
    <>
      {page.kind === 'view' ? 'View' : 'Table'} · {plural(total, 'row')}
      {target.filters.length > 0 && (total === 1 ? ' matches the filters' : ' match the filters')}
      {target.sort && ` · sorted by ${target.sort.column} ${target.sort.direction === 'asc' ? 'ascending' : 'descending'}`}
      {' · read-only'}
    </>
  );
  return (
    <Panel
      title={
        <>
          Rows of <span className="mono">{target.table}</span>
        </>
      }
      subtitle={subtitle}
      actions={
        <Button size="small" variant="ghost" onClick={onClose}>
          Close
        </Button>
      }
    >
      {first.isPending && first.isFetching && (
        <div className="rows-browser__reading">
          <LoadingState label={`Reading the rows of ${target.table}…`} />
          <Button size="small" onClick={cancel}>
            Cancel
          </Button>
        </div>
      )}
      {first.isPending && !first.isFetching && (
        <EmptyState
          title={`Reading the rows of ${target.table} was cancelled`}
          action={
            <Button size="small" onClick={() => void first.refetch()}>
              Read again
            </Button>
          }
        >
          The host stopped the read; nothing was changed.
        </EmptyState>
      )}
      {first.isError && <ErrorNotice error={first.error} context={`The rows of ${target.table} could not be read`} />}
      {page && (
        <div className="rows-browser">
          <RowFilters key={page.table} columns={page.columns} filters={target.filters} onChange={(filters) => browse({ ...target, filters })} />
          {total > 0 && <WholeExport db={db} source={{ table: target.table, filters: target.filters, sort: target.sort }} what={target.table} />}
          {total === 0 ? (
            <EmptyState title={target.filters.length ? 'No row matches the filters' : `${target.table} has no rows`}>
              {target.filters.length ? 'Remove a filter to see more rows.' : undefined}
            </EmptyState>
          ) : (
            <div className="rows-browser__body">
              <RowsGrid
                key={JSON.stringify(target)}
                db={db}
                target={target}
                first={page}
                total={total}
                widths={chars ?? []}
                onResize={resize}
                active={active}
                onActivate={setActive}
                selected={selected?.index ?? null}
                autoFocus={sortedByKeyboard}
                onSort={(sort) => {
                  const column = active.col;
                  browse({ ...target, sort });
                  setActive({ row: -1, col: column });
                  setSortedByKeyboard(document.activeElement?.closest('[role="grid"]') != null);
                }}
                onFollow={(link, row) => browse({ table: link.table, sort: null, filters: parentFilters(page, link, row) })}
                onSelect={(index, row) => {
                  const key = childKeyOf(page, row);
                  setSelected(key ? { index, key } : null);
                }}
              />
              <RecordPane table={page.table} columns={page.columns} number={activeRow + 1} row={record} />
            </div>
          )}
          {selected && (
            <RowChildrenList
              db={db}
              table={page.table}
              number={selected.index + 1}
              keyValues={selected.key}
              onBrowse={(table, filters) => browse({ table, sort: null, filters })}
              onClose={() => setSelected(null)}
            />
          )}
        </div>
      )}
    </Panel>
  );
}

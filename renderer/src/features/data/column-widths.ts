import type { CellValue, RowsPage } from '../../../../shared/types/data';
import { cellText } from './CellValue';

// Columns start as wide as what they hold (in the first rows read), within bounds; the user
// widens or narrows them from there (drag the header's edge, or Shift+←/→ on a cell).

/** Bounds and step of a value column, in characters of the grid's font. */
export const MIN_COLUMN_CHARS = 6;
export const MAX_COLUMN_CHARS = 40;
/** How wide the user may make a column: a long value read in place rather than in the record pane. */
export const MAX_RESIZED_CHARS = MAX_COLUMN_CHARS * 4;
/** Cell padding and the sort arrow, in characters. */
const CELL_EXTRA_CHARS = 3;

/** The width, in characters, that shows the column's name and its longest value among `rows` (within the bounds). */
export function fittedChars(name: string, values: CellValue[]): number {
  // The header's name is bold: a fifth wider than the same letters in a cell.
  const longest = values.reduce<number>((most, value) => Math.max(most, cellText(value).length), Math.ceil(name.length * 1.2));
  return Math.min(MAX_COLUMN_CHARS, Math.max(MIN_COLUMN_CHARS, longest + CELL_EXTRA_CHARS));
}

/** Every column's starting width in characters, from the first page's rows. */
export function startingChars(page: RowsPage): number[] {
  return page.columns.map((column, k) =>
    fittedChars(
      column.name,
      page.rows.map((row) => row[k]),
    ),
  );
}

// Where the focus goes in the rows grid for a key, per the ARIA grid pattern (WAI-ARIA APG,
// "Grid Pattern", keyboard interaction for data grids): arrows move one cell, Home/End to the
// row's first/last cell, Ctrl+Home/End to the first/last row, Page Up/Down by a screenful.
// Row -1 is the header row; column 0 is the row-number column.

export interface GridCell {
  row: number;
  col: number;
}

export interface GridSize {
  /** Data rows (the header row is not counted). */
  rows: number;
  /** Columns, the row-number column included. */
  cols: number;
  /** Rows a Page Up/Down moves. */
  page: number;
}

const clamp = (n: number, min: number, max: number) => Math.min(max, Math.max(min, n));

/** The cell a navigation key moves to, or null when the key is not one the grid moves by. */
export function moveFor(key: string, ctrl: boolean, at: GridCell, size: GridSize): GridCell | null {
  const lastRow = size.rows - 1;
  const lastCol = size.cols - 1;
  const row = (r: number) => ({ row: clamp(r, -1, lastRow), col: at.col });
  switch (key) {
    case 'ArrowDown':
      return row(at.row + 1);
    case 'ArrowUp':
      return row(at.row - 1);
    case 'ArrowRight':
      return { row: at.row, col: clamp(at.col + 1, 0, lastCol) };
    case 'ArrowLeft':
      return { row: at.row, col: clamp(at.col - 1, 0, lastCol) };
    case 'PageDown':
      return row(at.row + size.page);
    case 'PageUp':
      return at.row === -1 ? at : row(Math.max(0, at.row - size.page));
    case 'Home':
      return ctrl ? { row: 0, col: 0 } : { row: at.row, col: 0 };
    case 'End':
      return ctrl ? { row: lastRow, col: lastCol } : { row: at.row, col: lastCol };
    default:
      return null;
  }
}

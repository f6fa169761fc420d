import { describe, expect, it } from 'vitest';
import { moveFor } from './grid-keys';

const size = { rows: 100, cols: 5, page: 10 };

describe('moveFor (the ARIA grid pattern)', () => {
  it('moves one cell with the arrows and stops at the edges (the header row is row -1)', () => {
    expect(moveFor('ArrowDown', false, { row: 0, col: 2 }, size)).toEqual({ row: 1, col: 2 });
    expect(moveFor('ArrowUp', false, { row: 0, col: 2 }, size)).toEqual({ row: -1, col: 2 });
    expect(moveFor('ArrowUp', false, { row: -1, col: 2 }, size)).toEqual({ row: -1, col: 2 });
    expect(moveFor('ArrowDown', false, { row: 99, col: 2 }, size)).toEqual({ row: 99, col: 2 });
    expect(moveFor('ArrowRight', false, { row: 3, col: 4 }, size)).toEqual({ row: 3, col: 4 });
    expect(moveFor('ArrowLeft', false, { row: 3, col: 0 }, size)).toEqual({ row: 3, col: 0 });
  });

  it('goes to the ends of a row with Home/End, and of the grid with Ctrl', () => {
    expect(moveFor('Home', false, { row: 7, col: 3 }, size)).toEqual({ row: 7, col: 0 });
    expect(moveFor('End', false, { row: 7, col: 1 }, size)).toEqual({ row: 7, col: 4 });
    expect(moveFor('Home', true, { row: 7, col: 3 }, size)).toEqual({ row: 0, col: 0 });
    expect(moveFor('End', true, { row: 7, col: 1 }, size)).toEqual({ row: 99, col: 4 });
  });

  it('pages by a screenful, never past the first or last row', () => {
    expect(moveFor('PageDown', false, { row: 95, col: 1 }, size)).toEqual({ row: 99, col: 1 });
    expect(moveFor('PageDown', false, { row: -1, col: 1 }, size)).toEqual({ row: 9, col: 1 });
    expect(moveFor('PageUp', false, { row: 4, col: 1 }, size)).toEqual({ row: 0, col: 1 });
    expect(moveFor('PageUp', false, { row: 40, col: 1 }, size)).toEqual({ row: 30, col: 1 });
  });

  it('leaves other keys to the page', () => {
    expect(moveFor('a', false, { row: 0, col: 0 }, size)).toBeNull();
    expect(moveFor('Tab', false, { row: 0, col: 0 }, size)).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import type { DiagramTable } from '../../../../shared/types/schema';
import { boxHeight, boxWidth, layoutDiagram, type PlacedTable } from './diagram-layout';

const column = (name: string, primaryKey = false) => ({ name, type: 'TEXT', primaryKey, notNull: primaryKey, state: 'as-expected' as const });
const table = (name: string, columns: string[], parents: string[] = []): DiagramTable => ({
  name,
  state: 'as-expected',
  columns: [column('id', true), ...columns.map((c) => column(c))],
  foreignKeys: parents.map((p) => ({ from: [`${p}_id`], table: p, to: ['id'] })),
  findings: [],
});

const TABLES = [
  table('conversation_files', ['session_id', 'original_filename', 'stored_filename', 'file_path', 'file_size']),
  table('file_metadata', ['file_id', 'key', 'value'], ['conversation_files']),
  table('session_file_associations', ['file_id', 'session_id'], ['conversation_files']),
  table('file_access_log', ['file_id', 'accessed_at'], ['conversation_files']),
  table('file_cleanup_queue', ['file_id', 'scheduled_for'], ['conversation_files', 'file_cleanup_queue']),
  table('scratch', ['note']),
  // Refers to a table that is not drawn: no arrow.
  table('orphan', ['x'], ['not_there']),
];

const overlap = (a: PlacedTable, b: PlacedTable) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
/** How far a point lies from a box's outline (0 on it). */
const fromOutline = (p: { x: number; y: number }, box: PlacedTable) => {
  const dx = Math.max(box.x - p.x, 0, p.x - (box.x + box.width));
  const dy = Math.max(box.y - p.y, 0, p.y - (box.y + box.height));
  const outside = Math.hypot(dx, dy);
  if (outside > 0) return outside;
  return Math.min(p.x - box.x, box.x + box.width - p.x, p.y - box.y, box.y + box.height - p.y);
};

describe('layoutDiagram', () => {
  const layout = layoutDiagram(TABLES);
  const box = (name: string) => layout.tables.find((t) => t.table.name === name)!;

  it('gives every table a box of its own size, none overlapping another, all inside the drawing', () => {
    expect(layout.tables.map((t) => t.table.name)).toEqual(TABLES.map((t) => t.name));
    for (const placed of layout.tables) {
      expect(placed.width).toBe(boxWidth(placed.table));
      expect(placed.height).toBe(boxHeight(placed.table));
      expect(placed.x).toBeGreaterThanOrEqual(0);
      expect(placed.y).toBeGreaterThanOrEqual(0);
      expect(placed.x + placed.width).toBeLessThanOrEqual(layout.width);
      expect(placed.y + placed.height).toBeLessThanOrEqual(layout.height);
      for (const other of layout.tables) if (other !== placed) expect(overlap(placed, other), `${placed.table.name} / ${other.table.name}`).toBe(false);
    }
  });

  it('draws one arrow per foreign key between drawn tables, from the child box to the parent box, parents to the left', () => {
    expect(layout.foreignKeys.map((k) => `${k.from}→${k.to}`).sort()).toEqual([
      'file_access_log→conversation_files',
      'file_cleanup_queue→conversation_files',
      'file_cleanup_queue→file_cleanup_queue',
      'file_metadata→conversation_files',
      'session_file_associations→conversation_files',
    ]);
    for (const key of layout.foreignKeys.filter((k) => k.from !== k.to)) {
      expect(key.points.length).toBeGreaterThanOrEqual(2);
      expect(fromOutline(key.points[0], box(key.from)), `${key.from} start`).toBeLessThan(1);
      expect(fromOutline(key.points[key.points.length - 1], box(key.to)), `${key.to} end`).toBeLessThan(1);
      expect(box(key.to).x + box(key.to).width).toBeLessThan(box(key.from).x);
    }
  });

  it('makes a box wide enough for its longest column and type', () => {
    const wide = table('t', ['a_very_long_column_name_indeed_yes']);
    expect(boxWidth(wide)).toBeGreaterThanOrEqual(('a_very_long_column_name_indeed_yes'.length + 'TEXT'.length) * 7);
    expect(boxHeight(wide)).toBeGreaterThan(2 * 20);
  });
});

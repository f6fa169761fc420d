import dagre from '@dagrejs/dagre';
import type { DiagramColumn, DiagramTable } from '../../../../shared/types/schema';

// Where each table's box and each foreign key's arrow go, laid out by dagre (layered graph
// drawing): parents to the left, the tables that refer to them to the right. Only this module
// imports dagre, and only the lazily loaded diagram imports this module.

/** Box geometry in SVG pixels: a monospace 12 px font is 0.6 em wide per character. */
export const BOX = { header: 34, row: 20, padding: 10, charWidth: 7.3, minWidth: 200 } as const;

export interface Point {
  x: number;
  y: number;
}

export interface PlacedTable {
  table: DiagramTable;
  /** Top-left corner. */
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedForeignKey {
  /** The table holding the foreign key. */
  from: string;
  /** The table it refers to. */
  to: string;
  columns: string[];
  /** From the child's box to the parent's. */
  points: Point[];
}

export interface DiagramLayout {
  width: number;
  height: number;
  tables: PlacedTable[];
  foreignKeys: PlacedForeignKey[];
}

/** The word after a column's type in a changed table ("missing", "extra", "changed"); a whole table's state is said once, in its header. */
export function columnMark(column: DiagramColumn): string {
  return column.state === 'as-expected' ? '' : ` ${column.state}`;
}

/** Wide enough for the header (name and state word) and for the longest column row. */
export function boxWidth(table: DiagramTable): number {
  const header = table.name.length + 12;
  // A key mark (PK, FK), the name, a gap, the type and, in a changed table, the word saying how a column differs.
  const rows = table.columns.map((c) => 3 + c.name.length + 2 + c.type.length + (table.state === 'changed' ? columnMark(c).length : 0));
  return Math.max(BOX.minWidth, Math.ceil(2 * BOX.padding + Math.max(header, ...rows) * BOX.charWidth));
}

export function boxHeight(table: DiagramTable): number {
  return BOX.header + Math.max(1, table.columns.length) * BOX.row + BOX.padding / 2;
}

/** Lays out the tables and the foreign keys between tables that are drawn (one to a table not drawn has no arrow). */
export function layoutDiagram(tables: DiagramTable[]): DiagramLayout {
  const graph = new dagre.graphlib.Graph({ multigraph: true });
  graph.setGraph({ rankdir: 'LR', nodesep: 28, ranksep: 90, edgesep: 14, marginx: 12, marginy: 12 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const table of tables) graph.setNode(table.name, { width: boxWidth(table), height: boxHeight(table) });
  const keys: Omit<PlacedForeignKey, 'points'>[] = [];
  for (const table of tables) {
    for (const fk of table.foreignKeys) {
      if (!graph.hasNode(fk.table)) continue;
      const key = { from: table.name, to: fk.table, columns: fk.from };
      // Parent → child in the graph, so parents take the first layer.
      graph.setEdge(fk.table, table.name, {}, String(keys.length));
      keys.push(key);
    }
  }
  dagre.layout(graph);
  const placed = tables.map((table) => {
    const node = graph.node(table.name);
    return { table, x: node.x! - node.width / 2, y: node.y! - node.height / 2, width: node.width, height: node.height };
  });
  const foreignKeys = keys.map((key, index) => {
    const points = (graph.edge({ v: key.to, w: key.from, name: String(index) }).points ?? []) as Point[];
    return { ...key, points: [...points].reverse() };
  });
  const size = graph.graph();
  return { width: Math.ceil(size.width ?? 0), height: Math.ceil(size.height ?? 0), tables: placed, foreignKeys };
}

import { useMemo } from 'react';
import type { DiagramColumn, DiagramTable } from '../../../../shared/types/schema';
import { BOX, columnMark, layoutDiagram, type PlacedTable, type Point } from './diagram-layout';
import { STATE_WORDS, tableLinkName, tableTarget } from './diagram-text';

// The schema diagram as SVG: one box per table (a link to its rows or its differences), one arrow
// per foreign key from the child to its parent. Loaded on its own (React.lazy), with dagre.

const ARROW = 'schema-diagram-arrow';

const at = (p: Point) => `${p.x.toFixed(1)} ${p.y.toFixed(1)}`;

/** A smooth line through dagre's points: each bend becomes a curve that turns at it. */
function pathOf(points: Point[]): string {
  if (points.length < 3) return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${at(p)}`).join(' ');
  const middle = (a: Point, b: Point) => ({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 });
  const bends = points.slice(1, -1).map((p, i) => `Q${at(p)} ${at(i === points.length - 3 ? points[points.length - 1] : middle(p, points[i + 2]))}`);
  return `M${at(points[0])} L${at(middle(points[0], points[1]))} ${bends.join(' ')}`;
}

function ColumnRow({ column, foreignKey, y, width }: { column: DiagramColumn; foreignKey: boolean; y: number; width: number }) {
  const key = column.primaryKey ? 'PK' : foreignKey ? 'FK' : '';
  const mark = columnMark(column);
  return (
    <g className={`schema-diagram__column schema-diagram__column--${column.state}`}>
      <text x={BOX.padding} y={y} className="schema-diagram__key">
        {key}
      </text>
      <text x={BOX.padding + 3 * BOX.charWidth} y={y} className="schema-diagram__name">
        {column.name}
      </text>
      <text x={width - BOX.padding} y={y} textAnchor="end" className="schema-diagram__type">{`${column.type}${mark}`}</text>
    </g>
  );
}

function TableBox({ db, placed }: { db: string; placed: PlacedTable }) {
  const { table, x, y, width, height } = placed;
  const fkColumns = new Set(table.foreignKeys.flatMap((fk) => fk.from.map((c) => c.toLowerCase())));
  const target = tableTarget(db, table);
  return (
    <g transform={`translate(${x} ${y})`}>
      <a href={target.href} className={`schema-diagram__table schema-diagram__table--${table.state}`} aria-label={tableLinkName(db, table)}>
        <rect className="schema-diagram__box" width={width} height={height} rx={6} />
        <path className="schema-diagram__header" d={`M0 6 a6 6 0 0 1 6 -6 h${width - 12} a6 6 0 0 1 6 6 v${BOX.header - 6} h${-width} z`} />
        <text x={BOX.padding} y={BOX.header / 2 + 4.5} className="schema-diagram__title">
          {table.name}
        </text>
        {table.state !== 'as-expected' && (
          <text x={width - BOX.padding} y={BOX.header / 2 + 4.5} textAnchor="end" className="schema-diagram__state">
            {STATE_WORDS[table.state]}
          </text>
        )}
        {table.columns.map((column, i) => (
          <ColumnRow
            key={column.name}
            column={table.state === 'changed' ? column : { ...column, state: 'as-expected' }}
            foreignKey={fkColumns.has(column.name.toLowerCase())}
            y={BOX.header + i * BOX.row + 14}
            width={width}
          />
        ))}
      </a>
    </g>
  );
}

/** The diagram of `tables`, laid out once per answer. */
export default function SchemaDiagramPicture({ db, tables }: { db: string; tables: DiagramTable[] }) {
  const layout = useMemo(() => layoutDiagram(tables), [tables]);
  return (
    <svg
      className="schema-diagram__svg"
      role="group"
      aria-label={`Schema diagram: ${tables.length} tables, ${layout.foreignKeys.length} foreign keys`}
      width={layout.width}
      height={layout.height}
      viewBox={`0 0 ${layout.width} ${layout.height}`}
    >
      <defs>
        <marker id={ARROW} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
          <path d="M0 0 L10 5 L0 10 z" className="schema-diagram__arrowhead" />
        </marker>
      </defs>
      <g aria-hidden="true">
        {layout.foreignKeys.map((key) => (
          <path key={`${key.from}:${key.to}:${key.columns.join(',')}`} className="schema-diagram__key-line" d={pathOf(key.points)} markerEnd={`url(#${ARROW})`}>
            <title>{`${key.from} (${key.columns.join(', ')}) refers to ${key.to}`}</title>
          </path>
        ))}
      </g>
      {layout.tables.map((placed) => (
        <TableBox key={placed.table.name} db={db} placed={placed} />
      ))}
    </svg>
  );
}

import { useRef } from 'react';
import { TableFrame } from '../../components/TableFrame';
import { useWidth } from '../../hooks/use-width';
import { formatBytes, formatTimestamp } from '../../lib/format';
import { byteTicks, type GrowthPoint } from './growth';

// The file's size over time as a line through each backup's recorded size, ending at the size now.
// Drawn at the width it is given, so its text stays the page's size; the numbers are in a table under it.

const HEIGHT = 240;
const MARGIN = { top: 14, right: 20, bottom: 40, left: 76 };

function summary(points: GrowthPoint[]): string {
  const first = points[0];
  const last = points[points.length - 1];
  const change = last.bytes - first.bytes;
  const how = change === 0 ? 'unchanged' : `${change > 0 ? 'grew' : 'shrank'} by ${formatBytes(Math.abs(change))}`;
  return `The file's size from ${formatTimestamp(new Date(first.at).toISOString())} (${formatBytes(first.bytes)}, ${first.what}) to now (${formatBytes(last.bytes)}): ${how}, over ${points.length - 1} backups.`;
}

export function GrowthChart({ points }: { points: GrowthPoint[] }) {
  const frame = useRef<HTMLDivElement>(null);
  const width = Math.max(320, useWidth(frame, 640));
  const ticks = byteTicks(Math.max(...points.map((p) => p.bytes)));
  const top = ticks[ticks.length - 1] || 1;
  const first = points[0].at;
  const span = points[points.length - 1].at - first || 1;
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (at: number) => MARGIN.left + (plotWidth * (at - first)) / span;
  const y = (bytes: number) => MARGIN.top + plotHeight - (plotHeight * bytes) / top;
  const line = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.at).toFixed(1)} ${y(p.bytes).toFixed(1)}`).join(' ');
  const area = `${line} L${x(points[points.length - 1].at).toFixed(1)} ${y(0)} L${x(first).toFixed(1)} ${y(0)} Z`;
  return (
    <>
      <div ref={frame} className="growth-chart">
        <svg width={width} height={HEIGHT} role="img" aria-label={summary(points)} className="growth-chart__svg">
          {ticks.map((t) => (
            <g key={t}>
              <line className="growth-chart__grid" x1={MARGIN.left} x2={width - MARGIN.right} y1={y(t)} y2={y(t)} />
              <text className="growth-chart__tick" x={MARGIN.left - 8} y={y(t) + 4} textAnchor="end">
                {formatBytes(t)}
              </text>
            </g>
          ))}
          <path className="growth-chart__area" d={area} />
          <path className="growth-chart__line" d={line} />
          {points.map((p) => (
            <circle
              key={`${p.at}-${p.what}`}
              className={`growth-chart__dot${p.what === 'now' ? ' growth-chart__dot--now' : ''}`}
              cx={x(p.at)}
              cy={y(p.bytes)}
              r={p.what === 'now' ? 5 : 4}
            >
              <title>{`${formatTimestamp(new Date(p.at).toISOString())}: ${formatBytes(p.bytes)} (${p.what})`}</title>
            </circle>
          ))}
          <text className="growth-chart__tick" x={MARGIN.left} y={HEIGHT - 14} textAnchor="start">
            {formatTimestamp(new Date(first).toISOString())}
          </text>
          <text className="growth-chart__tick" x={width - MARGIN.right} y={HEIGHT - 14} textAnchor="end">
            now
          </text>
        </svg>
      </div>
      <details className="growth-chart__numbers">
        <summary>The sizes recorded ({points.length})</summary>
        <TableFrame label="The sizes recorded">
          <table className="data-table">
            <thead>
              <tr>
                <th>When</th>
                <th>What</th>
                <th className="number">Size of the file</th>
              </tr>
            </thead>
            <tbody>
              {[...points].reverse().map((p) => (
                <tr key={`${p.at}-${p.what}`}>
                  <td>{formatTimestamp(new Date(p.at).toISOString())}</td>
                  <td>{p.what}</td>
                  <td className="number">
                    <data value={p.bytes}>{formatBytes(p.bytes)}</data>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableFrame>
      </details>
    </>
  );
}

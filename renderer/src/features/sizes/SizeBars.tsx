import type { SizedObject, SizesReport } from '../../../../shared/types/schema';
import { TableFrame } from '../../components/TableFrame';
import { formatBytes } from '../../lib/format';

// Size per table and index as horizontal bars: a table underneath, so a screen reader reads the
// names and sizes the bars draw. Each size carries its exact bytes (<data value>).

function kindText(object: SizedObject): string {
  if (object.kind === 'schema') return "SQLite's schema";
  return object.kind === 'index' ? `index on ${object.table}` : 'table';
}

function share(bytes: number, of: number): string {
  const percent = (100 * bytes) / of;
  return percent > 0 && percent < 1 ? '< 1%' : `${Math.round(percent)}%`;
}

function Bar({ bytes, largest, tone }: { bytes: number; largest: number; tone: 'table' | 'index' | 'schema' | 'free' }) {
  const width = largest > 0 ? Math.max(0.5, (100 * bytes) / largest) : 0;
  return (
    <td className="size-bars__bar-cell" aria-hidden="true">
      <span className={`size-bars__bar size-bars__bar--${tone}`} style={{ width: `${width}%` }} />
    </td>
  );
}

export function SizeBars({ report }: { report: SizesReport }) {
  const largest = Math.max(report.freeBytes, ...report.objects.map((o) => o.bytes));
  return (
    <TableFrame label="Size per table and index" className="size-bars__frame">
      <table className="data-table size-bars">
        <caption className="visually-hidden">Size per table and index, largest first, then the free pages</caption>
        <thead>
          <tr>
            <th>Table or index</th>
            <th className="size-bars__bar-head">
              <span className="visually-hidden">Bar</span>
            </th>
            <th className="number">Size</th>
            <th className="number">Of the file</th>
          </tr>
        </thead>
        <tbody>
          {report.objects.map((object) => (
            <tr key={object.name} data-kind={object.kind}>
              <th scope="row" className="size-bars__name">
                <span className="mono size-bars__object">{object.name}</span>
                <span className="size-bars__kind">{kindText(object)}</span>
              </th>
              <Bar bytes={object.bytes} largest={largest} tone={object.kind} />
              <td className="number">
                <data value={object.bytes}>{formatBytes(object.bytes)}</data>
              </td>
              <td className="number muted">{share(object.bytes, report.bytes)}</td>
            </tr>
          ))}
          <tr data-kind="free" className="size-bars__free">
            <th scope="row" className="size-bars__name">
              <span className="size-bars__object">Free pages</span>
              <span className="size-bars__kind">what VACUUM gives back</span>
            </th>
            <Bar bytes={report.freeBytes} largest={largest} tone="free" />
            <td className="number">
              <data value={report.freeBytes}>{formatBytes(report.freeBytes)}</data>
            </td>
            <td className="number muted">{share(report.freeBytes, report.bytes)}</td>
          </tr>
        </tbody>
      </table>
    </TableFrame>
  );
}

import type { ForeignKeyViolation } from '../../../../shared/types/integrity';

/** Rows whose foreign key points at a missing parent row, as foreign_key_check lists them. */
export function ForeignKeyViolationsTable({ violations }: { violations: ForeignKeyViolation[] }) {
  return (
    <table className="data-table">
      <thead>
        <tr>
          <th>Table</th>
          <th className="number">Row id</th>
          <th>Points at (parent table)</th>
          <th className="number">Foreign key #</th>
        </tr>
      </thead>
      <tbody>
        {violations.map((v, i) => (
          <tr key={`${v.table}:${v.rowid ?? `i${i}`}:${v.constraintIndex}`}>
            <td className="mono">{v.table}</td>
            <td className="number mono">{v.rowid ?? '—'}</td>
            <td className="mono">{v.parent}</td>
            <td className="number">{v.constraintIndex}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

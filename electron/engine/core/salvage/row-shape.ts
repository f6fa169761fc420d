import type { SqlValue } from '../sqlite-file/record';

// Whether a row read from an orphaned leaf could have been stored in a table: SQLite's type
// affinity (datatype3.html §3.1 "Determination Of Column Affinity", §3 conversions on storing)
// rules out values a column would have converted, and NOT NULL and the rowid alias rule out NULLs.

export type Affinity = 'INTEGER' | 'TEXT' | 'BLOB' | 'REAL' | 'NUMERIC';

export interface ColumnSlot {
  name: string;
  affinity: Affinity;
  notNull: boolean;
}

/** datatype3.html §3.1: the rules in order. */
export function affinityOf(declaredType: string): Affinity {
  const type = declaredType.toUpperCase();
  if (type.includes('INT')) return 'INTEGER';
  if (type.includes('CHAR') || type.includes('CLOB') || type.includes('TEXT')) return 'TEXT';
  if (type === '' || type.includes('BLOB')) return 'BLOB';
  if (type.includes('REAL') || type.includes('FLOA') || type.includes('DOUB')) return 'REAL';
  return 'NUMERIC';
}

const LOOKS_NUMERIC = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;

/** A value a column of this affinity could hold after SQLite's conversion on storing. */
function storable(value: SqlValue, affinity: Affinity): boolean {
  if (value === null || Buffer.isBuffer(value) || affinity === 'BLOB') return true;
  if (affinity === 'TEXT') return typeof value === 'string';
  // Numeric affinities turn text that reads as a number into one, and REAL keeps no integer-valued real.
  if (typeof value === 'string') return !LOOKS_NUMERIC.test(value);
  if (affinity === 'INTEGER' || affinity === 'NUMERIC') return typeof value === 'bigint' || !Number.isInteger(value);
  return true;
}

/** Whether `values` fits these columns exactly: same count, the rowid alias NULL, NOT NULL honoured, affinity respected. */
export function fitsColumns(values: SqlValue[], columns: ColumnSlot[], rowidAlias: number): boolean {
  if (values.length !== columns.length) return false;
  return values.every((value, k) => {
    if (k === rowidAlias) return value === null;
    if (value === null) return !columns[k].notNull;
    return storable(value, columns[k].affinity);
  });
}

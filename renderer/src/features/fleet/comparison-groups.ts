import type { SchemaComparison, SchemaDifference } from '../../../../shared/types/fleet';

// A comparison's differences as a person reads them: the objects only one side has (with the SQL
// of the side that has it), and the objects both have but define differently (each difference in
// words, the two CREATE statements side by side). A column or CHECK that differs is a change of its table.

const WHOLE = new Set(['table', 'index', 'trigger', 'view']);

export interface OnlyOnOneSide {
  kind: string;
  name: string;
  sql: string | null;
}

export interface ChangedObject {
  /** "table files", "index idx_a". */
  object: string;
  /** What differs, in words, the sides named. */
  what: string[];
  /** Both CREATE statements, when the differences carry them. */
  sql: { a: string; b: string } | null;
}

export interface ComparisonGroups {
  onlyInA: OnlyOnOneSide[];
  onlyInB: OnlyOnOneSide[];
  changed: ChangedObject[];
}

const isCreate = (sql: string | null): sql is string => sql !== null && /^\s*create\b/i.test(sql);

function objectOf(d: SchemaDifference): string {
  return WHOLE.has(d.kind) ? `${d.kind} ${d.name}` : `table ${d.table ?? d.name}`;
}

function inWords(d: SchemaDifference, c: SchemaComparison): string {
  return d.message.replace(/: only in A$/, `: only in ${c.a.name}`).replace(/: only in B$/, `: only in ${c.b.name}`);
}

export function comparisonGroups(c: SchemaComparison): ComparisonGroups {
  const groups: ComparisonGroups = { onlyInA: [], onlyInB: [], changed: [] };
  const changed = new Map<string, ChangedObject>();
  for (const d of c.differences) {
    if (WHOLE.has(d.kind) && d.change !== 'changed') {
      (d.change === 'only-in-a' ? groups.onlyInA : groups.onlyInB).push({ kind: d.kind, name: d.name, sql: d.change === 'only-in-a' ? d.a : d.b });
      continue;
    }
    const object = objectOf(d);
    const entry = changed.get(object) ?? { object, what: [], sql: null };
    entry.what.push(inWords(d, c));
    if (entry.sql === null && isCreate(d.a) && isCreate(d.b)) entry.sql = { a: d.a, b: d.b };
    changed.set(object, entry);
  }
  groups.changed = [...changed.values()];
  return groups;
}

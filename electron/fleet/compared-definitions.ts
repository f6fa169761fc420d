import type { SchemaDifference } from '../../shared/types/fleet';
import type { SchemaSnapshot } from '../engine';

// The engine says an object is missing or extra by name; a side-by-side diff shows it as the side
// that has it wrote it. Fills `a` or `b` of a table, index, trigger or view found on one side only.

const SHAPES = { table: 'tables', index: 'indexes', trigger: 'triggers', view: 'views' } as const;

function sqlOf(snapshot: SchemaSnapshot, kind: string, name: string): string | null {
  const shapes = SHAPES[kind as keyof typeof SHAPES];
  return shapes ? (snapshot[shapes].get(name.toLowerCase())?.sql ?? null) : null;
}

export function withDefinitions(differences: SchemaDifference[], a: SchemaSnapshot, b: SchemaSnapshot): SchemaDifference[] {
  return differences.map((d) => {
    if (d.change === 'only-in-a' && d.a === null) return { ...d, a: sqlOf(a, d.kind, d.name) };
    if (d.change === 'only-in-b' && d.b === null) return { ...d, b: sqlOf(b, d.kind, d.name) };
    return d;
  });
}

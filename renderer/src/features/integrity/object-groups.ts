import type { Problem } from '../../../../shared/types/schema';

/** Problems that belong to one table (or to one place outside tables), worst state first. */
export interface ObjectGroup {
  key: string;
  label: string;
  /** True for a table's group: its header row is the table itself, with its own state. */
  isTable: boolean;
  /** The table's own finding (missing, extra…); null when the table itself is as expected. */
  tableProblem: Problem | null;
  severity: 'error' | 'warning';
  /** The findings about the objects in it (columns, constraints, indexes, triggers). */
  problems: Problem[];
}

const PLACES: Partial<Record<Problem['kind'], string>> = {
  view: 'Views',
  integrity: 'Database file',
  checksum: 'Migration files',
  version: 'Versions',
};

function groupKeyOf(problem: Problem): { key: string; label: string } {
  if (problem.table) return { key: `table:${problem.table}`, label: problem.table };
  const place = PLACES[problem.kind] ?? 'Other';
  return { key: `place:${place}`, label: place };
}

/** Groups verify's problems by the table they concern; tables with errors first, then by name. */
export function groupProblems(problems: Problem[]): ObjectGroup[] {
  const groups = new Map<string, { label: string; problems: Problem[] }>();
  for (const problem of problems) {
    const { key, label } = groupKeyOf(problem);
    const group = groups.get(key) ?? { label, problems: [] };
    group.problems.push(problem);
    groups.set(key, group);
  }
  return [...groups.entries()]
    .map(([key, { label, problems: list }]) => {
      const tableProblem = list.find((p) => p.kind === 'table') ?? null;
      return {
        key,
        label,
        isTable: key.startsWith('table:'),
        tableProblem,
        severity: list.some((p) => p.severity === 'error') ? ('error' as const) : ('warning' as const),
        problems: list.filter((p) => p !== tableProblem),
      };
    })
    .sort((a, b) => (a.severity === b.severity ? a.label.localeCompare(b.label) : a.severity === 'error' ? -1 : 1));
}

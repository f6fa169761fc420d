import type { Problem } from '../../../../shared/types/schema';
import { canonicalExpression } from '../schema/sql-text';
import { describeForeignKey, type ColumnShape, type SchemaSnapshot, type SqlObjectShape, type TableShape } from '../schema/introspect';

// Compares a live schema with the expected one and names every missing, extra or changed
// object. Missing tables come first: they are what crashes a service.

/** A column's definition in the order SQL writes it; every clause that changes what a write does is in it. */
function describeColumn(c: ColumnShape): string {
  const parts = [c.type || '(no type)'];
  const onConflict = (resolution: string | null) => (resolution ? ` ON CONFLICT ${resolution}` : '');
  if (c.generated !== null) parts.push(`GENERATED ALWAYS ${c.generated}`);
  if (c.primaryKeyPosition > 0) parts.push(`PRIMARY KEY${onConflict(c.primaryKeyConflict)}`);
  if (c.notNull) parts.push(`NOT NULL${onConflict(c.notNullConflict)}`);
  if (c.defaultValue !== null) parts.push(`DEFAULT ${c.defaultValue}`);
  if (c.collation !== null) parts.push(`COLLATE ${c.collation}`);
  return parts.join(' ');
}

/** The order of the columns both tables have: `INSERT … VALUES` without a column list and `SELECT *` depend on it. */
function compareColumnOrder(table: string, expected: TableShape, actual: TableShape): Problem[] {
  const names = (shape: TableShape, other: TableShape) => {
    const shared = new Set(other.columns.map((c) => c.name.toLowerCase()));
    return shape.columns.map((c) => c.name.toLowerCase()).filter((name) => shared.has(name));
  };
  const want = names(expected, actual).join(', ');
  const have = names(actual, expected).join(', ');
  return want === have ? [] : [changed('table', table, table, `The column order of table ${table}`, `(${want})`, `(${have})`)];
}

/** CHECKs compare by meaning (redundant parentheses do not count) and are shown as written. */
function compareChecks(table: string, expected: TableShape, actual: TableShape): Problem[] {
  const expectedKeys = new Set(expected.checks.map((c) => canonicalExpression(c)));
  const actualKeys = new Set(actual.checks.map((c) => canonicalExpression(c)));
  const written = (shape: TableShape, check: string) => `CHECK (${shape.checksWritten.get(check) ?? check})`;
  return [
    ...expected.checks
      .filter((c) => !actualKeys.has(canonicalExpression(c)))
      .map((c) => ({ ...missing('check', c, table, `CHECK ${c} on table ${table}`), expected: written(expected, c) })),
    ...actual.checks
      .filter((c) => !expectedKeys.has(canonicalExpression(c)))
      .map((c) => ({ ...extra('check', c, table, `CHECK ${c} on table ${table}`), severity: 'error' as const, actual: written(actual, c) })),
  ];
}

function missing(kind: Problem['kind'], name: string, table: string | undefined, what: string): Problem {
  return { kind, name, table, change: 'missing', severity: 'error', message: `${what} is missing.` };
}

function extra(kind: Problem['kind'], name: string, table: string | undefined, what: string): Problem {
  return { kind, name, table, change: 'extra', severity: 'warning', message: `${what} exists but is not part of the expected schema.` };
}

function changed(kind: Problem['kind'], name: string, table: string | undefined, what: string, expected: string, actual: string): Problem {
  return { kind, name, table, change: 'changed', severity: 'error', message: `${what} differs from the expected schema.`, expected, actual };
}

/** A UNIQUE by its columns alone, a foreign key by its columns and parent: what stays when only a clause changes. */
const uniqueColumns = (unique: string) => unique.replace(/ ON CONFLICT \w+$/, '').replace(/ COLLATE \w+| DESC/g, '');
const foreignKeyEnds = (fk: string) => fk.replace(/\(([^)]*)\) ON DELETE .*$/, '');

/**
 * Compares constraint descriptions as sets. A missing and an extra one on the same columns are
 * one changed constraint (a UNIQUE that gained ON CONFLICT REPLACE, a foreign key made DEFERRABLE)
 * with both definitions; the rest are missing or extra.
 */
function compareSets(
  kind: 'unique' | 'foreign_key',
  table: string,
  label: string,
  expected: string[],
  actual: string[],
  identity: (item: string) => string,
): Problem[] {
  const problems: Problem[] = [];
  const extras = actual.filter((item) => !expected.includes(item));
  for (const item of expected.filter((e) => !actual.includes(e))) {
    const counterpart = extras.findIndex((e) => identity(e) === identity(item));
    if (counterpart === -1) problems.push(missing(kind, item, table, `${label} ${item} on table ${table}`));
    else problems.push(changed(kind, identity(item), table, `${label} ${identity(item)} on table ${table}`, item, extras.splice(counterpart, 1)[0]));
  }
  for (const item of extras) problems.push({ ...extra(kind, item, table, `${label} ${item} on table ${table}`), severity: 'error' });
  return problems;
}

function compareTable(expected: TableShape, actual: TableShape): Problem[] {
  const problems: Problem[] = [];
  const table = expected.name;
  const actualColumns = new Map(actual.columns.map((c) => [c.name.toLowerCase(), c]));
  const expectedNames = new Set(expected.columns.map((c) => c.name.toLowerCase()));
  for (const column of expected.columns) {
    const live = actualColumns.get(column.name.toLowerCase());
    if (!live) problems.push(missing('column', column.name, table, `Column ${table}.${column.name}`));
    else if (describeColumn(live) !== describeColumn(column)) {
      problems.push(changed('column', column.name, table, `Column ${table}.${column.name}`, describeColumn(column), describeColumn(live)));
    }
  }
  for (const column of actual.columns) {
    if (!expectedNames.has(column.name.toLowerCase())) problems.push(extra('column', column.name, table, `Column ${table}.${column.name}`));
  }
  if (expected.options !== actual.options) {
    problems.push(
      changed(
        'table',
        table,
        table,
        `The options of table ${table} (AUTOINCREMENT, WITHOUT ROWID, STRICT)`,
        expected.options || '(none)',
        actual.options || '(none)',
      ),
    );
  }
  // A CHECK, UNIQUE or foreign key that is there but should not be rejects writes the service makes: an error.
  problems.push(...compareColumnOrder(table, expected, actual));
  problems.push(...compareChecks(table, expected, actual));
  problems.push(...compareSets('unique', table, 'UNIQUE', expected.uniques, actual.uniques, uniqueColumns));
  problems.push(
    ...compareSets(
      'foreign_key',
      table,
      'Foreign key',
      expected.foreignKeys.map(describeForeignKey),
      actual.foreignKeys.map(describeForeignKey),
      foreignKeyEnds,
    ),
  );
  return problems;
}

function compareSqlObjects(kind: 'trigger' | 'view', expected: Map<string, SqlObjectShape>, actual: Map<string, SqlObjectShape>): Problem[] {
  const problems: Problem[] = [];
  const label = kind === 'trigger' ? 'Trigger' : 'View';
  for (const [name, object] of expected) {
    const live = actual.get(name);
    const table = kind === 'trigger' ? object.table : undefined;
    if (!live) problems.push(missing(kind, name, table, `${label} ${name}`));
    else if (live.normalized !== object.normalized)
      problems.push({ ...changed(kind, name, table, `${label} ${name}`, object.sql, live.sql), definitions: { expected: object.sql, actual: live.sql } });
  }
  for (const [name, object] of actual) {
    if (!expected.has(name)) problems.push(extra(kind, name, kind === 'trigger' ? object.table : undefined, `${label} ${name}`));
  }
  return problems;
}

/** An extra table with exactly the missing one's shape (columns, constraints, foreign keys): where its rows probably are. */
function twinOf(table: TableShape, expected: SchemaSnapshot, actual: SchemaSnapshot, taken: Set<string>): string | undefined {
  return [...actual.tables.values()].find((t) => !expected.tables.has(t.name) && !taken.has(t.name) && compareTable(table, t).length === 0)?.name;
}

function missingTable(name: string, foundAs: string | undefined): Problem {
  const problem = missing('table', name, name, `Table ${name}`);
  if (!foundAs) return problem;
  return {
    ...problem,
    foundAs,
    hint: `Table ${foundAs} has exactly ${name}'s shape: it was probably renamed. repair renames it back (ALTER TABLE "${foundAs}" RENAME TO "${name}") instead of creating an empty ${name}.`,
  };
}

/** Whether `text` names `name` as a whole word (quoted or not). */
const mentions = (text: string, name: string) => new RegExp(`(^|\\W)${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\W|$)`, 'i').test(text);

/**
 * ALTER TABLE … RENAME rewrites the table's name into its indexes, triggers, views and children's
 * foreign keys: each such difference says that renaming back fixes it.
 */
function markFollowOns(problems: Problem[], renamed: Problem[]): Problem[] {
  return problems.map((p) => {
    const rename = renamed.find(
      (r) =>
        p.name !== r.foundAs &&
        (mentions(`${p.name} ${p.actual ?? ''}`, r.foundAs!) || (p.kind === 'foreign_key' && p.change === 'missing' && mentions(p.name, r.name))),
    );
    if (!rename) return p;
    return { ...p, fixedByRenaming: rename.foundAs, hint: `It follows from the rename of ${rename.name} to ${rename.foundAs}: repair's rename back fixes it.` };
  });
}

export function compareSchemas(expected: SchemaSnapshot, actual: SchemaSnapshot): Problem[] {
  const missingTables: Problem[] = [];
  const problems: Problem[] = [];
  const twins = new Set<string>();
  for (const [name, table] of expected.tables) {
    const live = actual.tables.get(name);
    if (live) {
      problems.push(...compareTable(table, live).map((p) => ({ ...p, definitions: { expected: table.sql, actual: live.sql } })));
      continue;
    }
    const twin = twinOf(table, expected, actual, twins);
    if (twin) twins.add(twin);
    missingTables.push(missingTable(name, twin));
  }
  for (const name of actual.tables.keys()) {
    if (expected.tables.has(name)) continue;
    const twinned = missingTables.find((p) => p.foundAs === name);
    const problem = extra('table', name, name, `Table ${name}`);
    problems.push(twinned ? { ...problem, hint: `It has exactly ${twinned.name}'s shape: repair renames it back to ${twinned.name}.` } : problem);
  }
  for (const [name, index] of expected.indexes) {
    const live = actual.indexes.get(name);
    const shape = (i: typeof index) => `${i.unique ? 'UNIQUE ' : ''}ON ${i.table} (${i.columns.join(', ')})${i.where ? ` WHERE ${i.where}` : ''}`;
    if (!live) problems.push(missing('index', name, index.table, `Index ${name}`));
    else if (shape(live) !== shape(index))
      problems.push({
        ...changed('index', name, index.table, `Index ${name}`, shape(index), shape(live)),
        definitions: { expected: index.sql, actual: live.sql },
      });
  }
  for (const [name, index] of actual.indexes) {
    if (!expected.indexes.has(name)) problems.push(extra('index', name, index.table, `Index ${name}`));
  }
  problems.push(...compareSqlObjects('trigger', expected.triggers, actual.triggers));
  problems.push(...compareSqlObjects('view', expected.views, actual.views));
  const renamed = missingTables.filter((p) => p.foundAs);
  return [...missingTables, ...(renamed.length ? markFollowOns(problems, renamed) : problems)];
}

/**
 * The first 20 differences on one line, for an error message: a message has no line breaks of its
 * own, so the command line can show every control character in it escaped (a name may hold one).
 */
export function listDifferences(differences: Problem[]): string {
  const shown = differences.slice(0, 20).map((p) => ` - ${p.message}${p.expected !== undefined ? ` (expected ${p.expected}; found ${p.actual})` : ''}`);
  const more = differences.length > 20 ? ` (and ${differences.length - 20} more)` : '';
  return `${shown.join('')}${more}`;
}

import type { DiagramColumn, DiagramState, DiagramTable, Problem, SchemaDiagram } from '../../../shared/types/schema';
import type { EngineContext } from '../context';
import { expectedSchemaAt } from '../core/schema/expected-schema';
import { snapshotSchema, type TableShape } from '../core/schema/introspect';
import { withDatabase } from '../core/sqlite/open-database';
import { assessDatabase } from './status';
import { historyTablesOf } from '../core/schema/unaccounted-objects';

// What the schema diagram draws: the expected schema's tables with their columns and foreign keys,
// and on each the drift the same comparison as status and verify finds (missing, extra, changed).
// Rows are never read.

function columnsOf(shape: TableShape, state: (column: string) => DiagramState): DiagramColumn[] {
  return shape.columns.map((c) => ({
    name: c.name,
    type: c.type,
    primaryKey: c.primaryKeyPosition > 0,
    notNull: c.notNull,
    state: state(c.name.toLowerCase()),
  }));
}

function foreignKeysOf(shape: TableShape): DiagramTable['foreignKeys'] {
  return shape.foreignKeys.map((fk) => ({ from: fk.from, table: fk.table.toLowerCase(), to: fk.to }));
}

/** A table the expected schema has, drawn as it should be, with the live database's differences marked on it. */
function expectedTable(shape: TableShape, live: TableShape | undefined, findings: Problem[]): DiagramTable {
  const columnChange = (column: string) => findings.find((p) => p.kind === 'column' && p.name.toLowerCase() === column)?.change;
  const columnState = (column: string): DiagramState => {
    const change = columnChange(column);
    return change === 'missing' || change === 'changed' ? change : 'as-expected';
  };
  const expectedNames = new Set(shape.columns.map((c) => c.name.toLowerCase()));
  const extraColumns = live ? columnsOf(live, () => 'extra').filter((c) => !expectedNames.has(c.name.toLowerCase())) : [];
  const state: DiagramState = !live ? 'missing' : findings.length > 0 ? 'changed' : 'as-expected';
  return {
    name: shape.name,
    state,
    columns: [...columnsOf(shape, live ? columnState : () => 'missing'), ...extraColumns],
    foreignKeys: foreignKeysOf(shape),
    findings: findings.map((p) => p.message),
  };
}

/** The expected schema at the version the database is compared with, its live drift drawn on it. */
export function schemaDiagram(ctx: EngineContext): SchemaDiagram {
  return withDatabase(ctx.dbPath, { mode: 'read', busyTimeoutMs: ctx.busyTimeoutMs }, (db) => {
    const { state, problems } = assessDatabase(db, ctx);
    const comparedAt = state.fresh || state.newerThanKnown ? null : (state.current ?? state.legacy?.version ?? null);
    if (comparedAt === null) return { path: ctx.dbPath, comparedAt, tables: [] };
    const expected = expectedSchemaAt(ctx.schema, comparedAt);
    const live = snapshotSchema(db, historyTablesOf(ctx.schema));
    const on = (table: string) => problems.filter((p) => p.table?.toLowerCase() === table);
    const tables = [...expected.tables.values()].map((shape) => expectedTable(shape, live.tables.get(shape.name), on(shape.name)));
    for (const shape of live.tables.values()) {
      if (expected.tables.has(shape.name)) continue;
      tables.push({
        name: shape.name,
        state: 'extra',
        columns: columnsOf(shape, () => 'extra'),
        foreignKeys: foreignKeysOf(shape),
        findings: on(shape.name).map((p) => p.message),
      });
    }
    return { path: ctx.dbPath, comparedAt, tables };
  });
}

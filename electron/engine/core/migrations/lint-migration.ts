import type { LintWarning } from '../../../../shared/types/migrations';
import type { SchemaSnapshot } from '../schema/introspect';
import { splitStatements, type Statement } from '../schema/sql-text';
import { shapeOf, type ColumnDefinition, type StatementShape } from '../schema/statement-shape';

// Reads a migration's SQL and warns about what can lose data or fail: table rebuilds, dropped
// tables and columns, NOT NULL without a default or without saying what an inserted NULL
// becomes (a writer passing NULL breaks), statements that cannot run inside the step's
// transaction, foreign keys touched. Each warning sits on the statement it concerns.

interface Shaped {
  statement: Statement;
  shape: StatementShape;
  index: number;
}

type NewTable = Extract<StatementShape, { kind: 'create-table' }>;

/** SQLite's table rebuild (sqlite.org/lang_altertable.html): CREATE new, copy, DROP old, RENAME new to old. */
interface Rebuild {
  table: string;
  /** The new table, created under a temporary name. */
  definition: NewTable;
  create: Shaped;
  copy: Shaped | null;
  /** Column → the expression the copy fills it with. */
  copied: Map<string, string>;
  drop: Shaped;
  rename: Shaped;
}

/** A column made NOT NULL that does not say what an inserted NULL becomes: every writer passing NULL fails from now on. */
function nullInsertFails(at: Shaped, table: string, column: ColumnDefinition): LintWarning {
  return warning(
    at,
    'null-insert-fails',
    'danger',
    `Column ${table}.${column.name} becomes NOT NULL without saying what an inserted NULL becomes: any INSERT that passes NULL for it fails from this step on (NOT NULL constraint failed). Write NOT NULL ON CONFLICT REPLACE DEFAULT <value> to store the default instead, or check the service never passes NULL (list its statements in service-statements.json and rehearse).`,
  );
}

function warning(at: Shaped, rule: LintWarning['rule'], severity: LintWarning['severity'], message: string): LintWarning {
  return { rule, severity, message, line: at.statement.line, statement: at.statement.sql };
}

/** Each RENAME of a table created in the script onto a name the script dropped in between: a rebuild. */
function findRebuilds(shaped: Shaped[]): Rebuild[] {
  const rebuilds: Rebuild[] = [];
  for (const rename of shaped) {
    if (rename.shape.kind !== 'rename-table') continue;
    const temporary = rename.shape.table;
    const table = rename.shape.to;
    const create = shaped.findLast((s) => s.index < rename.index && s.shape.kind === 'create-table' && s.shape.table === temporary);
    if (!create || create.shape.kind !== 'create-table') continue;
    // The drop between the new table's CREATE and the RENAME: a DROP of the same name before them is a drop of its own.
    const drop = shaped.findLast((s) => s.index > create.index && s.index < rename.index && s.shape.kind === 'drop-table' && s.shape.table === table);
    if (!drop) continue;
    const copy =
      shaped.find(
        (s) => s.index > create.index && s.index < drop.index && s.shape.kind === 'copy' && s.shape.into === temporary && s.shape.from.includes(table),
      ) ?? null;
    const copied = copy?.shape.kind === 'copy' ? copy.shape.values : new Map<string, string>();
    rebuilds.push({ table, definition: create.shape, create, copy, copied, drop, rename });
  }
  return rebuilds.sort((a, b) => a.drop.index - b.drop.index);
}

interface Child {
  table: string;
  cascades: boolean;
}

/** Tables whose foreign keys point at `parent`: in the schema before the step, and created by the step itself. */
function childrenOf(parent: string, before: SchemaSnapshot | undefined, shaped: Shaped[]): Child[] {
  const children = new Map<string, Child>();
  for (const table of before?.tables.values() ?? []) {
    const keys = table.foreignKeys.filter((fk) => fk.table === parent);
    if (keys.length && table.name !== parent) children.set(table.name, { table: table.name, cascades: keys.some((fk) => fk.onDelete === 'CASCADE') });
  }
  for (const s of shaped) {
    if (s.shape.kind === 'create-table' && s.shape.parents.includes(parent) && s.shape.table !== parent && !children.has(s.shape.table)) {
      children.set(s.shape.table, { table: s.shape.table, cascades: false });
    }
  }
  return [...children.values()];
}

function lineOf(at: Shaped): string {
  return `line ${at.statement.line}`;
}

function rebuildWarnings(rebuild: Rebuild, before: SchemaSnapshot | undefined, shaped: Shaped[]): LintWarning[] {
  const { table, definition, create, copy, copied, drop, rename } = rebuild;
  const temporary = definition.table;
  const warnings: LintWarning[] = [
    copy
      ? warning(
          drop,
          'table-rebuild',
          'danger',
          `Rebuilds table ${table}: its rows are copied into ${temporary} (${lineOf(copy)}), ${table} is dropped here and ${temporary} takes its name (${lineOf(rename)}). Rehearse it to compare row counts before and after.`,
        )
      : warning(
          drop,
          'table-rebuild',
          'danger',
          `Rebuilds table ${table}, but no INSERT INTO ${temporary} … SELECT … FROM ${table} copies its rows before it is dropped here: every row of ${table} is lost.`,
        ),
  ];
  const recreated = new Set(
    shaped.flatMap((s) => (s.index > drop.index && (s.shape.kind === 'create-index' || s.shape.kind === 'create-trigger') ? [s.shape.name] : [])),
  );
  const dependents = [...(before?.indexes.values() ?? []), ...(before?.triggers.values() ?? [])].filter((o) => o.table === table).map((o) => o.name);
  const lost = dependents.filter((name) => !recreated.has(name));
  if (lost.length) {
    warnings.push(warning(drop, 'table-rebuild', 'caution', `Dropping ${table} also drops ${lost.join(', ')}, which this script does not recreate.`));
  }
  const children = childrenOf(table, before, shaped).filter((c) => c.table !== temporary);
  if (children.length) {
    const cascading = children.filter((c) => c.cascades).map((c) => c.table);
    const cascade = cascading.length === children.length ? ' (all ON DELETE CASCADE)' : cascading.length ? ` (${cascading.join(', ')} ON DELETE CASCADE)` : '';
    warnings.push(
      warning(
        drop,
        'foreign-keys',
        'caution',
        `${table} is the parent of ${children.map((c) => c.table).join(', ')}${cascade}: with foreign keys on, dropping it would delete or orphan their rows. The engine runs the step with foreign_keys off and PRAGMA foreign_key_check before COMMIT, so no child row is touched and any orphan rolls the step back.`,
      ),
    );
  }
  if (definition.parents.length) {
    warnings.push(
      warning(
        create,
        'foreign-keys',
        'caution',
        `${temporary} declares foreign keys to ${definition.parents.join(', ')}: every row copied into it must have its parent, or foreign_key_check rolls the step back.`,
      ),
    );
  }
  const old = before?.tables.get(table);
  for (const column of definition.columns) {
    const was = old?.columns.find((c) => c.name.toLowerCase() === column.name);
    const fillsNulls = /^(coalesce|ifnull) ?\(/.test(copied.get(column.name) ?? '');
    if (column.notNull && was && !was.notNull && !fillsNulls) {
      warnings.push(
        warning(
          create,
          'not-null-added',
          'caution',
          `Column ${table}.${column.name} becomes NOT NULL: copying a row where it is NULL fails the step, unless the copy supplies a value (COALESCE). Rehearse it on real data.`,
        ),
      );
    }
    if (old && column.notNull && !was?.notNull && !column.nullInsertStoresDefault) warnings.push(nullInsertFails(create, table, column));
  }
  return warnings;
}

const PRAGMAS_FIXED_IN_TRANSACTION = new Set(['journal_mode', 'synchronous', 'page_size', 'auto_vacuum', 'locking_mode']);

function statementWarnings(s: Shaped, inRebuild: boolean, before: SchemaSnapshot | undefined, shaped: Shaped[]): LintWarning[] {
  const shape = s.shape;
  switch (shape.kind) {
    case 'drop-table': {
      if (inRebuild) return [];
      const result = [warning(s, 'drop-table', 'danger', `Drops table ${shape.table} and every row in it.`)];
      const children = childrenOf(shape.table, before, shaped);
      if (children.length) {
        result.push(
          warning(
            s,
            'foreign-keys',
            'danger',
            `Rows of ${children.map((c) => c.table).join(', ')} refer to ${shape.table}: after the drop they point at nothing, and foreign_key_check rolls the step back if there are any.`,
          ),
        );
      }
      return result;
    }
    case 'rename-table':
      return inRebuild
        ? []
        : [warning(s, 'other', 'caution', `Renames table ${shape.table} to ${shape.to}: code that uses the name ${shape.table} stops working.`)];
    case 'drop-column':
      return [warning(s, 'drop-column', 'danger', `Drops column ${shape.table}.${shape.column} and the data in it.`)];
    case 'add-column': {
      const result: LintWarning[] = [];
      if (shape.column.notNull && !shape.column.hasDefault) {
        result.push(
          warning(
            s,
            'not-null-without-default',
            'danger',
            `Adds ${shape.table}.${shape.column.name} as NOT NULL without a default: SQLite refuses this on a table that has rows. Give it a DEFAULT, or rebuild the table.`,
          ),
        );
      } else if (shape.column.notNull && !shape.column.nullInsertStoresDefault) {
        result.push(nullInsertFails(s, shape.table, shape.column));
      }
      if (shape.column.references) {
        result.push(
          warning(
            s,
            'foreign-keys',
            'caution',
            `Adds a foreign key ${shape.table}.${shape.column.name} → ${shape.column.references}: existing rows take the column's default, which must be NULL or a key of ${shape.column.references}, or foreign_key_check rolls the step back.`,
          ),
        );
      }
      return result;
    }
    case 'vacuum':
      return [warning(s, 'non-transactional', 'danger', 'VACUUM cannot run inside a transaction, and every step runs in one: the step fails here.')];
    case 'transaction-control':
      return [
        warning(
          s,
          'non-transactional',
          'danger',
          `${shape.verb} inside a migration fights the transaction the engine wraps each step in: the step fails, or stops being all-or-nothing. Remove it.`,
        ),
      ];
    case 'set-pragma':
      if (shape.pragma === 'foreign_keys') {
        return [
          warning(
            s,
            'non-transactional',
            'caution',
            'PRAGMA foreign_keys has no effect inside a transaction; the engine already turns foreign keys off for every step and checks them before COMMIT.',
          ),
        ];
      }
      return PRAGMAS_FIXED_IN_TRANSACTION.has(shape.pragma)
        ? [
            warning(
              s,
              'non-transactional',
              'danger',
              `PRAGMA ${shape.pragma} cannot change inside the transaction each step runs in: set it outside migrations.`,
            ),
          ]
        : [];
    case 'all-rows':
      return [warning(s, 'other', 'caution', `${shape.verb} without WHERE ${shape.verb === 'DELETE' ? 'removes' : 'changes'} every row of ${shape.table}.`)];
    default:
      return [];
  }
}

/**
 * Lints one migration script. `before` is the expected schema the script runs on (the version
 * before it), which tells which tables are parents and what a rebuilt table looked like.
 */
export function lintMigration(sql: string, before?: SchemaSnapshot): LintWarning[] {
  const shaped = splitStatements(sql).map((statement, index) => ({ statement, shape: shapeOf(statement), index }));
  const rebuilds = findRebuilds(shaped);
  const inRebuild = new Set(rebuilds.flatMap((r) => [r.drop.index, r.rename.index]));
  const warnings = [
    ...rebuilds.flatMap((r) => rebuildWarnings(r, before, shaped)),
    ...shaped.flatMap((s) => statementWarnings(s, inRebuild.has(s.index), before, shaped)),
  ];
  return warnings.sort((a, b) => a.line - b.line || (a.severity === b.severity ? 0 : a.severity === 'danger' ? -1 : 1));
}

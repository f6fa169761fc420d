import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import '../../../../shared/zod-messages';
import type { ServiceStatementCoverage } from '../../../../shared/types/migrations';
import { WardenError } from '../../errors';
import type { SchemaSnapshot } from '../schema/introspect';
import { tokenize } from '../schema/sql-text';
import type { VersionOrder } from '../schema/version-order';

// The statements a schema's service runs, listed in the schema folder (service-statements.json)
// so that rehearse can run each one on the migrated copy: a migration that would break the
// service fails its rehearsal instead of the service failing in production.
//
// Most of the service's statements need rows to act on (an UPDATE of a file, metadata for a
// file): `setup` holds service writes run first, in order, and kept while each of the others
// runs in its own savepoint that is rolled back, so every statement sees the same rows.

export const SERVICE_STATEMENTS_FILE = 'service-statements.json';

const sampleParameter = z.union([z.string(), z.number(), z.null()]);

const setupEntry = z.strictObject({
  name: z.string().check(z.minLength(1)),
  sql: z.string().check(z.minLength(1)),
  params: z.array(sampleParameter),
  /** For the people who read the file (why a statement is there, or why it has a since). */
  note: z.optional(z.string()),
});

const statementEntry = z.extend(setupEntry, {
  /** The first version the statement works at, where an older one refuses it on purpose or by a known bug. */
  since: z.optional(z.string()),
});

const listFile = z.strictObject({
  setup: z._default(z.array(setupEntry), []),
  statements: z.array(statementEntry).check(z.minLength(1)),
});

export interface ServiceStatement {
  name: string;
  /** The SQL exactly as the service runs it, with `?` for each bound value. */
  sql: string;
  /** Sample values bound in order; null where the service passes NULL. */
  params: (string | number | null)[];
  role: 'setup' | 'write' | 'read';
  since: string | null;
}

export interface ServiceStatementList {
  file: string;
  /** Setup first, then the statements, in the file's order. */
  statements: ServiceStatement[];
}

function invalid(dir: string, what: string, hint: string): WardenError {
  return new WardenError('SCHEMA_INVALID', `The schema folder ${dir} is not valid: ${SERVICE_STATEMENTS_FILE} ${what}.`, hint);
}

function isRead(sql: string): boolean {
  const first = tokenize(sql)
    .find((t) => t.kind === 'word')
    ?.text.toLowerCase();
  return first === 'select' || first === 'with';
}

function placeholders(sql: string): number {
  return tokenize(sql).filter((t) => t.kind === 'punct' && t.text === '?').length;
}

/**
 * Reads the schema folder's list of its service's statements; null when the folder has none
 * (the list is optional, and a rehearsal says it checked no statements). `latest` is the
 * schema's latest version, which a `since` must not pass, in the schema's order of versions.
 */
export function readServiceStatements(dir: string, latest: string, order: VersionOrder): ServiceStatementList | null {
  const path = join(dir, SERVICE_STATEMENTS_FILE);
  if (!existsSync(path)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw invalid(dir, `is not JSON (${(err as Error).message})`, `Fix the JSON syntax in ${SERVICE_STATEMENTS_FILE}.`);
  }
  const parsed = listFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(
      dir,
      `field "${issue.path.join('.')}": ${issue.message}`,
      'Each entry needs name, sql and params (an array of sample values, null where the service passes NULL); statements may add since (a version of this schema) and note.',
    );
  }
  const entries = [
    ...parsed.data.setup.map((entry, k) => ({ ...entry, since: undefined, field: `setup.${k}`, role: 'setup' as const })),
    ...parsed.data.statements.map((entry, k) => ({ ...entry, field: `statements.${k}`, role: isRead(entry.sql) ? ('read' as const) : ('write' as const) })),
  ];
  const statements = entries.map(({ name, sql, params, since, field, role }) => {
    const expected = placeholders(sql);
    if (expected !== params.length) {
      throw invalid(
        dir,
        `field "${field}.params": "${name}" has ${expected} ? placeholder(s) but ${params.length} sample value(s)`,
        'Give one sample value per ?, in order (only ? placeholders are supported).',
      );
    }
    // Not necessarily one of the schema's versions (a folder may skip one), but one it reaches: a
    // since past the latest would skip the statement at every version, in silence.
    if (since !== undefined && (!order.valid(since) || order.gt(since, latest))) {
      throw invalid(
        dir,
        `field "${field}.since": "${since}" is not a version up to this schema's latest, ${latest}`,
        'Name the first version the statement works at, as the schema names its versions (such as 1.1.0).',
      );
    }
    return { name, sql, params, role, since: since ?? null };
  });
  return { file: SERVICE_STATEMENTS_FILE, statements };
}

/** Lower-cased names after FROM, JOIN, INTO and UPDATE: the tables and views a statement names. */
function namedObjects(sql: string): string[] {
  const tokens = tokenize(sql);
  return tokens.flatMap((t, k) => {
    const next = tokens[k + 1];
    const names = t.kind === 'word' && ['from', 'join', 'into', 'update'].includes(t.text.toLowerCase());
    return names && next && (next.kind === 'word' || next.kind === 'identifier') ? [next.text.toLowerCase()] : [];
  });
}

/** How many writes and reads the list holds, and which tables and views of `schema` they name. */
export function coverageOf(list: ServiceStatementList, schema: SchemaSnapshot): ServiceStatementCoverage {
  const objects = [...schema.tables.keys(), ...schema.views.keys()].sort();
  const named = new Set(list.statements.flatMap((s) => namedObjects(s.sql)));
  return {
    file: list.file,
    writes: list.statements.filter((s) => s.role !== 'read').length,
    reads: list.statements.filter((s) => s.role === 'read').length,
    covered: objects.filter((name) => named.has(name.toLowerCase())),
    uncovered: objects.filter((name) => !named.has(name.toLowerCase())),
  };
}

import { renderDamageRepair } from './render-damage';
import { nextLines, type CommandWords } from './suggested-commands';
import type {
  AcceptChecksumResult,
  BaselineResult,
  LintWarning,
  MigrationPlan,
  PlanStep,
  RepeatableStep,
  PlannedDataChange,
  RehearsalReport,
  ServiceStatementCoverage,
  ServiceStatementsRun,
} from '../../shared/types/migrations';
import type { RecoverRowsResult, RepairResult } from '../../shared/types/repair';
import type { Problem } from '../../shared/types/schema';
import { formatElapsed, problemTable, table } from './output';

// Human output of plan, rehearse, repair, baseline and accept-checksum.

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function lastLineOf(warning: LintWarning): number {
  return warning.line + (warning.statement.match(/\n/g)?.length ?? 0);
}

/** The step's SQL with line numbers, each warning printed under the last line of its statement. */
function annotatedSql(step: PlanStep): string {
  const width = String(step.sql.split('\n').length).length;
  const out: string[] = [];
  step.sql
    .replace(/\n$/, '')
    .split('\n')
    .forEach((text, index) => {
      const line = index + 1;
      out.push(`  ${String(line).padStart(width)} | ${text}`.trimEnd());
      for (const w of step.warnings.filter((warning) => lastLineOf(warning) === line)) {
        out.push(`  ${' '.repeat(width)} ^ ${w.severity.toUpperCase()} [${w.rule}] ${w.message}`);
      }
    });
  return out.join('\n');
}

function renderStep(step: PlanStep): string {
  const danger = step.warnings.filter((w) => w.severity === 'danger').length;
  const caution = step.warnings.length - danger;
  const warnings = step.warnings.length ? `${plural(danger, 'danger')}, ${plural(caution, 'caution')}` : 'none';
  return [
    `== ${step.version}  ${step.description}`,
    `   file      ${step.file}`,
    `   checksum  sha256 ${step.checksum}`,
    `   warnings  ${warnings}`,
    ...step.dataChanges.map((change) => `   data      ${dataChangeLine(step.version, change)}`),
    '',
    annotatedSql(step),
  ].join('\n');
}

/** "1.2.0 will fill in mime_type on 100 rows of conversation_files (mime_type IS NULL)". */
function dataChangeLine(version: string, change: PlannedDataChange): string {
  if (change.rows === null) return `${version} will ${change.change} in ${change.table}; not counted yet: ${change.notCounted}`;
  const where = change.filters
    .map((f) =>
      f.op === 'isNull'
        ? `${f.column} IS NULL`
        : f.op === 'notNull'
          ? `${f.column} IS NOT NULL`
          : `${f.column} ${f.op === 'eq' ? '=' : f.op === 'ne' ? 'IS NOT' : 'contains'} ${JSON.stringify(f.value)}`,
    )
    .join(' AND ');
  return `${version} will ${change.change} on ${plural(change.rows, 'row')} of ${change.table}${where ? ` (${where})` : ''}${change.afterEarlierSteps ? ', counted as the rows are now (earlier steps run first)' : ''}`;
}

function renderBlockers(blockers: MigrationPlan['blockers'], words: CommandWords): string {
  return blockers.map((b) => `  [${b.code}] ${b.message}\n    what to do: ${b.hint}${nextLines(b.next, words, '    ')}`).join('\n');
}

const NO_STATEMENT_LIST = 'Service statements: none listed (the schema folder has no service-statements.json), so no statement of the service is checked.';

function renderCoverage(coverage: ServiceStatementCoverage | null): string {
  if (coverage === null) return NO_STATEMENT_LIST;
  return [
    `Service statements (${coverage.file}): ${plural(coverage.writes, 'write')}, ${plural(coverage.reads, 'read')}; rehearse runs each on the migrated copy.`,
    `  cover        ${coverage.covered.join(', ') || 'nothing'}`,
    `  not covered  ${coverage.uncovered.join(', ') || 'none'}`,
  ].join('\n');
}

/** The repeatable migrations a plan runs after its versions (Flyway's R__ files), and why each. */
function renderRepeatables(repeatables: RepeatableStep[]): string {
  const lines = repeatables.map((r) => `  ${r.file}  ${r.reason === 'new' ? 'never applied' : 'changed since it was last applied'}`);
  return [`Then ${plural(repeatables.length, 'repeatable migration')}, after the versions, each in a transaction of its own:`, ...lines].join('\n');
}

export function renderPlan(migrationPlan: MigrationPlan, words: CommandWords): string {
  const { path, from, to, steps, blockers, drift } = migrationPlan;
  const danger = steps.flatMap((s) => s.warnings).filter((w) => w.severity === 'danger').length;
  const start = migrationPlan.adopt ? `no version, adopted as ${migrationPlan.adopt.version}` : (from ?? 'no version');
  const repeatables = migrationPlan.repeatables ?? [];
  const nothing = migrationPlan.adopt ? 'adoption only' : repeatables.length ? 'no version to apply' : 'nothing to apply';
  const parts = [
    steps.length
      ? `Plan for ${path}: ${start} → ${to}, ${plural(steps.length, 'step')} (${steps.map((s) => s.version).join(', ')}), ${plural(danger, 'dangerous statement')}.`
      : `Plan for ${path}: ${start} → ${to}, ${nothing}.`,
  ];
  if (migrationPlan.adopt) {
    const { table: service, legacyVersion, version } = migrationPlan.adopt;
    parts.push(
      `First, adopt: the service made this database (${service} records ${legacyVersion}) and its schema is exactly ${version}, so it is recorded as ${version} before the steps run. Nothing else changes in that step.`,
    );
  }
  if (blockers.length) parts.push(`BLOCKED: migrate would refuse this plan.\n${renderBlockers(blockers, words)}`);
  if (drift.length) parts.push(`The live schema differs from ${from}:\n\n${problemTable(drift)}`);
  parts.push(renderCoverage(migrationPlan.serviceStatements));
  parts.push(...steps.map(renderStep));
  if (repeatables.length) parts.push(renderRepeatables(repeatables));
  if ((steps.length || repeatables.length) && !blockers.length) parts.push(`Try it on a copy of the data first: ${words({ action: 'rehearse', to })}`);
  return parts.join('\n\n');
}

function rowCell(before: number | undefined, after: number | undefined): string {
  if (after === undefined) return '-';
  if (before === undefined || before === after) return String(after);
  const delta = after - before;
  return `${after} (${delta > 0 ? '+' : ''}${delta})`;
}

function rowsTable(report: RehearsalReport): string {
  const done = report.steps.filter((s) => s.ok);
  const first = report.steps[0];
  const tables = [...new Set(report.steps.flatMap((s) => [...Object.keys(s.rowsBefore), ...Object.keys(s.rowsAfter)]))].sort();
  return table(
    ['TABLE', 'BEFORE', ...done.map((s) => `AFTER ${s.version}`)],
    tables.map((name) => {
      let previous = first.rowsBefore[name];
      const cells = done.map((s) => {
        const cell = rowCell(previous, s.rowsAfter[name]);
        previous = s.rowsAfter[name];
        return cell;
      });
      return [name, first.rowsBefore[name] === undefined ? '-' : String(first.rowsBefore[name]), ...cells];
    }),
  );
}

function statementsFailing(run: ServiceStatementsRun | null): number {
  return run?.results.filter((r) => r.outcome === 'failed').length ?? 0;
}

/** Each statement that failed with its SQL and SQLite's error; the skipped ones with why; the rest counted. */
function renderStatementsRun(run: ServiceStatementsRun | null): string {
  if (run === null) return NO_STATEMENT_LIST;
  if (run.notRun !== null) return `Service statements (${run.file}): not run. ${run.notRun}`;
  const count = (outcome: string) => run.results.filter((r) => r.outcome === outcome).length;
  const lines = [
    `Service statements (${run.file}) on the result at ${run.version ?? 'no version'}: ${count('ok')} ok, ${count('failed')} FAILED, ${count('skipped')} skipped.`,
  ];
  for (const r of run.results.filter((result) => result.outcome === 'failed')) {
    lines.push(`  FAILED   ${r.name}\n           ${r.sql}\n           SQLite: ${r.error}`);
  }
  for (const r of run.results.filter((result) => result.outcome === 'skipped')) lines.push(`  skipped  ${r.name}: ${r.error}`);
  return lines.join('\n');
}

export function renderRehearsal(report: RehearsalReport): string {
  const failed = report.steps.find((s) => !s.ok);
  const failingStatements = statementsFailing(report.serviceStatements);
  const verdict = report.ok
    ? 'PASSED'
    : failed
      ? `FAILED at ${failed.version}`
      : failingStatements
        ? `FAILED: ${plural(failingStatements, 'service statement')} ${failingStatements === 1 ? 'fails' : 'fail'} on the result`
        : 'FAILED';
  const parts = [
    `Rehearsal of ${report.path} on a temporary copy: ${report.from ?? (report.adopted ? `${report.adopted.version} (adopted)` : 'no version')} → ${report.to}: ${verdict} (took ${formatElapsed(report.durationMs)}).`,
  ];
  if (report.steps.length) {
    parts.push(
      table(
        ['STEP', 'RESULT', 'TOOK', 'FK VIOLATIONS'],
        report.steps.map((s) => [
          s.repeatable ? `${s.version} (repeatable)` : s.version,
          s.ok ? 'ok' : 'FAILED',
          formatElapsed(s.durationMs),
          String(s.foreignKeyViolations),
        ]),
      ),
    );
    parts.push(rowsTable(report));
  } else {
    parts.push('Nothing to apply: the copy is already at the target.');
  }
  if (failed) {
    const where = failed.failedStatement
      ? `\n  ${failed.failedStatement.file} line ${failed.failedStatement.line}:\n    ${failed.failedStatement.sql.split('\n').join('\n    ')}`
      : '';
    parts.push(`Step ${failed.version} failed and was rolled back: ${failed.error}${where}`);
  }
  const integrity = report.integrity === null ? 'not checked' : report.integrity.ok ? 'ok' : `FAILED: ${report.integrity.messages.slice(0, 5).join('; ')}`;
  const reached = report.reached ?? 'no version';
  parts.push(
    `Integrity of the result: ${integrity}\nDrift of the result from ${reached}: ${report.drift.length ? `${plural(report.drift.length, 'difference')}` : 'none'}`,
  );
  if (report.drift.length) parts.push(problemTable(report.drift));
  parts.push(renderStatementsRun(report.serviceStatements));
  parts.push(`${report.path} itself was only read; the copy has been removed.`);
  return parts.join('\n\n');
}

function objectLine(p: Problem): string {
  return `  ${p.kind.padEnd(8)} ${p.table && p.table !== p.name ? `${p.table}.${p.name}` : p.name}`;
}

function indentedSql(sql: string): string {
  return `  ${sql.trim().split('\n').join('\n  ')};`;
}

/** Where the rows of a recreated, empty table went: its orphans, and the backups that still hold them. */
function renderLostRows(result: RepairResult, words: CommandWords): string[] {
  const parts: string[] = [];
  if (result.orphanedRows.length) {
    parts.push(
      `Orphaned rows (their parent rows are gone; foreign_key_check lists them):\n${result.orphanedRows.map((o) => `  ${o.table.padEnd(28)} ${String(o.rows).padStart(7)} row(s) → ${o.parent}`).join('\n')}`,
    );
  }
  if (result.rowsInBackups.length) {
    const lines = result.rowsInBackups.map((b) => `  ${b.table}: ${b.rows} row(s) in ${b.path} (${b.createdAt})`);
    const first = result.rowsInBackups[0];
    parts.push(
      `Verified backups that still hold the lost rows:\n${lines.join('\n')}\n  Copy them back with: ${words({ action: 'recoverRows', table: first.table, backup: first.backup, dryRun: true })}`,
    );
  }
  return parts;
}

export function renderRepair(result: RepairResult, words: CommandWords): string {
  // Damage: indexes rebuilt in place, or why not and what fits instead.
  if (result.damage?.length)
    return `Repair of ${result.path} (at ${result.version}): SQLite's integrity_check found damage${result.dryRun ? '; dry run, nothing was written' : ''}.\n\n${renderDamageRepair(result, words)}`;
  if (result.dryRun) {
    const parts = [`Repair of ${result.path} against version ${result.version}: dry run, nothing was written.`];
    parts.push(
      result.statements.length
        ? `Repair would take a verified backup, then run in one transaction:\n${result.statements.map(indentedSql).join('\n')}`
        : 'Repair would run nothing: nothing that repair can recreate is missing.',
    );
    if (result.refused.length) parts.push(`It would leave alone (${result.refused.length}):\n${result.refused.map(objectLine).join('\n')}`);
    return [...parts, ...renderLostRows(result, words)].join('\n\n');
  }
  const parts = [
    `Repair of ${result.path} against version ${result.version}`,
    `Backup: ${result.backup ? `${result.backup.path} (${result.backup.verified === null ? 'not verified' : result.backup.verified.ok ? 'verified' : 'verification FAILED'})` : 'none'}`,
  ];
  parts.push(
    result.recreated.length
      ? `Recreated (${result.recreated.length}):\n${result.recreated.map((p) => `${objectLine(p)}${p.foundAs ? ` (renamed back from ${p.foundAs})` : ''}`).join('\n')}`
      : 'Nothing was recreated: nothing that repair can recreate is missing.',
  );
  if (result.refused.length) {
    parts.push(
      `Left alone (${result.refused.length}), each with why and what to do:\n${result.refused.map((p) => `${objectLine(p)}\n    ${p.message}${p.hint ? `\n    what to do: ${p.hint}` : ''}${nextLines(p.next, words, '    ')}`).join('\n')}`,
    );
  }
  return [...parts, ...renderLostRows(result, words)].join('\n\n');
}

export function renderRecoverRows(result: RecoverRowsResult): string {
  const head = result.dryRun
    ? `Recovering rows of ${result.table} into ${result.path} from ${result.backup}: dry run, nothing was written.`
    : `Recovered rows of ${result.table} into ${result.path} from ${result.backup}.`;
  const verb = result.dryRun ? 'would copy' : 'copied';
  const rows = result.tables.map(
    (t) =>
      `  ${t.table.padEnd(28)} ${String(t.inBackup).padStart(8)} ${String(t.missing).padStart(8)} ${String(t.withoutParent).padStart(15)} ${String(t.copied).padStart(8)}`,
  );
  const parts = [
    head,
    `  ${'table'.padEnd(28)} ${'in backup'.padStart(8)} ${'missing'.padStart(8)} ${'without parent'.padStart(15)} ${verb.padStart(8)}\n${rows.join('\n')}`,
  ];
  if (result.preRecoverBackup) parts.push(`Backup taken first: ${result.preRecoverBackup.path}`);
  if (result.orphanedRows.length) parts.push(`Still orphaned:\n${result.orphanedRows.map((o) => `  ${o.table}: ${o.rows} row(s) → ${o.parent}`).join('\n')}`);
  return parts.join('\n\n');
}

export function renderBaseline(result: BaselineResult, words: CommandWords): string {
  const legacy = result.adoptedFrom
    ? ` Its ${result.adoptedFrom.table} said ${result.adoptedFrom.legacyVersion}; from now on every version applied is recorded there too.`
    : '';
  return `Adopted ${result.path} as version ${result.version}: its schema matches ${result.version} object by object.${legacy}\nNext: ${words({ action: 'plan' })}, then ${words({ action: 'migrate' })}.`;
}

export function renderAcceptChecksum(result: AcceptChecksumResult): string {
  return [
    `Accepted the edited ${result.file} for ${result.path}, on the record.`,
    `  was    sha256 ${result.previous}`,
    `  now    sha256 ${result.accepted}`,
    `  reason ${result.reason}`,
  ].join('\n');
}

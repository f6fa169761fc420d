import { renderDamage } from './render-damage';
import { diffSql, type SqlSegment } from '../../shared/sql-diff';
import type { BackupInfo, BackupVerification, RestorePreview, RestoreResult } from '../../shared/types/backups';
import type { HistoryReport } from '../../shared/types/history';
import type { VerifyReport } from '../../shared/types/integrity';
import type { MigrateResult } from '../../shared/types/migrations';
import type { Problem } from '../../shared/types/schema';
import type { HealthStatus, StatusReport } from '../../shared/types/status';
import { formatBytes, formatElapsed, problemTable, table, wrapToWidth } from './output';
import { renderRepair } from './render-plans';
import { nextLines, type CommandWords } from './suggested-commands';

// Human output of each command: a few labelled lines, then a table where there is a list.

const BADGE: Record<HealthStatus, string> = {
  healthy: 'HEALTHY',
  degraded: 'DEGRADED',
  unhealthy: 'UNHEALTHY',
  not_initialized: 'NOT INITIALIZED',
};

function labelled(pairs: [string, string][]): string {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}

export function renderStatus(report: StatusReport, words: CommandWords): string {
  const file = report.exists
    ? `${report.path} (${[formatBytes(report.bytes), report.journalMode && `journal ${report.journalMode}`, report.sqliteVersion && `SQLite ${report.sqliteVersion}`].filter(Boolean).join(', ')})`
    : `${report.path} (does not exist yet)`;
  const lines = labelled([
    ['Database', file],
    ['Schema', `${report.schema}, latest ${report.latest}`],
    [
      'Version',
      report.version ??
        (report.legacy
          ? `none (the service's ${report.legacy.table} records ${report.legacy.legacyVersion}${report.legacy.version && report.legacy.version !== report.legacy.legacyVersion ? ` = ${report.legacy.version}` : ''})`
          : 'none'),
    ],
    [
      'Pending',
      `${report.adoptable && report.legacy ? `adopt as ${report.legacy.version}, then ` : ''}${report.pending.length ? report.pending.join(', ') : 'none'}`,
    ],
    [
      'Integrity',
      report.integrity
        ? `quick_check ${report.integrity.ok ? 'ok' : `FAILED (${report.integrity.messages.length} message(s))`} at ${report.integrity.checkedAt}`
        : 'no file to check',
    ],
    ['Status', `${BADGE[report.status]}: ${report.reason}`],
  ]);
  return report.problems.length ? `${lines}\n\n${problemTable(report.problems)}${report.integrity ? renderDamage(report.integrity, words) : ''}` : lines;
}

/** Each of SQLite's checks with its own outcome: a full check is not "ok" while foreign_key_check lists rows. */
function integrityLine(report: VerifyReport): string {
  const pages = report.integrity.ok ? 'ok' : `FAILED (${report.integrity.messages.length} message(s))`;
  if (report.integrity.level === 'quick') return `quick_check: ${pages} (foreign keys not checked: use --full)`;
  const orphans = report.foreignKeyViolations.length;
  return `integrity_check: ${pages}; foreign_key_check: ${orphans ? `FAILED (${orphans} row(s) point at missing parents)` : 'ok'}`;
}

const CONTEXT_WORDS = 4;

/** One side of a difference on one line: changed words marked wdiff-style, long unchanged runs shortened to their ends. */
function compactSide(segments: SqlSegment[], open: string, close: string): string {
  return segments
    .map((segment, k) => {
      const text = segment.text.replace(/\s+/g, ' ').trim();
      if (segment.differs) return `${open}${text}${close}`;
      const words = text.split(' ');
      const keepStart = k > 0 ? CONTEXT_WORDS : 0;
      const keepEnd = k < segments.length - 1 ? CONTEXT_WORDS : 0;
      if (words.length <= keepStart + keepEnd + 1) return text;
      return [...words.slice(0, keepStart), '…', ...words.slice(words.length - keepEnd)].join(' ');
    })
    .join(' ');
}

/** Each changed definition once (a table with several changes shows once): expected and found, the differing part marked. */
export function renderDefinitions(problems: Problem[]): string {
  const seen = new Set<string>();
  const blocks: string[] = [];
  for (const p of problems) {
    if (!p.definitions) continue;
    const key = `${p.definitions.expected}\u0000${p.definitions.actual}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const diff = diffSql(p.definitions.expected, p.definitions.actual);
    const object = p.table && p.kind !== 'index' && p.kind !== 'trigger' ? `table ${p.table}` : `${p.kind} ${p.name}`;
    blocks.push(`  ${object}\n    expected  ${compactSide(diff.expected, '[-', '-]')}\n    found     ${compactSide(diff.actual, '{+', '+}')}`);
  }
  return blocks.length ? `Definitions that differ ([-only expected-] {+only found+}):\n${blocks.join('\n')}` : '';
}

export function renderVerify(report: VerifyReport, words: CommandWords): string {
  const lines = labelled([
    ['Database', report.path],
    ['Version', report.version ?? 'none'],
    ['Integrity', integrityLine(report)],
    ['Status', `${BADGE[report.status]}: ${report.reason}`],
    ['Took', formatElapsed(report.durationMs)],
  ]);
  if (!report.problems.length) return `${lines}\n\nNo problems found.`;
  const definitions = renderDefinitions(report.problems);
  const damage = renderDamage(report.integrity, words);
  // Objects that share a hint and its next actions (every difference a rename caused) are named on one line.
  const byHint = new Map<string, string[]>();
  for (const p of report.problems) {
    if (!p.hint) continue;
    const todo = `${p.hint}${nextLines(p.next, words, '    ')}`;
    byHint.set(todo, [...(byHint.get(todo) ?? []), `${p.kind} ${p.table && p.table !== p.name ? `${p.table}.` : ''}${p.name}`]);
  }
  const named = (objects: string[]) => (objects.length > 3 ? `${objects.slice(0, 3).join(', ')} and ${objects.length - 3} more` : objects.join(', '));
  const hints = [...byHint].map(([todo, objects]) => `  ${named(objects)}: ${todo}`);
  const todo = hints.length ? `\n\nWhat to do:\n${hints.join('\n')}` : '';
  return `${lines}\n\n${problemTable(report.problems)}${damage}${todo}${definitions ? `\n\n${definitions}` : ''}`;
}

function backupLine(backup: BackupInfo | null): string {
  return backup ? `\nBacked up first to ${backup.path}` : '';
}

/** What the start gate did before migrating (recreated missing objects), and its verdict after. */
function gateLines(result: MigrateResult, words: CommandWords): string {
  const parts: string[] = [];
  if (result.repaired) parts.push(`\n\nThe database was missing objects; the gate repaired it first.\n${renderRepair(result.repaired, words)}`);
  const verdict = result.verdict;
  if (verdict) parts.push(`\n\nChecked again: ${BADGE[verdict.status]}: ${verdict.reason}`);
  return parts.join('');
}

export function renderInitialize(result: MigrateResult, words: CommandWords): string {
  if (result.upToDate && !result.repaired) {
    // "Nothing to do" only where status would say healthy; a degraded database can serve, and says why.
    const attention =
      result.verdict && result.verdict.status !== 'healthy' ? `. It can serve, but needs attention: ${result.verdict.reason}` : ': nothing to do.';
    return `${result.path} is at ${result.to}${attention}${backupLine(result.backup)}`;
  }
  if (result.upToDate) return `${result.path} is at ${result.to}.${backupLine(result.backup)}${gateLines(result, words)}`;
  const adopted = result.adopted
    ? `\nAdopted as ${result.adopted.version}: made by the service (${result.adopted.table} records ${result.adopted.legacyVersion}), its schema exactly ${result.adopted.version}`
    : '';
  const from = result.from ?? (result.adopted ? `${result.adopted.version} (adopted)` : 'fresh');
  const steps = result.applied.length
    ? `\n\n${table(
        ['VERSION', 'TOOK', 'DESCRIPTION'],
        result.applied.map((s) => [s.version, formatElapsed(s.executionMs), s.description]),
      )}`
    : '';
  const repeated = result.repeated?.length
    ? `\n\n${table(
        ['REPEATABLE', 'TOOK', 'DESCRIPTION'],
        result.repeated.map((r) => [r.file, formatElapsed(r.executionMs), r.description]),
      )}`
    : '';
  return `${result.path}: ${from} → ${result.to}${backupLine(result.backup)}${adopted}${steps}${repeated}${gateLines(result, words)}`;
}

function verifiedText(info: BackupInfo, words: CommandWords): string {
  const verified = info.verified;
  if (!verified) return `not verified (check it with ${words({ action: 'verifyBackup', backup: info.name })})`;
  const check = verified.level === 'quick' ? 'quick_check' : 'integrity_check';
  return verified.ok ? `${check} ok` : `${check} FAILED: ${verified.messages.slice(0, 3).join('; ')}`;
}

export function renderBackup(info: BackupInfo, words: CommandWords): string {
  return labelled([
    ['Backup', info.path],
    ['Of', `${info.sourcePath} at version ${info.version ?? 'none'}`],
    ['Size', formatBytes(info.bytes)],
    ['SHA-256', info.sha256],
    ['Verified', verifiedText(info, words)],
    ['Took', formatElapsed(info.durationMs)],
  ]);
}

/** ok only while no later check contradicted the verification: a failed verify-backup, or a file changed since. */
function verifiedColumn(b: BackupInfo): string {
  if (b.damaged) return 'damaged copy (never restored)';
  if (b.changedSinceVerified) return 'CHANGED since verified';
  if (!b.verified) return 'no';
  return b.verified.ok ? 'ok' : 'FAILED';
}

export function renderBackups(folder: string, backups: BackupInfo[], words: CommandWords): string {
  if (!backups.length) return `No backups in ${folder} yet. Take one with: ${words({ action: 'backup' })}`;
  const rows = backups.map((b) => [b.createdAt, b.reason, b.version ?? '', formatBytes(b.bytes), verifiedColumn(b), b.name]);
  const notes = backups
    .filter((b) => b.failedVerification || b.changedSinceVerified)
    .map(
      (b) =>
        `  ${b.name}: ${b.failedVerification ? `failed verification at ${b.failedVerification.at}: ${b.failedVerification.problems.slice(0, 2).join(' ')}` : b.changedSinceVerified}`,
    );
  const why = notes.length ? `\n\nNot verified any more:\n${notes.join('\n')}` : '';
  return `Backups in ${folder}, newest first\n\n${table(['TAKEN AT', 'REASON', 'VERSION', 'SIZE', 'VERIFIED', 'NAME'], rows)}${why}`;
}

export function renderBackupVerification(report: BackupVerification): string {
  const check = report.integrity.level === 'quick' ? 'quick_check' : 'integrity_check';
  const lines = labelled([
    ['Backup', report.path],
    ['Version', report.version ?? 'none'],
    [
      'SHA-256',
      report.hashMatches
        ? `${report.sha256} (matches its manifest)`
        : `${report.sha256} (expected ${report.expectedSha256 ?? 'unknown: no manifest to read it from'})`,
    ],
    ['Integrity', `${check}: ${report.integrity.ok ? 'ok' : 'FAILED'}`],
    ['Status', report.ok ? 'OK: the backup can be restored.' : 'NOT OK: the backup cannot be trusted.'],
    ['Took', formatElapsed(report.durationMs)],
  ]);
  return report.problems.length ? `${lines}\n\n${report.problems.map((p) => `- ${p}`).join('\n')}` : lines;
}

export function renderRestore(result: RestoreResult, words: CommandWords): string {
  return labelled([
    ['Restored', `${result.path}, now at version ${result.version ?? 'none'}`],
    ...(result.downgradedFrom
      ? [['Downgrade', `it was at ${result.downgradedFrom}: the service must be one that runs ${result.version}`] as [string, string]]
      : []),
    ['From', `${result.restoredFrom.path} (taken ${result.restoredFrom.createdAt})`],
    [
      'History',
      `${result.carriedEvents} event${result.carriedEvents === 1 ? '' : 's'} since the backup carried across (${words({ action: 'history' })} shows them)`,
    ],
    [
      'Undo with',
      result.preRestoreBackup ? words({ action: 'restore', backup: result.preRestoreBackup.path }) : 'nothing to undo: there was no database before',
    ],
  ]);
}

/** Per table, what the restore loses (rows here the backup lacks), changes back and brings back. */
/** The rows a restore would lose or change back, as a table under a sentence (wrapped to `width`). */
function rowChanges(preview: RestorePreview, width = Infinity): string {
  if (!preview.tables) return '';
  const changed = preview.tables.filter((t) => t.onlyHere || t.different || t.onlyInBackup || t.uncomparable);
  if (!changed.length) return `${wrapToWidth('Every table holds the same rows as the backup: the restore loses no row.', width)}\n`;
  const rows = changed.map((t) => [
    t.table,
    String(t.onlyHere),
    String(t.different),
    String(t.onlyInBackup),
    t.uncomparable ?? (t.missingIn === 'backup' ? 'not in the backup' : [...t.examples.onlyHere, ...t.examples.different].slice(0, 3).join(', ')),
  ]);
  return `${wrapToWidth('Rows the restore would lose or change back (matched by primary key, rowid where there is none):', width)}\n\n${table(['TABLE', 'LOST', 'CHANGED BACK', 'BROUGHT BACK', 'FOR EXAMPLE'], rows)}\n`;
}

export function renderRestorePreview(preview: RestorePreview): string {
  const downgrade = preview.downgrade ? `DOWNGRADE: the database is at ${preview.liveVersion}; the backup is at ${preview.version}, older.\n` : '';
  return `Restore preview (nothing was changed): the backup ${preview.from} is at version ${preview.version}, the database at ${preview.liveVersion ?? 'none'}.\n${downgrade}\n${rowChanges(preview)}`.trimEnd();
}

/**
 * The question a person answers before a restore: the rows it would lose as a table, then what is
 * replaced by what, a downgrade said first, wrapped to the terminal's `width`.
 */
export function restoreQuestion(preview: RestorePreview, dbPath: string, backupFolder: string, width: number): string {
  const downgrade = preview.downgrade
    ? `DOWNGRADE: ${dbPath} is at version ${preview.liveVersion}; the backup is at ${preview.version}, older. The service must be one that runs ${preview.version}.\n`
    : '';
  const question = `${downgrade}Replace ${dbPath} (version ${preview.liveVersion ?? 'none'}) with the backup ${preview.from} (version ${preview.version})? What it holds now is backed up first, to ${backupFolder}.\nType yes to restore: `;
  return `${rowChanges(preview, width)}${wrapToWidth(question, width)}`;
}

export function renderHistory(report: HistoryReport): string {
  const versions = table(
    ['VERSION', 'KIND', 'APPLIED AT', 'TOOK', 'BY', 'DESCRIPTION'],
    report.versions.map((v) => [
      v.version,
      v.kind ?? '',
      v.appliedAt,
      v.executionMs === null ? '' : formatElapsed(v.executionMs),
      v.actor ?? '',
      v.description ?? '',
    ]),
  );
  const events = table(
    ['AT', 'ACTION', 'VERSION', 'OUTCOME', 'BY'],
    report.events.map((e) => [e.at, e.action, e.version ?? '', e.outcome, e.actor]),
  );
  return `Versions of ${report.path} (current: ${report.version ?? 'none'})\n\n${versions}\n\nEvents, newest first\n\n${events}`;
}

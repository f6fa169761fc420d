import { onlyIndexesDamaged } from '../../shared/damage';
import type { BackupInfo } from '../../shared/types/backups';
import type { IntegrityResult } from '../../shared/types/integrity';
import type { RepairResult, TableDamageOptions } from '../../shared/types/repair';
import { nextLines, type CommandWords } from './suggested-commands';

// The damage map as text: each damaged page with the table or index it belongs to, SQLite's own
// words under it, and the fix that fits.

export function renderDamage(integrity: IntegrityResult, words: CommandWords): string {
  const damage = integrity.damage ?? [];
  if (integrity.ok || damage.length === 0) return '';
  const check = integrity.level === 'quick' ? 'quick_check' : 'integrity_check';
  // The place in words, then SQLite's own words under it (the description holds both; shown once each here).
  const place = (text: string) => (text.includes(' is damaged') ? text.slice(0, text.indexOf(' is damaged') + ' is damaged'.length) : text);
  const entries = damage
    .slice(0, 30)
    .map((d) => `  ${place(d.description)}${d.messages > 1 ? ` (${d.messages} findings)` : ''}\n    SQLite said: ${d.message}`);
  const more = damage.length > 30 ? `\n  … and ${damage.length - 30} more` : '';
  const fix = onlyIndexesDamaged(integrity.damage ?? [])
    ? `Only indexes are damaged: ${words({ action: 'repair' })} rebuilds them from their tables in place, after a byte copy of the file as it is.`
    : `Table pages are damaged: keep the file as it is first (${words({ action: 'preserveCopy' })}), then restore the newest verified backup (${words({ action: 'backups' })}) or recover what can be read into a new file (${words({ action: 'salvage' })}).`;
  return `\n\nDamage (where ${check} found it):\n${entries.join('\n')}${more}\n\nWhat fits: ${fix}`;
}

export function renderTableDamage(options: TableDamageOptions): string {
  const backup = options.backup ? `the newest verified backup, ${options.backup.name} (${options.backup.createdAt})` : null;
  const rows = options.counts.map((c) => {
    const live = c.live === null ? 'damaged' : String(c.live);
    const lost = c.live !== null && c.inBackup !== null && c.live > c.inBackup ? `  (${c.live - c.inBackup} written after the backup would be lost)` : '';
    return `  ${c.table.padEnd(28)} ${live.padStart(9)} ${(c.inBackup === null ? '—' : String(c.inBackup)).padStart(9)}${lost}`;
  });
  const head = backup ? `Rows per table, live file against ${backup}:` : 'Rows per table in the live file (there is no verified backup):';
  return `${head}\n  ${'TABLE'.padEnd(28)} ${'LIVE'.padStart(9)} ${'BACKUP'.padStart(9)}\n${rows.join('\n')}`;
}

/** What a repair of damage did or would do: indexes rebuilt, or why not and what fits instead. */
export function renderDamageRepair(result: RepairResult, words: CommandWords): string {
  const lines: string[] = [];
  if (result.rebuiltIndexes?.length) {
    lines.push(
      result.dryRun
        ? `Would rebuild ${result.rebuiltIndexes.length} damaged index(es) from their tables:`
        : `Rebuilt ${result.rebuiltIndexes.length} damaged index(es) from their tables:`,
    );
    lines.push(...result.statements.map((s) => `  ${s};`));
    if (result.preservedCopy)
      lines.push(
        `The file as it was (damaged) is preserved in ${result.preservedCopy.path}${result.preservedCopy.companions?.length ? ` with its ${result.preservedCopy.companions.map((c) => c.suffix).join(' and ')}` : ''}; it is never restored from.`,
      );
    if (result.integrityAfter)
      lines.push(`integrity_check afterwards: ${result.integrityAfter.ok ? 'ok' : `FAILED (${result.integrityAfter.messages.slice(0, 3).join('; ')})`}`);
  }
  for (const p of result.refused) lines.push(`${p.message}\n  what to do: ${p.hint ?? ''}${nextLines(p.next, words, '  ')}`);
  if (result.tableDamage) lines.push(renderTableDamage(result.tableDamage));
  return lines.join('\n');
}

export function renderPreserved(info: BackupInfo, words: CommandWords): string {
  const companions = info.companions?.length ? ` with its ${info.companions.map((c) => c.suffix).join(' and ')}` : '';
  return [
    `Preserved ${info.sourcePath}${companions} as it is, byte for byte:`,
    `  ${info.path} (${info.bytes} bytes, sha256 ${info.sha256})`,
    'Marked damaged and unverified: it is listed as a damaged copy and never restored from.',
    `Next: see where the damage is (${words({ action: 'verify', full: true })}), then salvage what can be read (${words({ action: 'salvage' })}).`,
  ].join('\n');
}

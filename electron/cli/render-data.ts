import type { QueryResult, RowFilter, RowsPage, TablesReport } from '../../shared/types/data';
import type { SalvageReport } from '../../shared/types/repair';
import { formatBytes, formatElapsed, problemTable, table } from './output';

// Output of the data commands (tables, rows, query, salvage).

/** "3 (12.0 KB)": the names are in --json; a table of five long names would not fit a terminal. */
function indexesCell(indexes: TablesReport['tables'][number]['indexes'], measured: boolean): string {
  if (!indexes.length) return '-';
  const total = indexes.reduce((sum, i) => sum + (i.bytes ?? 0), 0);
  return measured ? `${indexes.length} (${formatBytes(total)})` : String(indexes.length);
}

export function renderTables(report: TablesReport): string {
  const size = (bytes: number | null) => (bytes === null ? '-' : formatBytes(bytes));
  const rows = report.tables.map((t) => [
    t.name,
    t.kind,
    t.unreadable
      ? t.unreadable.reason === 'missing'
        ? t.kind === 'view'
          ? 'broken'
          : 'missing'
        : `damaged${t.unreadable.page !== null ? `: page ${t.unreadable.page} unreadable` : ''}`
      : t.rows === null
        ? '-'
        : String(t.rows),
    size(t.bytes),
    indexesCell(t.indexes, report.measured),
  ]);
  const sizes = report.measured
    ? ''
    : '\nSizes are not shown: this SQLite build has no dbstat virtual table (SQLITE_ENABLE_DBSTAT_VTAB), or a damaged page stopped it.';
  const unreadable = report.tables.filter((t) => t.unreadable).map((t) => `  ${t.name}: ${t.unreadable!.message}`);
  const why = unreadable.length ? `\n\nNot readable (every other table is):\n${unreadable.join('\n')}` : '';
  return `Tables of ${report.path} (${formatBytes(report.bytes)})\n\n${table(['NAME', 'KIND', 'ROWS', 'SIZE', 'INDEXES'], rows)}${why}${sizes}`;
}

/** "12, 40 (idx_files_at)": a table's unreadable pages, each index's named. */
function pagesCell(pages: SalvageReport['unreadablePages'], table: string): string {
  if (!pages.length) return '-';
  return pages.map((p) => (p.owner === table ? String(p.page) : `${p.page} (${p.owner})`)).join(', ');
}

/** What the "both" way out added: per table, the backup's rows the salvaged file lacked and how many were copied. */
function fromBackupLines(report: SalvageReport): string[] {
  const added = report.fromBackup;
  if (!added) return [];
  const copied = added.tables.reduce((n, t) => n + t.copied, 0);
  return [
    '',
    `Then copied back ${copied} row(s) from the backup ${added.backup}, by primary key, into the tables that lost rows (a row deleted after that backup was taken comes back too):`,
    '',
    table(
      ['TABLE', 'IN BACKUP', 'MISSING', 'WITHOUT PARENT', 'COPIED'],
      added.tables.map((t) => [t.table, String(t.inBackup), String(t.missing), String(t.withoutParent), String(t.copied)]),
    ),
    ...added.notMatched.map((n) => `${n.table}: not copied back. ${n.reason}`),
  ];
}

export function renderSalvage(report: SalvageReport): string {
  const count = (n: number | null) => (n === null ? '-' : String(n));
  const header = report.comparedWith ? `IN BACKUP ${report.comparedWith}` : 'IN BACKUP (none verified)';
  const rows = table(
    ['TABLE', 'SALVAGED', header, 'UNREADABLE PAGES'],
    report.tables.map((t) => [
      t.name,
      `${count(t.salvaged)}${t.rowsLost ? ` (${t.rowsLost} lost to overflow pages)` : ''}`,
      count(t.inBackup),
      pagesCell(t.unreadablePages, t.name),
    ]),
  );
  const integrity = report.integrity.ok ? 'integrity_check ok' : `integrity_check FAILED: ${report.integrity.messages.slice(0, 3).join('; ')}`;
  const foreignKeys = report.foreignKeyViolations
    ? `, ${report.foreignKeyViolations} row(s) pointing at a missing parent (foreign_key_check)`
    : ', foreign_key_check ok';
  const unowned = report.unreadablePages.filter((p) => p.table === null);
  const lines = [
    `Salvaged every readable row of ${report.path} into ${report.out} (${formatElapsed(report.durationMs)}); the damaged file was only read.`,
    `Read ${report.pagesRead} of ${report.pageCount} pages${report.walFrames ? ` (with ${report.walFrames} committed WAL frames)` : ''}; ${report.unreadablePages.length} page(s) could not be read${report.orphanedLeaves ? `; ${report.orphanedLeaves} table leaf page(s) no b-tree reached were found by scanning` : ''}.`,
    `New file: version ${report.version ?? 'unknown'}, ${integrity}${foreignKeys}.`,
    report.lostAndFound ? `${report.lostAndFound} row(s) could not be placed in their table: they are in lost_and_found, with their page number.` : '',
    ...unowned.map((p) => `Page ${p.page} of ${p.owner} could not be read: ${p.reason}.`),
    ...report.notes,
    '',
    rows,
    report.drift.length ? `\nThe new file differs from the expected schema at ${report.version}:\n\n${problemTable(report.drift)}` : '',
    ...fromBackupLines(report),
    '',
    report.fromBackup
      ? `Check the new file, then put it in place of the damaged one while the service is stopped.`
      : `Choose: keep the salvaged file (move it into place while the service is stopped), restore the backup, or both (run salvage again with --recover-from BACKUP: the rows the damaged tables lack are copied back from that backup).`,
  ];
  return lines.filter((line, k) => line !== '' || lines[k - 1] !== '').join('\n');
}

type Value = QueryResult['rows'][number][number];

/** NULL as NULL, a BLOB as its size and first bytes: what a person needs to tell values apart. */
function shown(value: Value): string {
  if (value === null) return 'NULL';
  if (typeof value === 'object') return `BLOB ${value.blob} bytes x'${value.hex}${value.blob > 16 ? '…' : ''}'`;
  return String(value);
}

export function renderQuery(result: QueryResult): string {
  const more = result.more
    ? `\nShowing the first ${result.limit} rows; there are more (raise --limit, up to 100,000).`
    : `\n${result.rows.length} row(s) in ${formatElapsed(result.durationMs)}.`;
  return `${table(
    result.columns,
    result.rows.map((row) => row.map(shown)),
  )}${more}`;
}

function filterText(filter: RowFilter): string {
  const value = JSON.stringify(filter.value);
  return {
    eq: `${filter.column} = ${value}`,
    ne: `${filter.column} IS NOT ${value}`,
    contains: `${filter.column} contains ${value}`,
    isNull: `${filter.column} IS NULL`,
    notNull: `${filter.column} IS NOT NULL`,
  }[filter.op];
}

/** A page with no rows: an empty table, or an --offset at or past its last row (never "Rows 0–5 of 0"). */
function emptyPage(page: RowsPage, total: number, where: string): string {
  if (total === 0 || page.offset === 0) return `No rows in ${page.table}${where}.`;
  return `No rows at offset ${page.offset}: ${page.table}${where} has ${total.toLocaleString('en-US')} row(s). The first: --offset 0; the last: --offset ${total - 1}.`;
}

export function renderRows(page: RowsPage): string {
  const total = page.total ?? 0;
  const first = page.rows.length ? page.offset + 1 : 0;
  const where = page.filters.length ? ` where ${page.filters.map(filterText).join(' and ')}` : '';
  const sorted = page.sort ? `, sorted by ${page.sort.column} ${page.sort.direction}` : '';
  const summary = page.rows.length
    ? `Rows ${first}–${page.offset + page.rows.length} of ${total} in ${page.table}${where}${sorted}.`
    : emptyPage(page, total, where);
  const next = page.offset + page.rows.length < total ? ` Next: --offset ${page.offset + page.rows.length}.` : '';
  return `${
    page.rows.length
      ? `${table(
          page.columns.map((c) => c.name),
          page.rows.map((row) => row.map(shown)),
        )}\n`
      : ''
  }${summary}${next}`;
}

import { abbreviatedDescription, abbreviatedScript, flywayChecksum } from './flyway-row';
import type { RepeatableFile, ToolRepeatables } from './tool-format';

// Flyway's repeatable migrations (documentation.red-gate.com, "Repeatable migrations"): R__<description>.sql,
// no version, applied after every pending versioned migration, in the order of their descriptions,
// and applied again whenever their checksum changes. The description is a repeatable's identity: its
// newest successful row (by installed_rank) in the history table holds the checksum it was last applied
// with. Each run is one more row: version NULL, type SQL, the script, its checksum.

/** Flyway orders repeatables by description (Java's String.compareTo: UTF-16 code units, as JavaScript compares strings). */
export function byDescription(a: RepeatableFile, b: RepeatableFile): number {
  return a.description < b.description ? -1 : a.description > b.description ? 1 : 0;
}

export const FLYWAY_REPEATABLES: ToolRepeatables = {
  lastApplied(db, table) {
    const rows = db
      .prepare(`SELECT description, checksum FROM "${table}" WHERE version IS NULL AND type = 'SQL' AND success = 1 ORDER BY installed_rank`)
      .all() as { description: string; checksum: unknown }[];
    return new Map(rows.map((row) => [row.description, row.checksum])); // the newest row of each description last
  },
  matches: (recorded, file) => recorded !== null && Number(recorded) === flywayChecksum(file.raw),
  record(db, table, { file, executionMs }) {
    const { rank } = db.prepare(`SELECT COALESCE(MAX("installed_rank"), 0) + 1 AS rank FROM "${table}"`).get() as { rank: number };
    db.prepare(
      `INSERT INTO "${table}" ("installed_rank", "version", "description", "type", "script", "checksum", "installed_by", "execution_time", "success") VALUES (?, NULL, ?, 'SQL', ?, ?, '', ?, 1)`,
    ).run(rank, abbreviatedDescription(file.description), abbreviatedScript(file.file), flywayChecksum(file.raw), executionMs ?? 0);
  },
};

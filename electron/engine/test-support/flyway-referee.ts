import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './fixtures';

// Flyway played from its documented behaviour on SQLite, for tests (Flyway itself runs on the JVM
// from Maven Central, not reachable here): its checksum computed by the JDK with Flyway's
// algorithm (FlywayChecksum.java), its create script and its history rows as it writes them.

/** Flyway's checksums of files, as the JDK computes them with Flyway's algorithm. */
export function javaChecksums(paths: string[]): number[] {
  const out = execFileSync('java', [join(REPO_ROOT, 'electron/engine/test-support/FlywayChecksum.java'), ...paths], { encoding: 'utf8' });
  return out.trim().split('\n').map(Number);
}

/** SQLiteDatabase.getRawCreateScript for a history table named `table` (flyway.table). */
export function flywayCreateScript(table = 'flyway_schema_history'): string {
  return `CREATE TABLE "main"."${table}" (
    "installed_rank" INT NOT NULL PRIMARY KEY,
    "version" VARCHAR(50),
    "description" VARCHAR(200) NOT NULL,
    "type" VARCHAR(20) NOT NULL,
    "script" VARCHAR(1000) NOT NULL,
    "checksum" INT,
    "installed_by" VARCHAR(100) NOT NULL,
    "installed_on" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')),
    "execution_time" INT NOT NULL,
    "success" BOOLEAN NOT NULL
);
CREATE INDEX "main"."${table}_s_idx" ON "${table}" ("success");`;
}

const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;

export interface FlywayRow {
  rank: number;
  /** null: a repeatable migration. */
  version: string | null;
  description: string;
  script: string;
  checksum: number;
  success?: boolean;
}

/** Flyway's insert of a history row (installed_on left to its default). */
export function flywayInsert(row: FlywayRow, table = 'flyway_schema_history'): string {
  const version = row.version === null ? 'NULL' : quote(row.version);
  return `INSERT INTO "${table}" ("installed_rank", "version", "description", "type", "script", "checksum", "installed_by", "execution_time", "success") VALUES (${row.rank}, ${version}, ${quote(row.description)}, 'SQL', ${quote(row.script)}, ${row.checksum}, '', 3, ${row.success === false ? 0 : 1});`;
}

import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { invalidMigrationsFolder, type MigrationFile } from '../migration-file';
import { readMigrationText, withoutBom, wordsOf } from './folder-files';
import type { ToolFormat } from './tool-format';

// Prisma Migrate (prisma.io/docs, "Migration histories"): prisma/migrations/ holds
// migration_lock.toml (provider = "sqlite") and one folder per migration, <timestamp>_<name>/
// migration.sql, applied in folder-name order. Its history in SQLite is _prisma_migrations, one
// row per migration: id (a UUID), checksum (SHA-256 hex of migration.sql), started_at and
// finished_at (milliseconds since 1970, as its SQLite connector binds times), migration_name (the
// folder's name), logs and rolled_back_at (NULL), applied_steps_count (1: the script is one step).
// A row started but never finished nor rolled back is a failed migration: Prisma refuses to go on.

const FOLDER = /^(\d+)_(.+)$/;
const LOCK = 'migration_lock.toml';

function migrationFolders(dir: string): string[] {
  return readdirSync(dir)
    .filter((entry) => statSync(join(dir, entry)).isDirectory())
    .sort();
}

/** A lock file written for another database is another app's folder: its SQL is not SQLite's. */
function assertSqliteProvider(dir: string): void {
  if (!existsSync(join(dir, LOCK))) return;
  const provider = /^\s*provider\s*=\s*"([^"]*)"/m.exec(readFileSync(join(dir, LOCK), 'utf8'))?.[1];
  if (provider !== undefined && provider !== 'sqlite') {
    throw invalidMigrationsFolder(
      dir,
      `${LOCK} says provider = "${provider}"`,
      'Point Schema Warden at the migrations of a SQLite app: its migration_lock.toml says provider = "sqlite".',
    );
  }
}

function readFolder(dir: string): { migrations: MigrationFile[]; names: Record<string, string> } {
  assertSqliteProvider(dir);
  const migrations: MigrationFile[] = [];
  const names: Record<string, string> = {};
  for (const folder of migrationFolders(dir)) {
    const match = FOLDER.exec(folder);
    if (!match)
      throw invalidMigrationsFolder(
        dir,
        `the Prisma migration folder "${folder}" is not <timestamp>_<name>`,
        'Name it as prisma migrate dev does: 20240101120000_create_notes.',
      );
    const file = `${folder}/migration.sql`;
    if (!existsSync(join(dir, file)))
      throw invalidMigrationsFolder(
        dir,
        `the Prisma migration folder "${folder}" has no migration.sql`,
        "Put the migration's SQL in migration.sql inside it, as prisma migrate dev does, or remove the folder.",
      );
    const raw = readMigrationText(dir, file);
    migrations.push({ version: match[1], description: wordsOf(match[2]), file, sql: withoutBom(raw), raw });
    names[folder] = match[1];
  }
  return { migrations, names };
}

/** Prisma's checksum: SHA-256 of migration.sql as read, zero-padded lower-case hex. */
export function prismaChecksum(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Prisma's script_matches_checksum: the file as it is, with CRLF made LF, or LF made CRLF (a checkout
 * on another system); a recorded checksum that is not 64 characters long was written by an old
 * engine that dropped each byte's leading zero.
 */
function prismaChecksumMatches(recorded: unknown, text: string): boolean {
  if (typeof recorded !== 'string') return false;
  return [text, text.replace(/\r\n/g, '\n'), text.replace(/\n/g, '\r\n')].some((variant) => {
    const digest = createHash('sha256').update(variant, 'utf8').digest();
    const shown = recorded.length === 64 ? digest.toString('hex') : [...digest].map((byte) => byte.toString(16)).join('');
    return shown === recorded;
  });
}

export const PRISMA: ToolFormat = {
  tool: 'prisma',
  versionNames: 'ordered',
  recognises: (dir, entries) =>
    entries.includes(LOCK) || migrationFolders(dir).some((folder) => FOLDER.test(folder) && existsSync(join(dir, folder, 'migration.sql'))),
  readFolder,
  history: {
    table: '_prisma_migrations',
    // Hard-coded in Prisma Migrate (prisma/orm#14806: "that name is currently hardcoded").
    namedBy: null,
    versionColumn: 'migration_name',
    // As Prisma's SQLite connector creates it (create_migrations_table).
    definition: () =>
      [
        'CREATE TABLE "_prisma_migrations" (',
        '    "id"                    TEXT PRIMARY KEY NOT NULL,',
        '    "checksum"              TEXT NOT NULL,',
        '    "finished_at"           DATETIME,',
        '    "migration_name"        TEXT NOT NULL,',
        '    "logs"                  TEXT,',
        '    "rolled_back_at"        DATETIME,',
        '    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,',
        '    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0',
        ');',
        '',
      ].join('\n'),
    columns: ['id', 'checksum', 'finished_at', 'migration_name', 'logs', 'rolled_back_at', 'started_at', 'applied_steps_count'],
    indexes: () => [],
    appliedRows: 'finished_at IS NOT NULL AND rolled_back_at IS NULL',
  },
  checksum: {
    column: 'checksum',
    matches: (recorded, file) => prismaChecksumMatches(recorded, file.raw),
    complaint: 'prisma migrate dev and prisma migrate status report it as modified after it was applied',
    hint: 'Restore migration.sql as it was when Prisma applied it (git can show it); Prisma never applies a migration twice, so an edit reaches no database that already has it.',
  },
  unfinished(db, table) {
    const row = db
      .prepare(`SELECT migration_name AS name FROM "${table}" WHERE finished_at IS NULL AND rolled_back_at IS NULL ORDER BY started_at DESC LIMIT 1`)
      .get() as { name: string } | undefined;
    if (!row) return null;
    return {
      name: row.name,
      message: `Prisma Migrate recorded the migration ${row.name} as failed in ${table} (started, never finished nor rolled back): the schema may hold only some of its changes`,
      hint: `Finish or undo what ${row.name}/migration.sql changed by hand, then tell Prisma which, as its documentation says for a failed migration: prisma migrate resolve --applied "${row.name}" (finished) or prisma migrate resolve --rolled-back "${row.name}" (undone). Schema Warden writes nothing until then.`,
    };
  },
  record(db, table, migration) {
    // record_migration_started, one successful step, record_migration_finished: the row they leave.
    const finishedAt = Date.now();
    db.prepare(`INSERT INTO "${table}" (id, checksum, started_at, migration_name, applied_steps_count, finished_at) VALUES (?, ?, ?, ?, 1, ?)`).run(
      randomUUID(),
      prismaChecksum(migration.file.raw),
      finishedAt - (migration.executionMs ?? 0),
      migration.name,
      finishedAt,
    );
  },
};

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { invalidMigrationsFolder, type MigrationFile } from '../migration-file';
import { readMigrationText, sqlFilesOf, withoutBom, wordsOf } from './folder-files';
import { drizzleConfiguredTable } from './drizzle-config';
import type { ToolFormat } from './tool-format';

// Drizzle Kit (orm.drizzle.team, "drizzle-kit generate" / "migrate"): the out folder holds
// NNNN_name.sql files listed by meta/_journal.json (entries: idx, version, when, tag, breakpoints),
// statements separated by `--> statement-breakpoint` lines. Its history in SQLite is
// __drizzle_migrations(id SERIAL PRIMARY KEY, hash, created_at): per applied file, hash = SHA-256 hex
// of the file as read, created_at = the journal entry's `when` (id stays NULL: SERIAL is no rowid
// alias in SQLite). drizzle-orm applies every entry whose `when` is above the newest created_at.

const JOURNAL = 'meta/_journal.json';
const BREAKPOINT = '--> statement-breakpoint';
const TAG = /^(\d+)_(.*)$/;

interface JournalEntry {
  idx: number;
  when: number;
  tag: string;
}

function readJournal(dir: string): JournalEntry[] {
  let journal: { dialect?: unknown; entries?: unknown };
  try {
    journal = JSON.parse(readFileSync(join(dir, JOURNAL), 'utf8'));
  } catch (err) {
    throw invalidMigrationsFolder(
      dir,
      `${JOURNAL} cannot be read as JSON (${(err as Error).message})`,
      'Restore meta/_journal.json as drizzle-kit generate wrote it.',
    );
  }
  if (journal.dialect !== undefined && journal.dialect !== 'sqlite' && journal.dialect !== 'turso') {
    throw invalidMigrationsFolder(
      dir,
      `${JOURNAL} says dialect "${String(journal.dialect)}"`,
      'Point Schema Warden at the migrations of a SQLite app: its journal says dialect "sqlite".',
    );
  }
  const entries = Array.isArray(journal.entries) ? journal.entries : [];
  for (const entry of entries as JournalEntry[]) {
    if (typeof entry?.tag !== 'string' || !Number.isSafeInteger(entry.when) || !Number.isInteger(entry.idx)) {
      throw invalidMigrationsFolder(
        dir,
        `an entry of ${JOURNAL} lacks its idx, when or tag (${JSON.stringify(entry)})`,
        'Restore meta/_journal.json as drizzle-kit generate wrote it.',
      );
    }
  }
  return entries as JournalEntry[];
}

/** The statements of a Drizzle file as one script: a statement before a breakpoint that lacks its ';' gets one, so the lines stay the file's. */
function stepOf(text: string): string {
  return text
    .split(BREAKPOINT)
    .map((chunk) => (chunk.trim() === '' || chunk.trimEnd().endsWith(';') ? chunk : chunk.replace(/\s*$/, (space) => `;${space}`)))
    .join(BREAKPOINT);
}

function readFolder(dir: string): { migrations: MigrationFile[]; names: Record<string, string> } {
  const entries = readJournal(dir);
  const listed = new Set(entries.map((entry) => `${entry.tag}.sql`));
  const stray = sqlFilesOf(dir).find((file) => !listed.has(file));
  if (stray)
    throw invalidMigrationsFolder(
      dir,
      `${stray} is not listed in ${JOURNAL}, so drizzle-kit would never apply it`,
      'Remove it, or let drizzle-kit generate list it.',
    );
  const names: Record<string, string> = {};
  let previous: JournalEntry | null = null;
  const migrations = entries.map((entry) => {
    if (previous && entry.when <= previous.when) {
      throw invalidMigrationsFolder(
        dir,
        `${JOURNAL} lists ${entry.tag} after ${previous.tag} with an earlier or equal "when"`,
        'drizzle-orm applies entries by their "when"; restore the journal drizzle-kit generate wrote.',
      );
    }
    previous = entry;
    const file = `${entry.tag}.sql`;
    if (!existsSync(join(dir, file)))
      throw invalidMigrationsFolder(dir, `${JOURNAL} lists ${entry.tag} but ${file} is missing`, 'Restore the file, as drizzle-kit generate wrote it.');
    const raw = readMigrationText(dir, file);
    const tag = TAG.exec(entry.tag);
    // drizzle-kit prefixes its tags with the index (0000_) or a timestamp; without one, the journal's idx orders them.
    const version = tag ? tag[1] : String(entry.idx);
    names[String(entry.when)] = version;
    return { version, description: wordsOf(tag ? tag[2] : entry.tag), file, sql: stepOf(withoutBom(raw)), raw };
  });
  return { migrations, names };
}

export const DRIZZLE: ToolFormat = {
  tool: 'drizzle',
  versionNames: 'ordered',
  recognises: (dir) => existsSync(join(dir, JOURNAL)),
  readFolder,
  history: {
    table: '__drizzle_migrations',
    namedBy: "migrations.table in drizzle.config (drizzle-orm's migrationsTable)",
    versionColumn: 'created_at',
    // As drizzle-orm's SQLite dialect runs it (migrate), its whitespace included, the name quoted as an identifier.
    definition: (table) =>
      `\n\t\t\tCREATE TABLE IF NOT EXISTS "${table}" (\n\t\t\t\tid SERIAL PRIMARY KEY,\n\t\t\t\thash text NOT NULL,\n\t\t\t\tcreated_at numeric\n\t\t\t)\n\t\t`,
    columns: ['id', 'hash', 'created_at'],
    indexes: () => [],
    appliedRows: null,
  },
  configuredTable: drizzleConfiguredTable,
  unfinished: () => null, // drizzle-orm applies its pending files in one transaction: nothing is left half done
  record(db, table, migration) {
    const hash = createHash('sha256').update(migration.file.raw).digest('hex');
    db.prepare(`INSERT INTO "${table}" ("hash", "created_at") VALUES(?, ?)`).run(hash, Number(migration.name));
  },
};

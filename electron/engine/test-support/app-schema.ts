import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSchema, type SchemaDefinition } from '../core/schema/schema-folder';
import { sqlite3, tempDir } from './fixtures';

// A small app that is not the chat service: its notes table, its own marks in the header, and a
// schema folder for it that says only what schema.json must (plus what a test adds).

export const NOTES_MIGRATIONS: Record<string, string> = {
  '1.0.0__notes.sql': 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);\nCREATE INDEX notes_body ON notes (body);\n',
  '1.1.0__note_tags.sql': 'ALTER TABLE notes ADD COLUMN tags TEXT;\n',
};

export const NOTES_APPLICATION_ID = 0x4e4f5445;

/** The notes schema folder in a temp dir, with `extra` merged into its schema.json. */
export function notesSchema(extra: Record<string, unknown> = {}, migrations: Record<string, string> = NOTES_MIGRATIONS): SchemaDefinition {
  const dir = join(tempDir(), 'notes');
  mkdirSync(join(dir, 'migrations'), { recursive: true });
  writeFileSync(join(dir, 'schema.json'), JSON.stringify({ name: 'notes', title: 'Notes', applicationId: NOTES_APPLICATION_ID, ...extra }));
  for (const [file, sql] of Object.entries(migrations)) writeFileSync(join(dir, 'migrations', file), sql);
  return loadSchema(dir);
}

/** The notes app's own database as the app made it (its 1.0.0 tables, two notes), by the sqlite3 shell, after `before` (its own marks). */
export function notesAppDatabase(before: string): string {
  const path = join(tempDir(), 'notes.db');
  sqlite3(path, `${before}\n${NOTES_MIGRATIONS['1.0.0__notes.sql']}INSERT INTO notes (body) VALUES ('first'), ('second');`);
  return path;
}

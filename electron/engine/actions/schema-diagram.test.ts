import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initialize } from './initialize';
import { schemaDiagram } from './schema-diagram';
import { contextFor, sha256File, sqlite3, tempDir } from '../test-support/fixtures';
import { historyTablesOf } from '../core/schema/unaccounted-objects';

// The referee for what is in the file is the sqlite3 shell: it drops, adds and alters tables
// behind the engine's back, and its own pragmas say what the expected tables' columns and keys are.

const names = (rows: string) => rows.split('\n').filter(Boolean);

describe('schemaDiagram', () => {
  it('draws every expected table with its columns, primary key and foreign keys as SQLite reports them, and writes nothing', async () => {
    const dbPath = join(tempDir(), 'db.sqlite');
    const ctx = contextFor(dbPath);
    await initialize(ctx);
    const before = sha256File(dbPath);
    const diagram = schemaDiagram(ctx);
    expect(sha256File(dbPath)).toBe(before);

    expect(diagram.comparedAt).toBe(ctx.schema.latest);
    // The bookkeeping tables (the tool's history, the service's own versions table) are not the schema's to draw.
    const bookkeeping = historyTablesOf(ctx.schema);
    expect(bookkeeping.size).toBeGreaterThanOrEqual(2);
    const userTables = names(sqlite3(dbPath, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")).filter(
      (n) => !bookkeeping.has(n),
    );
    expect(diagram.tables.map((t) => t.name)).toEqual(userTables);
    for (const table of diagram.tables) {
      expect(table.state, table.name).toBe('as-expected');
      expect(table.findings, table.name).toEqual([]);
      expect(table.columns.map((c) => `${c.name}|${c.primaryKey ? 1 : 0}|${c.notNull ? 1 : 0}`).join('\n'), table.name).toBe(
        sqlite3(dbPath, `SELECT name || '|' || (pk > 0) || '|' || "notnull" FROM pragma_table_info('${table.name}')`),
      );
      const parents = table.foreignKeys.map((fk) => `${fk.table}|${fk.from.join(',')}|${fk.to.join(',')}`).sort();
      const referee = names(
        sqlite3(
          dbPath,
          `SELECT "table" || '|' || group_concat("from") || '|' || group_concat("to") FROM (SELECT * FROM pragma_foreign_key_list('${table.name}') ORDER BY id, seq) GROUP BY id`,
        ),
      ).sort();
      expect(parents, table.name).toEqual(referee);
    }
    expect(diagram.tables.some((t) => t.foreignKeys.length > 0)).toBe(true);
  });

  it('marks a table the sqlite3 shell dropped missing, one it added extra, and one it altered changed, down to the column', async () => {
    const dbPath = join(tempDir(), 'db.sqlite');
    const ctx = contextFor(dbPath);
    await initialize(ctx);
    sqlite3(
      dbPath,
      'DROP TABLE file_metadata; CREATE TABLE scratch (id INTEGER PRIMARY KEY, note TEXT NOT NULL); ALTER TABLE file_access_log ADD COLUMN remark TEXT;',
    );
    const diagram = schemaDiagram(ctx);
    const table = (name: string) => diagram.tables.find((t) => t.name === name)!;

    expect(table('file_metadata').state).toBe('missing');
    expect(table('file_metadata').columns.every((c) => c.state === 'missing')).toBe(true);
    expect(table('file_metadata').findings).toContain('Table file_metadata is missing.');
    expect(table('scratch')).toMatchObject({
      state: 'extra',
      columns: [
        { name: 'id', primaryKey: true, state: 'extra' },
        { name: 'note', notNull: true, state: 'extra' },
      ],
    });
    expect(table('file_access_log').state).toBe('changed');
    expect(table('file_access_log').columns.filter((c) => c.state !== 'as-expected')).toEqual([
      { name: 'remark', type: 'TEXT', primaryKey: false, notNull: false, state: 'extra' },
    ]);
    expect(table('conversation_files').state).toBe('as-expected');
    expect(
      diagram.tables
        .filter((t) => t.state !== 'as-expected')
        .map((t) => t.name)
        .sort(),
    ).toEqual(['file_access_log', 'file_metadata', 'scratch']);
  });

  it('has nothing to compare on a database without a version', () => {
    const dbPath = join(tempDir(), 'db.sqlite');
    sqlite3(dbPath, 'PRAGMA user_version = 0');
    expect(schemaDiagram(contextFor(dbPath))).toEqual({ path: dbPath, comparedAt: null, tables: [] });
  });
});

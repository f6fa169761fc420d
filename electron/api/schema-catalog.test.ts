import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initialize } from '../engine/actions/initialize';
import { loadSchema } from '../engine/core/schema/schema-folder';
import { SHIPPED_SCHEMA_DIR, tempDir } from '../engine/test-support/fixtures';
import { SchemaCatalog } from './schema-catalog';

function twoSchemas(): string {
  const root = join(tempDir(), 'schemas');
  cpSync(SHIPPED_SCHEMA_DIR, join(root, 'conversation_files'), { recursive: true });
  mkdirSync(join(root, 'inventory', 'migrations'), { recursive: true });
  writeFileSync(join(root, 'inventory', 'schema.json'), JSON.stringify({ name: 'inventory', title: 'Inventory', applicationId: 4242 }));
  writeFileSync(join(root, 'inventory', 'migrations', '1.0.0__items.sql'), 'CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL);');
  return root;
}

describe('SchemaCatalog', () => {
  it('knows the schema a database was stamped with, and falls back to the default for anything else', async () => {
    const root = twoSchemas();
    const catalog = new SchemaCatalog(root, 'conversation_files');
    const dir = tempDir();
    await initialize({ dbPath: join(dir, 'stock.db'), schema: loadSchema(join(root, 'inventory')) });
    await initialize({ dbPath: join(dir, 'files.db'), schema: loadSchema(join(root, 'conversation_files')) });
    writeFileSync(join(dir, 'notes.txt'), 'not a database');
    expect(catalog.schemaOfFile(join(dir, 'stock.db'))).toBe('inventory');
    expect(catalog.schemaOfFile(join(dir, 'files.db'))).toBe('conversation_files');
    expect(catalog.schemaOfFile(join(dir, 'notes.txt'))).toBe('conversation_files');
    expect(catalog.schemaOfFile(join(dir, 'missing.db'))).toBe('conversation_files');
  });

  it('lists summaries and names the known schemas when asked for another', () => {
    const catalog = new SchemaCatalog(twoSchemas(), 'conversation_files');
    expect(catalog.summaries().map((s) => [s.name, s.latest])).toEqual([
      ['conversation_files', '1.2.0'],
      ['inventory', '1.0.0'],
    ]);
    expect(() => catalog.get('payroll')).toThrow(
      expect.objectContaining({ code: 'SCHEMA_NOT_FOUND', message: expect.stringContaining('(known: conversation_files, inventory)') }),
    );
  });
});

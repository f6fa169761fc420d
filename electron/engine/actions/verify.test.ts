import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initialize } from './initialize';
import { verify } from './verify';
import { contextFor, seedFiles, sha256File, shippedSchema, sqlite3, tempDir } from '../test-support/fixtures';
import { schemaVariant } from '../test-support/schema-variants';

// verify --full never calls a database fine while foreign_key_check lists rows (issue 12).

async function withOrphans(): Promise<string> {
  const dbPath = join(tempDir(), 'db.sqlite');
  await initialize(contextFor(dbPath));
  seedFiles(dbPath, 5);
  sqlite3(dbPath, "PRAGMA foreign_keys = OFF; DELETE FROM conversation_files WHERE file_id = 'file-1'");
  return dbPath;
}

describe('verify --full and foreign-key violations', () => {
  it('is unhealthy and says why, and verify changes no byte of the file', async () => {
    const dbPath = await withOrphans();
    const sha = sha256File(dbPath);
    const report = await verify(contextFor(dbPath), 'full');
    expect(report.integrity.ok).toBe(true); // integrity_check itself passes: the pages are sound
    expect(report.foreignKeyViolations.length).toBeGreaterThan(0);
    expect(report.status).toBe('unhealthy');
    expect(report.reason).toMatch(/point at missing rows of conversation_files/);
    expect(sha256File(dbPath)).toBe(sha);
  });

  it('stays unhealthy, naming the violations, when a migration was also edited', async () => {
    const dbPath = await withOrphans();
    const first = shippedSchema().migrations[0];
    const edited = schemaVariant({ [first.file]: `${first.sql}\n-- edited after it was applied\n` });
    const report = await verify(contextFor(dbPath, edited), 'full');
    expect(report.problems.some((p) => p.kind === 'checksum')).toBe(true);
    expect(report.status).toBe('unhealthy');
    expect(report.reason).toMatch(/point at missing rows of conversation_files/);
  });
});

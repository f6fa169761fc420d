import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acceptChecksum } from './accept-checksum';
import { history } from './history';
import { initialize } from './initialize';
import { migrate } from './migrate';
import { status } from './status';
import { contextFor, sha256File, shippedSchema, tempDir } from '../test-support/fixtures';
import { schemaVariant } from '../test-support/schema-variants';

const FILE = '1.1.0__access_log_reference_type.sql';

function editedSchema() {
  const original = shippedSchema().migrations.find((m) => m.file === FILE)!.sql;
  return schemaVariant({ [FILE]: `${original}\n-- Reviewed again in March: comment only.\n` });
}

describe('accept-checksum', () => {
  it('records who accepted which edit and why; status and migrate stop blocking on it', async () => {
    const dbPath = join(tempDir(), 'db.sqlite');
    await initialize(contextFor(dbPath), { to: '1.1.0' });
    const schema = editedSchema();
    const ctx = contextFor(dbPath, schema);
    const mismatch = status(ctx).checksumMismatches[0];
    expect(mismatch).toMatchObject({ version: '1.1.0', file: FILE });
    await expect(migrate(ctx)).rejects.toThrow(expect.objectContaining({ code: 'CHECKSUM_MISMATCH' }));

    const result = acceptChecksum(ctx, { version: '1.1.0', reason: '  Comment-only edit, reviewed by Dana.  ' });
    expect(result).toEqual({
      path: dbPath,
      version: '1.1.0',
      file: FILE,
      previous: mismatch.recorded,
      accepted: mismatch.current,
      reason: 'Comment-only edit, reviewed by Dana.',
    });
    const event = history(ctx).events[0];
    expect(event).toMatchObject({ action: 'accept-checksum', version: '1.1.0', outcome: 'ok', actor: expect.stringMatching(/@.+\(pid \d+\)$/) });
    expect(event.detail).toEqual({ checksum: mismatch.current, previous: mismatch.recorded, file: FILE, reason: 'Comment-only edit, reviewed by Dana.' });

    expect(status(ctx).checksumMismatches).toEqual([]);
    expect((await migrate(ctx)).applied.map((s) => s.version)).toEqual(['1.2.0']);
    expect(status(ctx).status).toBe('healthy');
  });

  it('a later edit of the same file blocks again until it too is accepted', async () => {
    const dbPath = join(tempDir(), 'db.sqlite');
    await initialize(contextFor(dbPath), { to: '1.1.0' });
    acceptChecksum(contextFor(dbPath, editedSchema()), { version: '1.1.0', reason: 'first edit' });
    expect(status(contextFor(dbPath)).checksumMismatches).toHaveLength(1);
  });

  it('refuses what there is nothing to accept, and a missing reason, changing nothing', async () => {
    const dbPath = join(tempDir(), 'db.sqlite');
    await initialize(contextFor(dbPath), { to: '1.0.0' });
    const before = sha256File(dbPath);
    const ctx = contextFor(dbPath, editedSchema());
    expect(() => acceptChecksum(ctx, { version: '1.1.0', reason: 'not applied' })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('has not been applied') }),
    );
    expect(() => acceptChecksum(ctx, { version: '1.0.0', reason: 'unchanged' })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('there is no edit to accept') }),
    );
    expect(() => acceptChecksum(ctx, { version: '1.0.0', reason: '  ' })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => acceptChecksum(ctx, { version: '3.0.0', reason: 'unknown' })).toThrow(expect.objectContaining({ code: 'UNKNOWN_VERSION' }));
    expect(sha256File(dbPath)).toBe(before);
  });
});

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckedIntegrity } from '../../../shared/types/integrity';
import { backup } from './backup';
import { initialize } from './initialize';
import { INTEGRITY_REUSE_MS, status } from './status';
import { contextFor, seedFiles, tempDir } from '../test-support/fixtures';
import { damageMiddlePages } from '../test-support/damage';

// A host keeps the latest quick_check and hands it back to the next status read (issue 14): it
// stands for a new check only while the file is unchanged and the check is recent. A planted
// result tells whether it was reused; the damaged file is the case that must never slip through.

async function seeded(): Promise<string> {
  const dbPath = join(tempDir(), 'db.sqlite');
  await initialize(contextFor(dbPath));
  seedFiles(dbPath, 1500);
  await backup(contextFor(dbPath)); // backed up: healthy, not 'not backed up'
  return dbPath;
}

/** A failing check with the stamp a real one of this file got: unmistakable when it is reused. */
function planted(real: CheckedIntegrity, checkedAt = new Date().toISOString()): CheckedIntegrity {
  return { ...real, ok: false, messages: ['planted: reused, not run'], checkedAt };
}

describe('status with a kept quick_check', () => {
  it('reuses a recent one of the unchanged file, with its own time, and says when the status was read', async () => {
    const dbPath = await seeded();
    const first = status(contextFor(dbPath));
    expect(first.integrity).toMatchObject({ ok: true, databaseStamp: expect.stringMatching(/^[0-9a-f]{32}$/) });
    const reused = status(contextFor(dbPath, undefined, { knownIntegrity: first.integrity! }));
    expect(reused.integrity).toEqual(first.integrity);
    expect(Date.parse(reused.checkedAt)).toBeGreaterThanOrEqual(Date.parse(first.integrity!.checkedAt));

    const plantedOne = planted(first.integrity!);
    expect(status(contextFor(dbPath, undefined, { knownIntegrity: plantedOne }))).toMatchObject({
      status: 'unhealthy',
      integrity: { messages: ['planted: reused, not run'] },
    });
  });

  it('runs the check again once the kept one is older than the reuse limit', async () => {
    const dbPath = await seeded();
    const real = status(contextFor(dbPath)).integrity!;
    const old = planted(real, new Date(Date.now() - INTEGRITY_REUSE_MS - 1000).toISOString());
    expect(status(contextFor(dbPath, undefined, { knownIntegrity: old }))).toMatchObject({ status: 'healthy', integrity: { ok: true, messages: [] } });
  });

  it('runs the check again after any write: 20 pages overwritten behind its back are found, whatever was kept', async () => {
    const dbPath = await seeded();
    const kept = status(contextFor(dbPath)).integrity!;
    expect(kept.ok).toBe(true);
    damageMiddlePages(dbPath);
    const after = status(contextFor(dbPath, undefined, { knownIntegrity: kept }));
    expect(after.status).toBe('unhealthy');
    expect(after.integrity).toMatchObject({ ok: false });
    expect(after.integrity!.databaseStamp).not.toBe(kept.databaseStamp);
  });
});

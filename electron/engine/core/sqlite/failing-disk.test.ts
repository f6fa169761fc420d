import { appendFileSync, copyFileSync } from 'node:fs';
import * as childProcess from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { diskFailureBehind, findingsNameFailedRead } from './failing-disk';
import { initialize } from '../../actions/initialize';
import { contextFor, tempDir } from '../../test-support/fixtures';

// Telling a failing disk from damage (the reads that fail are in reliability/failing-disk-verdicts,
// with a preloaded library). Here: SQLite's error codes in a check's findings, and that a damaged
// file asked about again and again (a host's health check) is not read whole each time.

vi.mock('node:child_process', async (original) => {
  const real = await original<typeof import('node:child_process')>();
  return { ...real, spawnSync: vi.fn(real.spawnSync) };
});

const reads = () => vi.mocked(childProcess.spawnSync).mock.calls.filter((call) => (call[1] as string[] | undefined)?.[0] === '-e').length;

describe('a failing disk told from damage', () => {
  it("reads SQLite's findings: an I/O error code (SQLITE_IOERR_CORRUPTFS 8458, SQLITE_IOERR_READ 266) is the disk; CORRUPT (11) and findings without a code are not", () => {
    expect(findingsNameFailedRead(['Tree 25 page 1521: unable to get the page. error code=8458'])).toBe(true);
    expect(findingsNameFailedRead(['Tree 9 page 12: unable to get the page. error code=266'])).toBe(true);
    expect(findingsNameFailedRead(['Tree 25 page 38: btreeInitPage() returns error code 11', 'Page 40: unable to get the page. error code=11'])).toBe(false);
    expect(findingsNameFailedRead(['wrong # of entries in index idx_conversation_files_hash', 'database disk image is malformed'])).toBe(false);
  });

  it('a file that read whole is not read again while it is unchanged; a change (a write) reads it again', async () => {
    const ctx = contextFor(join(tempDir(), 'chat.db'));
    await initialize(ctx);
    const other = join(tempDir(), 'other.db');
    copyFileSync(ctx.dbPath, other);
    const before = reads();
    expect(diskFailureBehind(ctx.dbPath, 'running quick_check', ['database disk image is malformed'])).toBeNull();
    expect(reads()).toBe(before + 1);
    expect(diskFailureBehind(ctx.dbPath, 'running quick_check', ['database disk image is malformed'])).toBeNull();
    expect(reads()).toBe(before + 1);
    // Another file is its own question.
    expect(diskFailureBehind(other, 'running quick_check', ['database disk image is malformed'])).toBeNull();
    expect(reads()).toBe(before + 2);
    appendFileSync(ctx.dbPath, Buffer.alloc(4096));
    expect(diskFailureBehind(ctx.dbPath, 'running quick_check', ['database disk image is malformed'])).toBeNull();
    expect(reads()).toBe(before + 3);
    // SQLite's own words still decide a disk that failed for a moment, read whole a moment ago or not.
    expect(diskFailureBehind(ctx.dbPath, 'running quick_check', ['Tree 2 page 3: unable to get the page. error code=8458'])?.code).toBe('IO_ERROR');
  });
});

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { VerifyReport } from '../../shared/types/integrity';
import { initialize } from '../engine/actions/initialize';
import { contextFor, sqlite3, tempDir } from '../engine/test-support/fixtures';
import { verify } from '../engine/actions/verify';
import { renderVerify } from './render';
import { commandFor } from './suggested-commands';

const report = (over: Partial<VerifyReport>): VerifyReport => ({
  path: '/data/chat.sqlite',
  status: 'healthy',
  reason: 'At 1.2.0.',
  version: '1.2.0',
  problems: [],
  integrity: { level: 'full', ok: true, messages: [] },
  foreignKeyViolations: [],
  checkedAt: '2026-01-01T00:00:00.000Z',
  databaseStamp: 'stamp',
  durationMs: 3,
  ...over,
});

describe('renderVerify: the integrity line never says ok while a check failed', () => {
  it('a full check with foreign-key violations says foreign_key_check FAILED', () => {
    const text = renderVerify(
      report({ status: 'unhealthy', foreignKeyViolations: [{ table: 'file_metadata', rowid: 7, parent: 'conversation_files', constraintIndex: 0 }] }),
      commandFor,
    );
    expect(text).toContain('integrity_check: ok; foreign_key_check: FAILED (1 row(s) point at missing parents)');
    expect(text).not.toMatch(/foreign_key_check: ok/);
  });

  it('a clean full check, and a quick check that did not look at foreign keys', () => {
    expect(renderVerify(report({}), commandFor)).toContain('integrity_check: ok; foreign_key_check: ok');
    expect(renderVerify(report({ integrity: { level: 'quick', ok: true, messages: [] } }), commandFor)).toContain(
      'quick_check: ok (foreign keys not checked: use --full)',
    );
  });
});

describe('renderVerify shows each differing definition once, the changed part marked', () => {
  it('a changed index: expected and found on one line each, only the extra column marked', async () => {
    const dbPath = join(tempDir(), 'db.sqlite');
    await initialize(contextFor(dbPath));
    sqlite3(dbPath, 'DROP INDEX idx_session_associations_file; CREATE INDEX idx_session_associations_file ON session_file_associations (file_id, session_id);');
    const text = renderVerify(await verify(contextFor(dbPath)), commandFor);
    expect(text).toContain('  index idx_session_associations_file\n');
    expect(text).toMatch(/ {4}expected {2}… .*\(file_id \[--\] \)\n/);
    expect(text).toMatch(/ {4}found {5}… .*\(file_id \{\+, session_id\+\} \)/);
    // The found side is what sqlite3 itself stores.
    expect(sqlite3(dbPath, "SELECT sql FROM sqlite_master WHERE name = 'idx_session_associations_file'")).toContain('(file_id, session_id)');
  });
});

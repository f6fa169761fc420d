import { describe, expect, it } from 'vitest';
import { BROKEN_STATUS, CHANGED_COLUMN, DAMAGED_STATUS, FRESH_STATUS, MISSING_TABLE, backupInfo, statusReport, verifyReport } from '../../test/fixtures';
import { nextActionFor } from './next-action';

const NOT_BACKED_UP = {
  kind: 'backup' as const,
  name: 'backup',
  change: 'missing' as const,
  severity: 'warning' as const,
  message: 'Not backed up: there is no verified backup of this database.',
};
const ORPHANS = {
  kind: 'foreign_key_violation' as const,
  name: 'file_metadata',
  table: 'file_metadata',
  change: 'failed' as const,
  severity: 'warning' as const,
  message: '12 row(s) of file_metadata point at missing rows of conversation_files.',
  expected: 'conversation_files',
  actual: '12',
};

describe('nextActionFor: verdicts that do not flatter (issue 21)', () => {
  it('says Back up, never "nothing to do", for a database not backed up', () => {
    expect(nextActionFor(statusReport({ status: 'degraded', problems: [NOT_BACKED_UP] }))).toEqual({ kind: 'back-up', why: NOT_BACKED_UP.message });
  });

  it('says Recover rows while child rows point at missing parents, before migrating or backing up', () => {
    const status = statusReport({ status: 'degraded', version: '1.1.0', pending: ['1.2.0'], problems: [ORPHANS, NOT_BACKED_UP] });
    expect(nextActionFor(status)).toEqual({ kind: 'recover-rows', orphans: [ORPHANS] });
  });

  it('migrates first when migrations are pending and it is only not backed up (the migration takes a verified backup)', () => {
    expect(nextActionFor(statusReport({ status: 'degraded', version: '1.1.0', pending: ['1.2.0'], problems: [NOT_BACKED_UP] }))).toMatchObject({
      kind: 'migrate',
    });
  });
});

describe('nextActionFor', () => {
  it('initializes a fresh database at the latest version', () => {
    expect(nextActionFor(FRESH_STATUS)).toEqual({ kind: 'initialize', to: '1.2.0' });
  });

  it('migrates a database with pending versions to the last of them', () => {
    const status = statusReport({ status: 'degraded', version: '1.0.0', pending: ['1.1.0', '1.2.0'] });
    expect(nextActionFor(status)).toEqual({ kind: 'migrate', pending: ['1.1.0', '1.2.0'], to: '1.2.0' });
  });

  it('repairs missing objects before anything else about the schema', () => {
    const status = statusReport({ ...BROKEN_STATUS, pending: ['1.2.0'], version: '1.1.0' });
    expect(nextActionFor(status)).toMatchObject({ kind: 'repair', problems: [MISSING_TABLE, expect.anything()] });
  });

  it('restores when the only errors are ones repair cannot fix', () => {
    const action = nextActionFor(statusReport({ status: 'unhealthy', problems: [CHANGED_COLUMN] }));
    expect(action.kind).toBe('restore');
  });

  it('restores when the last verification found damage, even if the schema is fine', () => {
    const damaged = verifyReport({
      status: 'unhealthy',
      integrity: { level: 'quick', ok: false, messages: ['*** in database main *** Page 5 is never used'] },
    });
    expect(nextActionFor(statusReport(), damaged)).toMatchObject({ kind: 'restore', why: expect.stringContaining('Page 5 is never used') });
  });

  it('restores a file whose status found it damaged, never migrating it (issue 14)', () => {
    expect(nextActionFor(DAMAGED_STATUS)).toMatchObject({ kind: 'restore', why: expect.stringContaining('the file itself is damaged') });
  });

  it('adopts an unversioned database, with the legacy version when there is one', () => {
    const legacy = { table: 'schema_migrations', legacyVersion: '001', version: '1.0.0' };
    expect(nextActionFor(statusReport({ status: 'degraded', version: null, legacy }))).toEqual({ kind: 'adopt', legacy });
  });

  it('adopts and migrates a database the service made that is exactly the version its table records', () => {
    const legacy = { table: 'schema_migrations', legacyVersion: '001', version: '1.0.0' };
    const status = statusReport({ status: 'degraded', version: null, legacy, adoptable: true, pending: ['1.1.0', '1.2.0'] });
    expect(nextActionFor(status)).toEqual({ kind: 'adopt-and-migrate', legacy, pending: ['1.1.0', '1.2.0'], to: '1.2.0' });
  });

  it('asks for a decision about an edited migration before migrating', () => {
    const mismatch = { version: '1.1.0', file: '1.1.0__access_log_reference_type.sql', recorded: 'a', current: 'b' };
    const status = statusReport({ status: 'degraded', version: '1.1.0', pending: ['1.2.0'], checksumMismatches: [mismatch] });
    expect(nextActionFor(status)).toEqual({ kind: 'accept-checksum', mismatch });
  });

  it('says to use a newer tool for a database newer than the tool knows (1.10.0 > 1.9.0)', () => {
    const status = statusReport({ status: 'unhealthy', version: '1.10.0', latest: '1.9.0' });
    expect(nextActionFor(status)).toEqual({ kind: 'update-tool', version: '1.10.0', latest: '1.9.0' });
  });

  it('a damaged file with no verified backup: preserve a copy first; once preserved, salvage; with a verified backup, restore (issue 21)', () => {
    expect(nextActionFor(DAMAGED_STATUS, undefined, [])).toMatchObject({ kind: 'preserve', why: expect.stringContaining('damaged') });
    expect(nextActionFor(DAMAGED_STATUS, undefined, [backupInfo({ verified: { ok: false, level: 'quick', at: 'x', messages: ['bad'] } })])).toMatchObject({
      kind: 'preserve',
    });
    expect(
      nextActionFor(DAMAGED_STATUS, undefined, [backupInfo({ name: 'kept.sqlite', reason: 'preserved-damaged', damaged: true, verified: null })]),
    ).toMatchObject({ kind: 'salvage', preserved: 'kept.sqlite' });
    expect(nextActionFor(DAMAGED_STATUS, undefined, [backupInfo()])).toMatchObject({ kind: 'restore' });
    // Backups not known yet: the step stays as it was.
    expect(nextActionFor(DAMAGED_STATUS)).toMatchObject({ kind: 'restore' });
  });

  it('only indexes damaged: rebuild them, whatever the backups (issue 21)', () => {
    const damage = [
      {
        page: 80,
        object: 'idx_a',
        objectType: 'index' as const,
        table: 't',
        pageType: null,
        foundBy: 'message' as const,
        message: 'Tree 9 page 80: x',
        messages: 1,
        description: 'Page 80 of index idx_a (of table t) is damaged: Tree 9 page 80: x.',
      },
    ];
    const status = statusReport({ ...DAMAGED_STATUS, integrity: { level: 'quick', ok: false, messages: ['Tree 9 page 80: x'], damage, checkedAt: 'x' } });
    expect(nextActionFor(status, undefined, [])).toEqual({
      kind: 'rebuild-indexes',
      indexes: ['idx_a'],
      why: expect.stringContaining('Page 80 of index idx_a'),
    });
  });

  it('has nothing to do for a healthy database at the latest version', () => {
    expect(nextActionFor(statusReport(), verifyReport())).toEqual({ kind: 'none' });
  });
});

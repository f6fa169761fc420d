import { describe, expect, it } from 'vitest';
import { WardenError } from '../engine/errors';
import { errorFromInfo, errorInfoOf } from './error-info';

describe('errors crossing a host boundary', () => {
  it('keep a WardenError as it is, and come back as one', () => {
    const info = errorInfoOf(new WardenError('LOCKED', 'The database x.db is locked.', 'Wait.', { path: 'x.db' }));
    expect(info).toEqual({ code: 'LOCKED', message: 'The database x.db is locked.', hint: 'Wait.', details: { path: 'x.db' } });
    expect(errorFromInfo(info)).toMatchObject({ code: 'LOCKED', message: 'The database x.db is locked.', hint: 'Wait.' });
  });

  it('keep the next actions across the engine thread, so each app can still word them', () => {
    const next = [{ action: 'restore' as const, backup: '/b/app-pre-migrate.sqlite' }];
    const info = errorInfoOf(new WardenError('MIGRATION_FAILED', 'Migration 1.2.0 failed.', 'Fix it.', undefined, next));
    expect(info.next).toEqual(next);
    expect(errorFromInfo(info).toInfo().next).toEqual(next);
  });

  it('turn anything else into INTERNAL with its message and no stack', () => {
    const info = errorInfoOf(new TypeError("Cannot read properties of undefined (reading 'x')."));
    expect(info).toEqual({
      code: 'INTERNAL',
      message: "Unexpected failure: Cannot read properties of undefined (reading 'x').",
      hint: 'This is a bug in Schema Warden; please report it with what you did.',
    });
    expect(JSON.stringify(info)).not.toMatch(/\bat .+:\d+:\d+/);
    expect(errorInfoOf('a string')).toMatchObject({ code: 'INTERNAL', message: 'Unexpected failure: a string.' });
  });

  it('name a full disk, a read-only filesystem, a refused permission and a failing device, with the file: never "a bug"', () => {
    const failure = (code: string, path = '/srv/chat/backups/x.sqlite') =>
      Object.assign(new Error(`${code}: failed, open '${path}'`), { code, path, syscall: 'open', errno: -1 });
    expect(errorInfoOf(failure('ENOSPC'))).toMatchObject({
      code: 'NO_SPACE',
      message: expect.stringContaining('/srv/chat/backups/x.sqlite failed: the disk is full (ENOSPC)'),
    });
    expect(errorInfoOf(failure('EROFS'))).toMatchObject({ code: 'READ_ONLY', message: expect.stringContaining('read-only') });
    expect(errorInfoOf(failure('EIO'))).toMatchObject({ code: 'IO_ERROR', message: expect.stringContaining('I/O error') });
    expect(errorInfoOf(failure('EACCES'))).toMatchObject({ code: 'PERMISSION_DENIED', hint: expect.stringContaining('access') });
    const sqlite = Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_FSYNC' });
    expect(errorInfoOf(sqlite)).toMatchObject({ code: 'IO_ERROR', message: expect.stringContaining('SQLITE_IOERR_FSYNC') });
    expect(errorInfoOf(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }))).toMatchObject({ code: 'NO_SPACE' });
  });

  it('say how to fix a native module built for another runtime', () => {
    const dlopen = Object.assign(new Error('The module was compiled against a different Node.js version using NODE_MODULE_VERSION 115.'), {
      code: 'ERR_DLOPEN_FAILED',
    });
    expect(errorInfoOf(dlopen)).toMatchObject({
      code: 'INTERNAL',
      message: expect.stringMatching(/^SQLite's native module cannot be loaded in this runtime: The module was compiled/),
      hint: expect.stringContaining('"Electron and the native module"'),
    });
  });
});

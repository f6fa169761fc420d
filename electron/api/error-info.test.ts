import { describe, expect, it } from 'vitest';
import { WardenError } from '../engine/errors';
import { errorFromInfo, errorInfoOf } from './error-info';

describe('errors crossing a host boundary', () => {
  it('keep a WardenError as it is, and come back as one', () => {
    const info = errorInfoOf(new WardenError('LOCKED', 'The database x.db is locked.', 'Wait.', { path: 'x.db' }));
    expect(info).toEqual({ code: 'LOCKED', message: 'The database x.db is locked.', hint: 'Wait.', details: { path: 'x.db' } });
    expect(errorFromInfo(info)).toMatchObject({ code: 'LOCKED', message: 'The database x.db is locked.', hint: 'Wait.' });
  });

  it('turn anything else into INTERNAL with its message and no stack', () => {
    const info = errorInfoOf(new TypeError("Cannot read properties of undefined (reading 'x')."));
    expect(info).toEqual({ code: 'INTERNAL', message: "Unexpected failure: Cannot read properties of undefined (reading 'x').", hint: 'This is a bug in Schema Warden; please report it with what you did.' });
    expect(JSON.stringify(info)).not.toMatch(/\bat .+:\d+:\d+/);
    expect(errorInfoOf('a string')).toMatchObject({ code: 'INTERNAL', message: 'Unexpected failure: a string.' });
  });

  it('say how to fix a native module built for another runtime', () => {
    const dlopen = Object.assign(new Error('The module was compiled against a different Node.js version using NODE_MODULE_VERSION 115.'), { code: 'ERR_DLOPEN_FAILED' });
    expect(errorInfoOf(dlopen)).toMatchObject({ code: 'INTERNAL', message: expect.stringMatching(/^SQLite's native module cannot be loaded in this runtime: The module was compiled/), hint: expect.stringContaining('"Electron and the native module"') });
  });
});

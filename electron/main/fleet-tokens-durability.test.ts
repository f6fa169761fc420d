import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { FleetTokens } from './fleet-tokens';
import { fakeKeychain } from './test-support/fake-keychain';

// The token store's writes as the disk sees them: node:fs is wrapped to record each call that
// decides what a crash or power cut leaves (open, fsync, rename) on the real files. A store that
// is renamed into place before its bytes are synced, or whose folder is never synced after the
// rename, can come back empty or as the old file after a power cut: the tokens set are lost.

const calls: string[] = [];
const fdPaths = new Map<number, string>();

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return {
    ...real,
    openSync: (path: fs.PathLike, flags?: fs.OpenMode, mode?: fs.Mode) => {
      const fd = real.openSync(path, flags ?? 'r', mode);
      fdPaths.set(fd, String(path));
      calls.push(`open ${String(path)}`);
      return fd;
    },
    fsyncSync: (fd: number) => {
      calls.push(`fsync ${fdPaths.get(fd)}`);
      return real.fsyncSync(fd);
    },
    renameSync: (from: fs.PathLike, to: fs.PathLike) => {
      calls.push(`rename ${String(from)} -> ${String(to)}`);
      return real.renameSync(from, to);
    },
  };
});

describe('the token store on disk', () => {
  beforeEach(() => {
    calls.length = 0;
  });

  it('is synced before it is renamed into place, and its folder after, on every write', () => {
    const file = join(fs.mkdtempSync(join(tmpdir(), 'warden-tokens-sync-')), 'userData', 'fleet-tokens.json');
    const tokens = new FleetTokens(file, fakeKeychain(), 'linux');
    const temp = `${file}.${process.pid}.tmp`;
    const oneWrite = [`open ${temp}`, `fsync ${temp}`, `rename ${temp} -> ${file}`, `open ${dirname(file)}`, `fsync ${dirname(file)}`];
    tokens.keep('/etc/warden/fleet.json', 'vm1', 'http://10.0.0.5:7373', 'Zq3v-8Hk_0bT9xY2mN4pL6rS1uW5eA7c');
    expect(calls).toEqual(oneWrite);
    calls.length = 0;
    tokens.forget('/etc/warden/fleet.json', 'vm1');
    expect(calls).toEqual(oneWrite);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(temp)).toBe(false);
  });
});

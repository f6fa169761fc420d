import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../engine/test-support/fixtures';
import { bashCompletion } from './completion';
import { buildProgram } from './program';

// The completion script as bash itself runs it: the words typed so far, then what _warden offers.

const script = bashCompletion(buildProgram());

/** What bash completes for the command line `typed` (the last word is the one being completed), run in `cwd`. */
function completions(typed: string, cwd = tempDir()): string[] {
  const words = typed.split(' ');
  const file = join(cwd, 'warden.bash');
  writeFileSync(file, script);
  const out = execFileSync(
    'bash',
    [
      '-c',
      `source ./warden.bash; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _warden; printf '%s\\n' "\${COMPREPLY[@]}"`,
    ],
    { cwd, encoding: 'utf8' },
  );
  return out.split('\n').filter(Boolean);
}

describe('warden completion bash', () => {
  it("completes commands, fleet subcommands and each command's own options", () => {
    expect(completions('warden res')).toEqual(['restore']);
    expect(completions('warden fleet st')).toEqual(['status']);
    expect(completions('warden restore --b')).toEqual(['--busy-timeout', '--backup-dir', '--backup']);
    expect(completions('warden fleet status --f')).toEqual(['--fleet']);
    // An option another command has is not offered here.
    expect(completions('warden status --fu')).toEqual([]);
    expect(completions('warden verify --fu')).toEqual(['--full']);
  });

  it('completes a backup as latest or a file, a --schema as a folder, a version as nothing', () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'old.sqlite'), '');
    mkdirSync(join(cwd, 'my-schema'));
    expect(completions('warden restore --backup ', cwd).sort()).toEqual(['latest', 'my-schema', 'old.sqlite', 'warden.bash']);
    expect(completions('warden verify-backup l', cwd)).toEqual(['latest']);
    expect(completions('warden init --schema ', cwd)).toEqual(['my-schema']);
    expect(completions('warden init --to ', cwd)).toEqual([]);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../engine/test-support/fixtures';

// The CLI is one of the callers of the verbs table (electron/engine/verbs.ts): a command that does
// what a verb does calls the verb, so the CLI, the hosts and the bench run one thing. The engine
// functions a command may still call itself are those that take what the contract does not carry.

const ALLOWED: Record<string, string> = {
  backup: '`backup --keep N` and `--no-verify` (the contract backs up with the defaults)',
  rehearse: '`rehearse --work-dir` (the host rehearses in its own folder)',
  salvage: '`salvage --out PATH` (the host names the new file beside the database)',
};

/** The engine function each verb runs, read from the verbs table: `verb<'x'>(…, (ctx…) => fn(ctx…`. */
function verbFunctions(): Set<string> {
  const text = readFileSync(join(REPO_ROOT, 'electron/engine/verbs.ts'), 'utf8');
  return new Set([...text.matchAll(/verb<'\w+'>\([^\n]*?=> (\w+)\(ctx/g)].map((m) => m[1]));
}

describe('the CLI commands', () => {
  it('call the verbs table, not the functions behind the verbs (but where the CLI takes more than the contract)', () => {
    const functions = verbFunctions();
    expect(functions.size).toBeGreaterThan(20);
    const folder = join(REPO_ROOT, 'electron/cli/commands');
    const direct: string[] = [];
    for (const file of readdirSync(folder).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
      const imports = /import \{([^}]*)\} from '\.\.\/\.\.\/engine';/.exec(readFileSync(join(folder, file), 'utf8'))?.[1] ?? '';
      for (const name of imports.split(',').map((n) => n.trim().replace(/^type\s+/, ''))) {
        if (functions.has(name) && !ALLOWED[name]) direct.push(`${file}: ${name}`);
      }
    }
    expect(direct).toEqual([]);
  });
});

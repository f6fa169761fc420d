import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './engine/test-support/fixtures';

// The house rules live in biome.json and run in CI (`npm run lint`). These tests hold the linter to
// them: each writes, beside a copy of biome.json, the files a rule must refuse, and expects the
// linter to name that rule. A rule switched off or a path pattern that no longer matches fails here.

const BIOME = join(REPO_ROOT, 'node_modules/.bin/biome');
const workspaces: string[] = [];

/** The linter's findings (rule names) on these files, laid out as the repository lays out its folders. */
function findings(files: Record<string, string>): string[] {
  const root = mkdtempSync(join(tmpdir(), 'warden-house-rules-'));
  workspaces.push(root);
  copyFileSync(join(REPO_ROOT, 'biome.json'), join(root, 'biome.json'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  try {
    execFileSync(BIOME, ['lint', '--max-diagnostics=50', '.'], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
    return [];
  } catch (err) {
    const output = `${(err as { stdout?: string }).stdout ?? ''}${(err as { stderr?: string }).stderr ?? ''}`;
    return [...output.matchAll(/lint\/\w+\/(\w+)/g)].map((m) => m[1]);
  }
}

afterAll(() => {
  for (const root of workspaces) rmSync(root, { recursive: true, force: true });
});

describe('the house rules, as the linter enforces them', () => {
  it('refuse an import cycle, type-only imports counted', () => {
    const found = findings({
      'electron/engine/core/schema/a.ts': "import type { B } from './b';\nexport interface A { b: B }\n",
      'electron/engine/core/schema/b.ts': "import type { A } from './a';\nexport interface B { a: A }\n",
    });
    expect(found).toContain('noImportCycles');
  });

  it.each([
    ['the renderer importing Node', 'renderer/src/probe.ts', "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n"],
    ['the renderer importing the engine', 'renderer/src/features/probe.ts', "import { status } from '../../../electron/engine';\nexport const s = status;\n"],
    ['shared/ importing the engine', 'shared/types/probe.ts', "import { status } from '../../electron/engine';\nexport const s = status;\n"],
    ['the engine importing a host', 'electron/engine/actions/probe.ts', "import { dispatch } from '../../api/dispatch';\nexport const d = dispatch;\n"],
    ['the engine importing Electron', 'electron/engine/core/sqlite/probe.ts', "import { app } from 'electron';\nexport const a = app;\n"],
    [
      "the engine's core importing an action",
      'electron/engine/core/backups/probe.ts',
      "import { backup } from '../../actions/backup';\nexport const b = backup;\n",
    ],
    ["the engine's core importing the table of verbs", 'electron/engine/core/data/probe.ts', "import { verbs } from '../../verbs';\nexport const v = verbs;\n"],
    ['the CLI importing a room of the engine', 'electron/cli/probe.ts', "import { status } from '../engine/actions/status';\nexport const s = status;\n"],
    ['warden serve importing the desktop app', 'electron/server/probe.ts', "import { createWindow } from '../main/window';\nexport const w = createWindow;\n"],
    ['the fleet importing Electron', 'electron/fleet/probe.ts', "import { safeStorage } from 'electron';\nexport const s = safeStorage;\n"],
    ['the bench importing a room of the engine', 'bench/probe.ts', "import { backup } from '../electron/engine/actions/backup';\nexport const b = backup;\n"],
  ])('refuse %s', (_what, path, text) => {
    expect(findings({ [path]: text })).toContain('noRestrictedImports');
  });

  it('let through what the rules allow: the face, from outside the engine; core from an action; a test reaching a room', () => {
    expect(
      findings({
        'electron/cli/probe.ts': "import { status } from '../engine';\nexport const s = status;\n",
        'electron/engine/actions/probe.ts': "import { openDatabase } from '../core/sqlite/open-database';\nexport const o = openDatabase;\n",
        'electron/cli/probe.test.ts': "import { status } from '../engine/actions/status';\nexport const s = status;\n",
      }),
    ).toEqual([]);
  });
});

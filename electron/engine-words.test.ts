import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './engine/test-support/fixtures';

// The engine states facts; each app words what to do (shared/next-action.ts): the CLI as a command,
// the console as a button. So no text the engine writes names a command of the CLI or a flag:
// every string and template in its files (comments aside) is read here, and one that says
// `warden <command>` or `--long-flag` fails. Another program's flags stay where the engine runs or
// quotes that program, each file named below with why.

const ENGINE = join(REPO_ROOT, 'electron/engine');

/** Files whose strings hold another program's flags, not the CLI's. */
const OTHER_PROGRAMS: Record<string, string> = {
  'core/data/read-process.ts': "prlimit's own arguments, which bound the reading process",
  'core/migrations/tool-formats/prisma.ts': "Prisma's command that resolves a failed migration, quoted from its documentation",
  'core/migrations/tool-formats/dbmate.ts': "dbmate's option naming its history table",
};

const CLI_COMMAND = /\bwarden [a-z]/;
const LONG_FLAG = /(^|[^\w-])--[a-z][a-z-]*/;

/** The text of every string literal and template part in `source`, with its line. */
function stringsOf(file: string, source: string): { line: number; text: string }[] {
  const sourceFile = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const found: { line: number; text: string }[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateLiteralToken(node)) {
      found.push({ line: sourceFile.getLineAndCharacterOfPosition(node.getStart()).line + 1, text: node.text });
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

/** What in `source` words a command line: "file:line: text" for each string that does. */
function commandLineWords(file: string, source: string): string[] {
  const flagsAllowed = file in OTHER_PROGRAMS;
  return stringsOf(file, source)
    .filter(({ text }) => CLI_COMMAND.test(text) || (!flagsAllowed && LONG_FLAG.test(text)))
    .map(({ line, text }) => `${file}:${line}: ${text}`);
}

function engineFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'test-support' ? [] : engineFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('the engine words no command line', () => {
  it('finds a command or a flag in a string, and not in a comment', () => {
    const source = [
      '// warden verify --full checks every page',
      "throw new WardenError('CORRUPT', 'm', 'See every page: warden verify --full.');",
      // A template's text before its first substitution: `Pass --schema ${dir}`.
      ['const hint = `Pass --schema $', '{dir}`;'].join(''),
      "const fine = 'a full check shows every page';",
    ].join('\n');
    expect(commandLineWords('actions/probe.ts', source)).toEqual([
      'actions/probe.ts:2: See every page: warden verify --full.',
      'actions/probe.ts:3: Pass --schema ',
    ]);
    expect(commandLineWords('core/data/read-process.ts', "const args = ['--data=1', 'run warden init'];")).toEqual([
      'core/data/read-process.ts:1: run warden init',
    ]);
  });

  it('in any file of the engine', () => {
    const files = engineFiles(ENGINE);
    expect(files.length).toBeGreaterThan(100);
    const found = files.flatMap((path) => commandLineWords(relative(ENGINE, path), readFileSync(path, 'utf8')));
    expect(found).toEqual([]);
  });
});

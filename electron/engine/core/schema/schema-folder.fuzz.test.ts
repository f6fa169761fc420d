import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { WardenError } from '../../errors';
import { MIGRATION_FILE } from '../migrations/migration-files';
import { loadSchema } from './schema-folder';

// Migration file names and version order over generated input: a valid name is read, any other
// `.sql` name is refused with SCHEMA_INVALID (never a crash), and versions sort as semantic versions.

const root = mkdtempSync(join(tmpdir(), 'warden-fuzz-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let folders = 0;

/** A schema folder holding `files` (name → SQL) in migrations/. */
function schemaFolder(files: Record<string, string>): string {
  const dir = join(root, `s${folders++}`);
  mkdirSync(join(dir, 'migrations'), { recursive: true });
  writeFileSync(join(dir, 'schema.json'), JSON.stringify({ name: 'fuzz', title: 'Fuzz', applicationId: 1 }));
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, 'migrations', name), sql);
  return dir;
}

function codeOf(run: () => unknown): string | null {
  try {
    run();
    return null;
  } catch (err) {
    if (err instanceof WardenError) return err.code;
    throw err; // anything but a WardenError is a crash
  }
}

const part = fc.nat({ max: 2000 });
const versionArb = fc.tuple(part, part, part).map(([a, b, c]) => ({ tuple: [a, b, c] as const, text: `${a}.${b}.${c}` }));
const descriptionArb = fc.stringMatching(/^[A-Za-z0-9_]{1,30}$/);
/** The grammar a migration file name must follow, written independently of MIGRATION_FILE. */
const STRICT = /^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)__[A-Za-z0-9_]+\.sql$/;
/** …with version numbers a semantic version can hold (up to Number.MAX_SAFE_INTEGER). */
const isValidName = (name: string) =>
  STRICT.test(name) &&
  name
    .split('__')[0]
    .split('.')
    .every((n) => Number(n) <= Number.MAX_SAFE_INTEGER);
/** FUZZ_RUNS=20000 npx vitest run … digs deeper than the default, which keeps the suite fast. */
const scale = Number(process.env.FUZZ_RUNS ?? 0) / 300 || 1;

describe('migration file names', () => {
  it('a valid name is read: its version and its words', () => {
    fc.assert(
      fc.property(versionArb, descriptionArb, (version, description) => {
        const file = `${version.text}__${description}.sql`;
        const schema = loadSchema(schemaFolder({ [file]: 'SELECT 1;' }));
        expect(schema.migrations).toHaveLength(1);
        expect(schema.migrations[0]).toMatchObject({ version: version.text, file, description: description.replace(/_/g, ' ') });
      }),
      { numRuns: Math.round(60 * scale) },
    );
  });

  const fileNameArb = fc
    .oneof(
      fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
      fc
        .tuple(fc.stringMatching(/^[0-9.]{0,12}$/), fc.constantFrom('__', '_', '___', '-', ''), fc.string({ maxLength: 12 }))
        .map(([v, sep, d]) => `${v}${sep}${d}`),
      fc
        .tuple(
          fc.constantFrom('01.0.0', '1.0', '1.0.0.0', '1.0.0-rc.1', 'v1.0.0', '1.0.0 ', '99999999999999999999.0.0', '1.0.0'),
          fc.constantFrom('__x', '__', '__a b', '__é', '__x.y', '__X_9'),
        )
        .map(([v, d]) => `${v}${d}`),
    )
    .map((stem) => `${stem}.sql`)
    // What a file system accepts as one file name.
    .filter((name) => !name.includes('/') && !name.includes('\0') && Buffer.byteLength(name) <= 255 && !name.startsWith('.'));

  it('any other .sql name is refused with SCHEMA_INVALID, never a crash; the parser agrees with the grammar', () => {
    fc.assert(
      fc.property(fileNameArb, (name) => {
        const valid = isValidName(name);
        const code = codeOf(() => loadSchema(schemaFolder({ [name]: 'SELECT 1;' })));
        expect(code).toBe(valid ? null : 'SCHEMA_INVALID');
        // The regex alone accepts leading zeros and huge numbers; loadSchema then refuses them as versions.
        if (STRICT.test(name)) expect(MIGRATION_FILE.test(name)).toBe(true);
      }),
      { numRuns: Math.round(150 * scale) },
    );
  });
});

describe('migration order', () => {
  it('is semantic-version order (numeric, part by part), whatever the names sort like as text', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(versionArb, { minLength: 1, maxLength: 8, selector: (v) => v.text }),
        fc.array(descriptionArb, { minLength: 8, maxLength: 8 }),
        (versions, names) => {
          const files = Object.fromEntries(versions.map((v, k) => [`${v.text}__${names[k]}.sql`, 'SELECT 1;']));
          const schema = loadSchema(schemaFolder(files));
          const expected = [...versions].sort((a, b) => a.tuple[0] - b.tuple[0] || a.tuple[1] - b.tuple[1] || a.tuple[2] - b.tuple[2]).map((v) => v.text);
          expect(schema.migrations.map((m) => m.version)).toEqual(expected);
          expect(schema.latest).toBe(expected[expected.length - 1]);
        },
      ),
      { numRuns: Math.round(60 * scale) },
    );
  });

  it('refuses two files of one version with SCHEMA_INVALID', () => {
    fc.assert(
      fc.property(versionArb, fc.uniqueArray(descriptionArb, { minLength: 2, maxLength: 2 }), (version, [a, b]) => {
        expect(codeOf(() => loadSchema(schemaFolder({ [`${version.text}__${a}.sql`]: 'SELECT 1;', [`${version.text}__${b}.sql`]: 'SELECT 2;' })))).toBe(
          'SCHEMA_INVALID',
        );
      }),
      { numRuns: Math.round(30 * scale) },
    );
  });
});

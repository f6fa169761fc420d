import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contract, METHOD_NAMES, type MethodName } from './contract';

// The contract's validators are the only gate between a renderer or an HTTP client and the
// engine: whatever arrives, they answer success or failure and never throw.

/** FUZZ_RUNS=20000 npx vitest run … digs deeper than the default, which keeps the suite fast. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);

const dbId = fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/);
const version = fc.tuple(fc.nat(999), fc.nat(999), fc.nat(999)).map(([a, b, c]) => `${a}.${b}.${c}`);
const operationId = fc.stringMatching(/^[A-Za-z0-9-]{8,64}$/);
const backupName = fc.stringMatching(/^[A-Za-z0-9_.-]{1,200}\.sqlite$/);

/** Well-formed input for every method, optional fields sometimes left out. */
const validInput: { [M in MethodName]: fc.Arbitrary<Record<string, unknown>> } = {
  listSchemas: fc.constant({}),
  listDatabases: fc.constant({}),
  openDatabase: fc.constant({}),
  chooseSchemaFolder: fc.record({ db: dbId }),
  createDatabase: fc.record(
    { schema: fc.stringMatching(/^[a-z0-9_]{1,64}$/), version: version, name: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/) },
    { requiredKeys: ['schema'] },
  ),
  closeDatabase: fc.record({ db: dbId }),
  status: fc.record({ db: dbId }),
  history: fc.record({ db: dbId }),
  tables: fc.record({ db: dbId }),
  schemaObjects: fc.record({ db: dbId }),
  schemaDiagram: fc.record({ db: dbId }),
  sizes: fc.record({ db: dbId }),
  fleetStatus: fc.record({ group: fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/) }, { requiredKeys: [] }),
  query: fc.record(
    {
      db: dbId,
      operationId,
      sql: fc.string({ minLength: 1, maxLength: 200 }).filter((s) => s.trim() === s && s.length > 0),
      limit: fc.integer({ min: 1, max: 100_000 }),
      timeoutMs: fc.integer({ min: 100, max: 600_000 }),
    },
    { requiredKeys: ['db', 'sql'] },
  ),
  salvage: fc.record({ db: dbId, operationId }, { requiredKeys: ['db'] }),
  preserveCopy: fc.record({ db: dbId, operationId }, { requiredKeys: ['db'] }),
  rows: fc.record(
    {
      db: dbId,
      table: fc.string({ minLength: 1, maxLength: 80 }),
      offset: fc.nat(),
      limit: fc.integer({ min: 1, max: 1000 }),
      sort: fc.option(fc.record({ column: fc.string({ minLength: 1, maxLength: 40 }), direction: fc.constantFrom('asc', 'desc') })),
      filters: fc.array(
        fc.record(
          {
            column: fc.string({ minLength: 1, maxLength: 40 }),
            op: fc.constantFrom('eq', 'ne', 'contains', 'isNull', 'notNull'),
            value: fc.oneof(fc.string({ maxLength: 40 }), fc.double({ noNaN: true, noDefaultInfinity: true })),
          },
          { requiredKeys: ['column', 'op'] },
        ),
        { maxLength: 20 },
      ),
      withTotal: fc.boolean(),
    },
    { requiredKeys: ['db', 'table'] },
  ),
  queryHistory: fc.record({ db: dbId }),
  exportResult: fc.record(
    {
      db: dbId,
      operationId,
      format: fc.constantFrom('csv', 'jsonl'),
      table: fc.string({ minLength: 1, maxLength: 80 }),
      sort: fc.option(fc.record({ column: fc.string({ minLength: 1, maxLength: 40 }), direction: fc.constantFrom('asc', 'desc') })),
      sql: fc.string({ minLength: 1, maxLength: 200 }).filter((s) => s.trim() === s && s.length > 0),
    },
    { requiredKeys: ['db', 'format'] },
  ),
  rowChildren: fc.record({
    db: dbId,
    table: fc.string({ minLength: 1, maxLength: 80 }),
    row: fc.dictionary(fc.string({ minLength: 1, maxLength: 40 }), fc.option(fc.oneof(fc.string({ maxLength: 40 }), fc.integer()))),
  }),
  fleetMigrate: fc.record(
    {
      operationId,
      to: version,
      parallel: fc.integer({ min: 1, max: 16 }),
      canary: fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/),
      group: fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/),
      deployments: fc.array(fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/), { minLength: 1, maxLength: 8 }),
    },
    { requiredKeys: ['to', 'parallel'] },
  ),
  fleetCompare: fc.record(
    { a: fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/), b: fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/), expectedAt: version },
    { requiredKeys: ['a'] },
  ),
  fleetVerify: fc.record(
    { operationId, group: fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/), level: fc.constantFrom('quick', 'full'), parallel: fc.integer({ min: 1, max: 16 }) },
    { requiredKeys: ['level', 'parallel'] },
  ),
  fleetBackup: fc.record(
    { operationId, group: fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/), parallel: fc.integer({ min: 1, max: 16 }) },
    { requiredKeys: ['parallel'] },
  ),
  verify: fc.record({ db: dbId, operationId, level: fc.constantFrom('quick', 'full') }, { requiredKeys: ['db'] }),
  initialize: fc.record({ db: dbId, operationId, to: version }, { requiredKeys: ['db'] }),
  migrate: fc.record({ db: dbId, operationId, to: version, backup: fc.boolean() }, { requiredKeys: ['db'] }),
  plan: fc.record({ db: dbId, to: version }, { requiredKeys: ['db'] }),
  rehearse: fc.record({ db: dbId, operationId, to: version }, { requiredKeys: ['db'] }),
  repair: fc.record({ db: dbId, operationId, backup: fc.boolean(), dryRun: fc.boolean() }, { requiredKeys: ['db'] }),
  baseline: fc.record({ db: dbId, version }),
  acceptChecksum: fc.record({ db: dbId, version, reason: fc.string({ minLength: 3, maxLength: 500 }).filter((r) => r.trim() === r && r.length >= 3) }),
  backup: fc.record({ db: dbId, operationId }, { requiredKeys: ['db'] }),
  backups: fc.record({ db: dbId }),
  verifyBackup: fc.record({ db: dbId, operationId, backup: backupName, full: fc.boolean() }, { requiredKeys: ['db', 'backup'] }),
  restore: fc.record({ db: dbId, operationId, backup: backupName }, { requiredKeys: ['db', 'backup'] }),
  previewRestore: fc.record({ db: dbId, operationId, backup: backupName }, { requiredKeys: ['db', 'backup'] }),
  openBackup: fc.record({ db: dbId, backup: backupName }),
  openSalvaged: fc.record({
    db: dbId,
    file: fc.stringMatching(/^[A-Za-z0-9_.-]{1,200}-salvaged-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z\.[A-Za-z0-9]{1,16}$/),
  }),
  backupSchedule: fc.record({ db: dbId }),
  setBackupSchedule: fc.record({ every: fc.option(fc.stringMatching(/^\d{1,6}[smhdw]$/)) }),
  recoverRows: fc.record(
    { db: dbId, operationId, table: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/), backup: backupName, dryRun: fc.boolean() },
    { requiredKeys: ['db', 'table', 'backup'] },
  ),
  hostInfo: fc.constant({}),
  jobs: fc.constant({}),
  openFleet: fc.constant({}),
  keepFleetToken: fc.record({ deployment: fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/), token: fc.string({ minLength: 1, maxLength: 4096 }) }),
  forgetFleetToken: fc.record({ deployment: fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/) }),
  openDeployment: fc.record({ deployment: fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/) }),
  cancel: fc.record({ operationId }),
};

const methodArb = fc.constantFrom(...METHOD_NAMES);

/** Objects shaped like a method's input but with arbitrary values: the cases a validator must refuse cleanly. */
const nearMiss = fc
  .tuple(
    methodArb,
    fc.dictionary(
      fc.constantFrom('db', 'to', 'version', 'level', 'backup', 'operationId', 'reason', 'schema', 'name', 'full', '__proto__', 'constructor'),
      fc.jsonValue({ maxDepth: 2 }),
    ),
  )
  .map(([method, input]) => ({ method, input }));

describe('contract validators', () => {
  it('answer success or failure for any JSON, and never throw', () => {
    fc.assert(
      fc.property(methodArb, fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.anything({ maxDepth: 2 })), (method, input) => {
        const result = contract[method].safeParse(input);
        expect(typeof result.success).toBe('boolean');
      }),
      { numRuns: RUNS },
    );
  });

  it('answer near misses (the right keys, arbitrary values) without throwing', () => {
    fc.assert(
      fc.property(nearMiss, ({ method, input }) => {
        const result = contract[method].safeParse(input);
        if (!result.success) expect(result.error.issues.length).toBeGreaterThan(0);
      }),
      { numRuns: RUNS },
    );
  });

  it('accept every well-formed input, keeping what was sent', () => {
    fc.assert(
      fc.property(
        methodArb.chain((method) => validInput[method].map((input) => ({ method, input }))),
        ({ method, input }) => {
          const result = contract[method].safeParse(input);
          expect(result.success, JSON.stringify({ method, input, error: result.error?.issues })).toBe(true);
          expect(result.data).toMatchObject(input);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('refuse a well-formed input with one unknown key (inputs are strict)', () => {
    fc.assert(
      fc.property(
        methodArb.chain((method) => validInput[method].map((input) => ({ method, input }))),
        fc
          .stringMatching(/^[a-z]{1,12}$/)
          .filter((k) => !['db', 'to', 'version', 'level', 'backup', 'operationid', 'reason', 'schema', 'name', 'full'].includes(k.toLowerCase())),
        fc.jsonValue({ maxDepth: 1 }),
        ({ method, input }, key, value) => {
          expect(contract[method].safeParse({ ...input, [key]: value }).success).toBe(false);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { METHOD_NAMES, type MethodName } from '../../shared/contract';
import { dispatch } from './dispatch';
import type { HostContext } from './host-context';

// The contract: every method refuses bad input with INVALID_INPUT and a sentence that names the
// field, before anything of the host is touched.

/** A host that fails the test if a handler reaches any part of it. */
const untouchableHost = new Proxy({} as HostContext, {
  get(_target, property) {
    throw new Error(`the host was reached (${String(property)}) although the input was invalid`);
  },
});

const BAD_INPUT: Record<MethodName, { input: unknown; field: string; says: RegExp }[]> = {
  listSchemas: [{ input: { schema: 'x' }, field: 'schema', says: /unexpected field "schema"/ }],
  listDatabases: [{ input: { path: '/etc' }, field: 'path', says: /unexpected field "path"/ }],
  openDatabase: [{ input: { path: '/tmp/x.db' }, field: 'path', says: /unexpected field "path"/ }],
  chooseSchemaFolder: [
    { input: {}, field: 'db', says: /"db" is required/ },
    { input: { db: 'main', dir: '/etc' }, field: 'dir', says: /unexpected field "dir"/ },
  ],
  createDatabase: [
    { input: {}, field: 'schema', says: /"schema" is required/ },
    { input: { schema: 'conversation_files', name: '../../etc/evil' }, field: 'name', says: /"name" must be a file name of letters, digits, _ and -/ },
    { input: { schema: 'Conversation Files' }, field: 'schema', says: /"schema" must be a schema name/ },
    { input: { schema: 'conversation_files', version: '../1.2.0' }, field: 'version', says: /"version" must be a version as the migrations name it/ },
  ],
  closeDatabase: [{ input: { db: '' }, field: 'db', says: /"db" must be a database id/ }],
  status: [
    { input: {}, field: 'db', says: /"db" is required/ },
    { input: { db: '/var/lib/app.db' }, field: 'db', says: /"db" must be a database id/ },
  ],
  history: [{ input: { db: 42 }, field: 'db', says: /"db" must be of type string/ }],
  tables: [{ input: { db: 'main', sql: 'DROP TABLE x' }, field: 'sql', says: /unexpected field "sql"/ }],
  schemaObjects: [{ input: { db: 'main', sql: 'SELECT 1' }, field: 'sql', says: /unexpected field "sql"/ }],
  sizes: [{ input: { db: 'main', table: 'x' }, field: 'table', says: /unexpected field "table"/ }],
  schemaDiagram: [{ input: { db: 'main', version: '1.0.0' }, field: 'version', says: /unexpected field "version"/ }],
  fleetStatus: [{ input: { group: 'no spaces allowed' }, field: 'group', says: /a group name/ }],
  salvage: [{ input: { db: 'main', out: '/tmp/x.db' }, field: 'out', says: /unexpected field "out"/ }],
  preserveCopy: [{ input: { db: 'main', backupDir: '/tmp' }, field: 'backupDir', says: /unexpected field "backupDir"/ }],
  rows: [
    { input: { db: 'main', table: 'x', limit: 5000 }, field: 'limit', says: /limit/ },
    { input: { db: 'main', table: 'x', filters: [{ column: 'a', op: 'like' }] }, field: 'filters.0.op', says: /op/ },
  ],
  queryHistory: [{ input: { db: '../x' }, field: 'db', says: /a database id/ }],
  exportResult: [
    { input: { db: 'main', format: 'xlsx', table: 'x' }, field: 'format', says: /format/ },
    { input: { db: 'main', format: 'csv', sql: '  ' }, field: 'sql', says: /a query/ },
  ],
  rowChildren: [{ input: { db: 'main', table: '', row: {} }, field: 'table', says: /a name/ }],
  fleetMigrate: [
    { input: { to: '1.2.0; DROP TABLE x', parallel: 1 }, field: 'to', says: /a version as the migrations name it/ },
    { input: { to: '1.2.0', parallel: 0 }, field: 'parallel', says: /parallel/ },
    { input: { to: '1.2.0', parallel: 1, canary: 'two words' }, field: 'canary', says: /a deployment name/ },
    { input: { to: '1.2.0', parallel: 1, deployments: [] }, field: 'deployments', says: /at least one deployment/ },
    { input: { to: '1.2.0', parallel: 1, deployments: ['eu-1', '../x y'] }, field: 'deployments.1', says: /a deployment name/ },
  ],
  fleetCompare: [
    { input: { b: 'eu-2' }, field: 'a', says: /"a" is required/ },
    { input: { a: 'eu-1', expectedAt: '1.2.0; DROP TABLE x' }, field: 'expectedAt', says: /a version as the migrations name it/ },
  ],
  fleetVerify: [
    { input: { level: 'deep', parallel: 1 }, field: 'level', says: /"level" must be one of "quick", "full"/ },
    { input: { level: 'quick', parallel: 17 }, field: 'parallel', says: /parallel/ },
    { input: { level: 'quick', parallel: 1, group: 'no spaces' }, field: 'group', says: /a group name/ },
  ],
  fleetBackup: [
    { input: {}, field: 'parallel', says: /"parallel" is required/ },
    { input: { parallel: 2, db: 'main' }, field: 'db', says: /unexpected field "db"/ },
  ],
  query: [
    { input: { db: 'main', sql: 'SELECT 1', limit: 0 }, field: 'limit', says: /limit/ },
    { input: { db: 'main', sql: '   ' }, field: 'sql', says: /a query/ },
  ],
  verify: [
    { input: { db: 'a', level: 'deep' }, field: 'level', says: /"level" must be one of "quick", "full"/ },
    { input: { db: 'a', operationId: 'short' }, field: 'operationId', says: /"operationId" must be an operation id/ },
  ],
  initialize: [{ input: { db: 'a', to: '1.2.0\n' }, field: 'to', says: /"to" must be a version as the migrations name it/ }],
  migrate: [{ input: { db: 'a', backup: 'no' }, field: 'backup', says: /"backup" must be of type boolean/ }],
  plan: [{ input: { db: 'a', to: ' 2' }, field: 'to', says: /"to" must be a version/ }],
  rehearse: [{ input: { db: 'a', operationId: 'id with spaces' }, field: 'operationId', says: /"operationId" must be an operation id/ }],
  repair: [{ input: { db: 'a', backup: 1 }, field: 'backup', says: /"backup" must be of type boolean/ }],
  baseline: [{ input: { db: 'a' }, field: 'version', says: /"version" is required/ }],
  acceptChecksum: [{ input: { db: 'a', version: '1.0.0', reason: '  ' }, field: 'reason', says: /"reason" must be a reason of 3 to 500 characters/ }],
  backup: [{ input: { db: 'a', to: '/mnt/usb' }, field: 'to', says: /unexpected field "to"/ }],
  backups: [{ input: { db: 'a/../b' }, field: 'db', says: /"db" must be a database id/ }],
  verifyBackup: [{ input: { db: 'a', backup: '../../etc/passwd' }, field: 'backup', says: /"backup" must be a backup file name ending in \.sqlite/ }],
  restore: [{ input: { db: 'a', backup: '/tmp/x.sqlite' }, field: 'backup', says: /"backup" must be a backup file name/ }],
  previewRestore: [{ input: { db: 'a', backup: '../x.sqlite' }, field: 'backup', says: /"backup" must be a backup file name/ }],
  openBackup: [{ input: { db: 'a', backup: '/tmp/x.sqlite' }, field: 'backup', says: /"backup" must be a backup file name/ }],
  openSalvaged: [{ input: { db: 'a', file: '../chat-salvaged-2026-11-30T16-45-00-123Z.db' }, field: 'file', says: /"file" must be a salvaged file name/ }],
  backupSchedule: [{ input: { db: '../a' }, field: 'db', says: /"db" must be a database id/ }],
  setBackupSchedule: [{ input: { every: 'soon' }, field: 'every', says: /"every" must be a duration like 6h or 1d/ }],
  recoverRows: [{ input: { db: 'a', table: 'x; DROP TABLE y', backup: 'b.sqlite' }, field: 'table', says: /"table" must be a table name/ }],
  hostInfo: [{ input: { operator: 'alice' }, field: 'operator', says: /unexpected field "operator"/ }],
  jobs: [{ input: { db: 'shop' }, field: 'db', says: /unexpected field "db"/ }],
  openFleet: [{ input: { path: '/etc/fleet.json' }, field: 'path', says: /unexpected field "path"/ }],
  keepFleetToken: [
    { input: { deployment: 'vm1', token: '' }, field: 'token', says: /a token/ },
    { input: { deployment: '../x', token: 't' }, field: 'deployment', says: /a deployment name/ },
  ],
  forgetFleetToken: [{ input: {}, field: 'deployment', says: /"deployment" is required/ }],
  openDeployment: [{ input: { deployment: 'two words' }, field: 'deployment', says: /a deployment name/ }],
  cancel: [{ input: {}, field: 'operationId', says: /"operationId" is required/ }],
};

describe('every method of the contract validates its input', () => {
  it.each(METHOD_NAMES)('%s refuses bad input with INVALID_INPUT naming the field', async (method) => {
    for (const { input, field, says } of BAD_INPUT[method]) {
      const envelope = await dispatch(untouchableHost, method, input);
      expect(envelope.ok).toBe(false);
      if (envelope.ok) continue;
      expect(envelope.error.code).toBe('INVALID_INPUT');
      expect(envelope.error.message).toMatch(new RegExp(`^Invalid input for ${method}: `));
      expect(envelope.error.message).toMatch(says);
      expect(envelope.error.details).toMatchObject({ method, fields: [field] });
    }
  });

  it.each(METHOD_NAMES)('%s refuses an input that is not an object', async (method) => {
    for (const input of ['status', 42, [], true]) {
      const envelope = await dispatch(untouchableHost, method, input);
      expect(envelope).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: `Invalid input for ${method}: the input must be a JSON object.` } });
    }
  });

  it('refuses a method the contract does not have', async () => {
    expect(await dispatch(untouchableHost, 'dropAllTables', {})).toMatchObject({
      ok: false,
      error: { code: 'NOT_SUPPORTED', message: 'There is no API method named "dropAllTables".' },
    });
    expect(await dispatch(untouchableHost, '__proto__', {})).toMatchObject({ ok: false, error: { code: 'NOT_SUPPORTED' } });
  });
});

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DatabaseHealth } from '../../../shared/types/status';
import { backup } from './backup';
import { databaseHealth, healthDocument } from './health';
import { initialize } from './initialize';
import { contextFor, sqlite3, tempDir } from '../test-support/fixtures';

describe('databaseHealth', () => {
  it('is healthy at the latest version with the expected schema', async () => {
    const path = join(tempDir(), 'ok.db');
    await initialize(contextFor(path));
    await backup(contextFor(path)); // backed up: healthy, not 'not backed up'
    expect(databaseHealth(contextFor(path), 'ok')).toMatchObject({
      name: 'ok',
      path,
      status: 'healthy',
      version: '1.2.0',
      latest: '1.2.0',
      pending: [],
      problems: [],
    });
  });

  it('reports a missing file as not initialized, with every version pending', () => {
    const path = join(tempDir(), 'missing.db');
    expect(databaseHealth(contextFor(path), 'missing')).toMatchObject({ status: 'not_initialized', version: null, pending: ['1.0.0', '1.1.0', '1.2.0'] });
  });

  it('reports pending migrations as degraded', async () => {
    const path = join(tempDir(), 'old.db');
    await initialize(contextFor(path), { to: '1.1.0' });
    expect(databaseHealth(contextFor(path), 'old')).toMatchObject({ status: 'degraded', version: '1.1.0', pending: ['1.2.0'] });
  });

  it('reports a dropped table as unhealthy and names it', async () => {
    const path = join(tempDir(), 'broken.db');
    await initialize(contextFor(path));
    sqlite3(path, 'DROP TABLE file_cleanup_queue');
    const health = databaseHealth(contextFor(path), 'broken');
    expect(health.status).toBe('unhealthy');
    expect(health.problems.join(' ')).toContain('file_cleanup_queue');
  });

  it('reports an unreadable file as unhealthy instead of throwing', () => {
    const path = join(tempDir(), 'notes.db');
    writeFileSync(path, 'not a database at all, just some notes that are longer than one hundred bytes to pass the size test.\n');
    expect(databaseHealth(contextFor(path), 'notes')).toMatchObject({
      status: 'unhealthy',
      version: null,
      problems: [expect.stringContaining('is not a SQLite database')],
    });
  });
});

describe('healthDocument', () => {
  const db = (name: string, status: DatabaseHealth['status'], reason = ''): DatabaseHealth => ({
    name,
    path: `/srv/${name}.db`,
    status,
    reason,
    version: status === 'not_initialized' ? null : '1.2.0',
    latest: '1.2.0',
    pending: [],
    problems: [],
    checkedAt: '2026-01-01T00:00:00.000Z',
  });

  it('lets the worst database decide, keeps not-initialized and behind as degraded', () => {
    expect(healthDocument([db('a', 'healthy')]).status).toBe('healthy');
    expect(healthDocument([db('a', 'healthy'), db('b', 'not_initialized')]).status).toBe('degraded');
    expect(healthDocument([db('a', 'degraded', 'At 1.1.0; 1 migration pending (1.2.0).')]).status).toBe('degraded');
    expect(healthDocument([db('a', 'healthy'), db('b', 'unhealthy', 'Table x is missing.')]).status).toBe('unhealthy');
    expect(healthDocument([]).status).toBe('healthy');
  });

  it('has the shape of the original plan, one component entry per database', () => {
    const document = healthDocument(
      [db('main', 'healthy'), db('audit', 'unhealthy', 'Table x is missing.'), db('old', 'degraded', 'At 1.1.0.'), db('new', 'not_initialized')],
      '2026-05-01T10:00:00.000Z',
    );
    expect(document).toEqual({
      status: 'unhealthy',
      timestamp: '2026-05-01T10:00:00.000Z',
      components: {
        database: { schema_version: '1.2.0', main: 'healthy', audit: 'error: Table x is missing.', old: 'degraded: At 1.1.0.', new: 'not_initialized' },
        backend: 'running',
      },
      databases: document.databases,
    });
    expect(document.databases.map((d) => Object.keys(d))).toContainEqual([
      'name',
      'path',
      'status',
      'reason',
      'version',
      'latest',
      'pending',
      'problems',
      'checkedAt',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import type { LifecycleEvent } from '../../../../shared/types/history';
import { lifecycleEvent } from '../../test/fixtures';
import { eventStory, personOf } from './event-words';

/** Every sentence of a story, joined: what the dialog shows. */
const told = (event: LifecycleEvent) => {
  const story = eventStory(event);
  return [story.lead, story.byline, ...story.points].join('\n');
};

describe('eventStory', () => {
  it('tells a migration with its steps, who and when, in sentences', () => {
    const text = told(
      lifecycleEvent(1, {
        action: 'migrate',
        version: '1.2.0',
        actor: 'alice via warden serve (ops@vm1, pid 7)',
        detail: {
          from: '1.0.0',
          to: '1.2.0',
          steps: [
            { version: '1.1.0', description: 'access log reference type', executionMs: 12 },
            { version: '1.2.0', description: 'storage backend', executionMs: 1500 },
          ],
        },
      }),
    );
    expect(text).toContain('Migrated the database from 1.0.0 to 1.2.0.');
    expect(text).toContain('Applied 1.1.0 (access log reference type), in 12 ms.');
    expect(text).toContain('Applied 1.2.0 (storage backend), in 1.50 s.');
    expect(text).toMatch(/^alice via warden serve \(ops@vm1\), 2025-01-01 .*, at version 1\.2\.0\.$/m);
  });

  it('tells a restore, a repair and a failure without a field name or a brace', () => {
    const events = [
      lifecycleEvent(2, {
        action: 'restore',
        detail: {
          from: '/b/db-manual.sqlite',
          sha256: 'ab',
          takenAt: '2025-01-01T00:00:00.000Z',
          preRestoreBackup: '/b/db-pre-restore.sqlite',
          carriedEvents: 4,
          downgradedFrom: null,
        },
      }),
      lifecycleEvent(3, {
        action: 'repair',
        detail: {
          recreated: [{ kind: 'table', name: 'file_metadata' }],
          statements: ['CREATE TABLE file_metadata (x)'],
          refused: [],
          backup: '/b/db-pre-repair.sqlite',
        },
      }),
      lifecycleEvent(4, {
        action: 'migrate',
        outcome: 'failed',
        detail: { version: '1.2.0', file: '1.2.0__x.sql', line: 27, statement: 'INSERT INTO t VALUES (1)', sqliteMessage: 'FOREIGN KEY constraint failed' },
      }),
      lifecycleEvent(5, {
        action: 'backup',
        detail: { name: 'db-1.sqlite', path: '/b/db-1.sqlite', reason: 'pre-migrate', sha256: 'cd', bytes: 4096, verified: true },
      }),
    ];
    for (const event of events) expect(told(event), event.action).not.toMatch(/[{}"]|\b[a-z]+[A-Z]\w*:|: null|undefined/);
    expect(told(events[0])).toContain('Restored the database from /b/db-manual.sqlite, a backup taken 2025-01-01');
    expect(told(events[0])).toContain('What it replaced was backed up first, to /b/db-pre-restore.sqlite.');
    expect(told(events[0])).toContain("4 events of the replaced database's history were carried across.");
    expect(told(events[1])).toContain('Recreated 1 missing object: file_metadata.');
    expect(eventStory(events[1]).statements).toEqual(['CREATE TABLE file_metadata (x)']);
    expect(told(events[2])).toContain('Migrate failed in 1.2.0__x.sql at line 27.');
    expect(told(events[2])).toContain('SQLite said: FOREIGN KEY constraint failed.');
    expect(told(events[3])).toContain('Took the backup taken before a migration, db-1.sqlite (4.0 KB).');
  });
});

describe('personOf', () => {
  it('drops the process id, keeps the person and the user', () => {
    expect(personOf('root (pid 12)')).toBe('root');
    expect(personOf('alice via warden serve (root, pid 12)')).toBe('alice via warden serve (root)');
    expect(personOf('someone else')).toBe('someone else');
  });
});

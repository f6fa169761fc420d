import { describe, expect, it } from 'vitest';
import { lifecycleEvent } from '../../test/fixtures';
import { filterEvents, NO_FILTER } from './event-filter';
import { describeEvent, emphasisOf, eventDurationMs } from './event-text';

describe('describeEvent', () => {
  it('says what each kind of event did', () => {
    expect(describeEvent(lifecycleEvent(1, { action: 'init', detail: { from: null, to: '1.2.0', steps: [{}, {}, {}] } }))).toBe(
      'Created at 1.2.0 (3 migrations)',
    );
    expect(describeEvent(lifecycleEvent(2, { action: 'migrate', detail: { from: '1.0.0', to: '1.1.0' } }))).toBe('1.0.0 → 1.1.0');
    expect(describeEvent(lifecycleEvent(3, { action: 'accept-checksum', version: '1.1.0', detail: { reason: 'comment only' } }))).toBe(
      'Accepted the edited migration 1.1.0: “comment only”',
    );
    expect(describeEvent(lifecycleEvent(4))).toBe('manual backup backup-4.sqlite');
    const recovered = {
      table: 'conversation_files',
      backup: '/b/db-manual.sqlite',
      tables: [
        { table: 'conversation_files', copied: 3 },
        { table: 'file_metadata', copied: 2 },
      ],
    };
    expect(describeEvent(lifecycleEvent(7, { action: 'recover-rows', detail: recovered }))).toBe(
      'Copied back 5 rows of conversation_files from /b/db-manual.sqlite',
    );
  });

  it('names the failing file, line and SQLite message of a failed migration', () => {
    const failed = lifecycleEvent(5, {
      action: 'migrate',
      outcome: 'failed',
      detail: { file: '1.2.0__x.sql', line: 27, sqliteMessage: 'FOREIGN KEY constraint failed' },
    });
    expect(describeEvent(failed)).toBe('1.2.0__x.sql failed at line 27: FOREIGN KEY constraint failed');
  });

  it('says what happened without naming the fields of the detail, where it has no sentence for them', () => {
    expect(describeEvent(lifecycleEvent(6, { action: 'repair', detail: { objects: 2, note: 'ok' } }))).toBe('Repaired');
    expect(describeEvent(lifecycleEvent(8, { action: 'repair', detail: { rebuiltIndexes: ['idx_a', 'idx_b'] } }))).toBe('Rebuilt 2 damaged indexes');
    expect(describeEvent(lifecycleEvent(9, { action: 'restore', detail: { from: '/srv/backups/db-manual-1.sqlite', sha256: 'ab' } }))).toBe(
      'From db-manual-1.sqlite',
    );
  });
});

describe('eventDurationMs and emphasisOf', () => {
  it('sums the steps of a migration', () => {
    expect(eventDurationMs(lifecycleEvent(1, { detail: { steps: [{ executionMs: 5 }, { executionMs: 7 }] } }))).toBe(12);
    expect(eventDurationMs(lifecycleEvent(2))).toBeNull();
  });

  it('makes failures and accepted checksums stand out', () => {
    expect(emphasisOf(lifecycleEvent(1, { outcome: 'failed' }))).toBe('failed');
    expect(emphasisOf(lifecycleEvent(2, { action: 'accept-checksum' }))).toBe('accepted');
    expect(emphasisOf(lifecycleEvent(3))).toBeNull();
  });
});

describe('filterEvents', () => {
  const events = [
    lifecycleEvent(1, { action: 'migrate', detail: { from: '1.0.0', to: '1.1.0' }, version: '1.1.0' }),
    lifecycleEvent(2, { outcome: 'failed', actor: 'support@laptop (pid 9)' }),
    lifecycleEvent(3),
  ];

  it('keeps everything without a filter', () => {
    expect(filterEvents(events, NO_FILTER)).toHaveLength(3);
  });

  it('filters by action, by outcome and by words', () => {
    expect(filterEvents(events, { ...NO_FILTER, action: 'migrate' }).map((e) => e.id)).toEqual([1]);
    expect(filterEvents(events, { ...NO_FILTER, failedOnly: true }).map((e) => e.id)).toEqual([2]);
    expect(filterEvents(events, { ...NO_FILTER, text: 'SUPPORT@' }).map((e) => e.id)).toEqual([2]);
    expect(filterEvents(events, { ...NO_FILTER, text: '1.0.0 →' }).map((e) => e.id)).toEqual([1]);
  });
});

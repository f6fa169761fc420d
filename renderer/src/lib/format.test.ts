import { describe, expect, it } from 'vitest';
import { folderOf, formatAge, formatAgo, formatBytes, formatDuration, formatTimestamp, plural, zoneOf } from './format';
import { isRepairable, whyNotRepairable } from './repairability';
import { compareVersions } from './versions';
import { CHANGED_COLUMN, MISSING_INDEX, MISSING_TABLE } from '../test/fixtures';

describe('format', () => {
  it('reads sizes, durations and counts the short way', () => {
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(1000)).toBe('1,000 bytes'); // grouped, as every other count
    expect(formatBytes(1024)).toBe('1.0 KB');
    expect(formatBytes(204_800)).toBe('200 KB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.0 GB');
    expect(formatDuration(42)).toBe('42 ms');
    expect(formatDuration(0)).toBe('under 1 ms');
    expect(formatDuration(1500)).toBe('1.50 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(formatDuration(119_600)).toBe('2 min 0 s'); // never "1 min 60 s"
    expect(formatDuration(5_400_000)).toBe('1 h 30 min'); // never "90 min 0 s"
    expect(formatDuration(26 * 3_600_000)).toBe('26 h 0 min');
    expect(plural(1, 'step')).toBe('1 step');
    expect(plural(2, 'step')).toBe('2 steps');
  });

  it('says how long ago', () => {
    const now = new Date('2025-03-01T12:00:00Z');
    expect(formatAgo('2025-03-01T11:59:30Z', now)).toBe('just now');
    expect(formatAgo('2025-03-01T09:00:00Z', now)).toBe('3 hours ago');
    expect(formatAge('2025-03-01T11:59:48Z', now)).toBe('12 s ago');
    expect(formatAge('2025-03-01T11:58:00Z', now)).toBe('2 minutes ago');
  });

  it('writes every moment one way: local time with its zone', () => {
    const at = '2025-03-01T11:59:48.120Z';
    const d = new Date(at);
    const zone = zoneOf(d);
    expect(formatTimestamp(at)).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC([+−]\d{1,2}(:\d{2})?)?$/);
    expect(formatTimestamp(at).endsWith(` ${zone}`)).toBe(true);
    // The zone names the offset that makes the local reading equal to the instant.
    const [date, time] = formatTimestamp(at).split(' ');
    const sign = zone.includes('−') ? -1 : 1;
    const [h, m = '0'] = zone.replace(/^UTC[+−]?/, '').split(':');
    const offsetMinutes = zone === 'UTC' ? 0 : sign * (Number(h) * 60 + Number(m));
    expect(Date.parse(`${date}T${time}Z`) - offsetMinutes * 60_000).toBe(Math.floor(d.getTime() / 1000) * 1000);
    expect(formatTimestamp('not a time')).toBe('not a time');
  });

  it('names the zone by its offset', () => {
    const at = (offsetMinutes: number) => ({ getTimezoneOffset: () => -offsetMinutes }) as Date;
    expect(zoneOf(at(0))).toBe('UTC');
    expect(zoneOf(at(60))).toBe('UTC+1');
    expect(zoneOf(at(330))).toBe('UTC+5:30');
    expect(zoneOf(at(-180))).toBe('UTC−3');
  });

  it('finds the folder of a path on any host', () => {
    expect(folderOf('/srv/chat/db.backups/x.sqlite')).toBe('/srv/chat/db.backups');
    expect(folderOf('C:\\data\\x.sqlite')).toBe('C:\\data');
  });
});

describe('compareVersions', () => {
  it('compares as semantic versions, not as text', () => {
    expect(compareVersions('1.10.0', '1.9.0')).toBe(1);
    expect(compareVersions('1.2.0', '1.2.0')).toBe(0);
    expect(compareVersions('0.9.9', '1.0.0')).toBe(-1);
  });
});

describe('repairability', () => {
  it('recreates missing tables and indexes, and says why not for a changed column', () => {
    expect(isRepairable(MISSING_TABLE)).toBe(true);
    expect(isRepairable(MISSING_INDEX)).toBe(true);
    expect(isRepairable(CHANGED_COLUMN)).toBe(false);
    expect(whyNotRepairable(CHANGED_COLUMN)).toMatch(/rebuilding its table/);
  });
});

import { describe, expect, it } from 'vitest';
import { formatElapsed, wrapToWidth } from './output';

describe('formatElapsed: a time taken in the unit a person reads', () => {
  it('milliseconds under a second, seconds with a tenth under a minute, then minutes and seconds', () => {
    expect([840, 6810, 59_949, 125_000, 3_600_000].map(formatElapsed)).toEqual(['840 ms', '6.8 s', '59.9 s', '2 min 5 s', '60 min 0 s']);
  });
});

describe('wrapToWidth', () => {
  it('wraps at spaces, keeps its own line breaks, and gives a word longer than a line a line of its own', () => {
    expect(wrapToWidth('Replace the database with the backup?\nType yes: ', 16)).toBe('Replace the\ndatabase with\nthe backup?\nType yes: ');
    expect(wrapToWidth('from /a/very/long/path/to/a/backup.sqlite now', 12)).toBe('from\n/a/very/long/path/to/a/backup.sqlite\nnow');
  });
});

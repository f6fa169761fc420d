import { describe, expect, it } from 'vitest';
import { progressReporter } from './progress';

// The bar draws on a terminal that can move its cursor, and on nothing else.

/** A stream that says it is a terminal and keeps what is written to it. */
function fakeTerminal() {
  const written: string[] = [];
  const stream = { isTTY: true, columns: 80, write: (chunk: string) => (written.push(String(chunk)), true), cursorTo: () => true, clearLine: () => true, moveCursor: () => true, on: () => stream, removeListener: () => stream } as unknown as NodeJS.WriteStream;
  return { stream, written };
}

describe('progressReporter', () => {
  it('draws a bar on a terminal, and clears it when stopped', () => {
    const { stream, written } = fakeTerminal();
    const progress = progressReporter(stream, 'xterm-256color');
    progress.report({ operation: 'verify', phase: 'integrity_check', done: 1, total: 3 });
    progress.stop();
    expect(written.join('')).toContain('33% | verify: integrity_check');
  });

  it('draws nothing when TERM=dumb', () => {
    const { stream, written } = fakeTerminal();
    const progress = progressReporter(stream, 'dumb');
    progress.report({ operation: 'verify', phase: 'integrity_check', done: 1, total: 3 });
    progress.stop();
    expect(written).toEqual([]);
  });
});

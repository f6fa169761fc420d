import { describe, expect, it } from 'vitest';
import { progressReporter } from './progress';

// The bar draws on a terminal that can move its cursor, and on nothing else.

/** A stream that says it is a terminal and keeps what is written to it. */
function fakeTerminal() {
  const written: string[] = [];
  const stream = {
    isTTY: true,
    columns: 80,
    write: (chunk: string) => (written.push(String(chunk)), true),
    cursorTo: () => true,
    clearLine: () => true,
    moveCursor: () => true,
    on: () => stream,
    removeListener: () => stream,
  } as unknown as NodeJS.WriteStream;
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

  it('says the time left where the phase is measured in pages or bytes, and not for steps of any length', async () => {
    const pages = fakeTerminal();
    const copying = progressReporter(pages.stream, 'xterm');
    copying.report({ operation: 'backup', phase: 'copying pages', done: 100, total: 1000, unit: 'pages', pageSize: 4096 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    copying.report({ operation: 'backup', phase: 'copying pages', done: 200, total: 1000, unit: 'pages', pageSize: 4096 });
    copying.stop();
    expect(pages.written.join('')).toMatch(/20% \| \d+s left \| backup: copying pages/);

    const steps = fakeTerminal();
    const migrating = progressReporter(steps.stream, 'xterm');
    migrating.report({ operation: 'migrate', phase: 'applying 1.1.0', done: 0, total: 3 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    migrating.report({ operation: 'migrate', phase: 'applying 1.2.0', done: 1, total: 3 });
    migrating.stop();
    expect(steps.written.join('')).toContain('33% | migrate: applying 1.2.0');
    expect(steps.written.join('')).not.toContain('left');
  });

  it('draws nothing when TERM=dumb', () => {
    const { stream, written } = fakeTerminal();
    const progress = progressReporter(stream, 'dumb');
    progress.report({ operation: 'verify', phase: 'integrity_check', done: 1, total: 3 });
    progress.stop();
    expect(written).toEqual([]);
  });
});

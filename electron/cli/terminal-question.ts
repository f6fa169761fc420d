import { createInterface } from 'node:readline/promises';

/** Asks a yes-or-no question; the question is built for the terminal's width in columns. */
export type Ask = (question: (width: number) => string) => Promise<boolean>;

/** Columns when stderr is a terminal that says (80 otherwise, as terminals start). */
function terminalWidth(): number {
  return process.stderr.columns || 80;
}

/** Asks on the terminal (stderr); Ctrl-C or anything but yes is a no. */
export async function confirmedOnTerminal(question: (width: number) => string): Promise<boolean> {
  const terminal = createInterface({ input: process.stdin, output: process.stderr });
  const asking = new AbortController();
  terminal.on('SIGINT', () => asking.abort());
  try {
    const answer = await terminal.question(question(terminalWidth()), { signal: asking.signal });
    return /^y(es)?$/i.test(answer.trim());
  } catch (err) {
    if ((err as Error).name === 'AbortError') return false;
    throw err;
  } finally {
    terminal.close();
  }
}

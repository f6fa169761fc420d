import type { App, BrowserWindow } from 'electron';

/**
 * One app per user: two would write the same kept tokens, recent databases and fleet file at once.
 * Electron's lock is per userData folder, so userData must be settled before this is called. The
 * second instance quits before it starts anything; the first brings its window forward.
 * Returns whether this process is the one that runs.
 */
export function runAsOnlyInstance(
  app: Pick<App, 'requestSingleInstanceLock' | 'quit' | 'on'>,
  firstWindow: () => Pick<BrowserWindow, 'isMinimized' | 'restore' | 'focus'> | undefined,
  start: () => void,
): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', () => {
    const first = firstWindow();
    if (first?.isMinimized()) first.restore();
    first?.focus();
  });
  start();
  return true;
}

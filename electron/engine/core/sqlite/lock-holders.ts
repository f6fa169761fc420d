import { readFileSync, statSync } from 'node:fs';

// Who holds a database's locks: Linux lists each file lock's process in /proc/locks (SQLite takes
// POSIX locks on the database file), so a sentence about a locked database can name the process;
// elsewhere it says only that the file is locked.

/** The processes holding a lock on `file`, as "process 1234 (sqlite3)", or [] when it cannot tell. */
export function lockHolders(file: string): string[] {
  let locks: string;
  let inode: number;
  let device: string;
  try {
    const stat = statSync(file);
    inode = stat.ino;
    // Linux's device number as /proc/locks prints it: major:minor in hex.
    device = `${((stat.dev >> 8) & 0xfff).toString(16)}:${((stat.dev & 0xff) | ((stat.dev >> 12) & 0xfff00)).toString(16)}`;
    locks = readFileSync('/proc/locks', 'utf8');
  } catch {
    return []; // not Linux, or the file went away: nothing to tell
  }
  const pids = new Set<number>();
  for (const line of locks.split('\n')) {
    // "1: POSIX  ADVISORY  WRITE 4242 08:01:393219 1073741824 1073742335"
    const match = /^\d+:\s+(?:->\s+)?\S+\s+\S+\s+\S+\s+(-?\d+)\s+([0-9a-f]+):([0-9a-f]+):(\d+)\s/.exec(line);
    if (!match || Number(match[4]) !== inode || `${parseInt(match[2], 16).toString(16)}:${parseInt(match[3], 16).toString(16)}` !== device) continue;
    const pid = Number(match[1]);
    if (pid > 0 && pid !== process.pid) pids.add(pid);
  }
  return [...pids].map((pid) => {
    try {
      return `process ${pid} (${readFileSync(`/proc/${pid}/comm`, 'utf8').trim()})`;
    } catch {
      return `process ${pid}`;
    }
  });
}

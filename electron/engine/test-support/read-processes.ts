import { readdirSync, readFileSync } from 'node:fs';

/** The read processes (read-process.ts) this test process has running now, by pid: its children whose command line loads better-sqlite3, read from /proc. */
export function runningReadProcesses(): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The parent pid is the fourth field, after the command name in parentheses (which may hold spaces).
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === process.pid && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('better-sqlite3')) found.push(Number(entry));
    } catch {}
  }
  return found;
}

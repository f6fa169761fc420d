import { spawn, type ChildProcess } from 'node:child_process';
import { REPO_ROOT } from '../../engine/test-support/fixtures';

// Settings shared by the reliability suite. `npm test` runs its short version; `npm run test:soak`
// sets WARDEN_SOAK=1, which scales rounds and durations up. WARDEN_SEED replays a run's random
// choices (each file prints the seed it used).

export const SOAK = process.env.WARDEN_SOAK === '1';

/** `short` in `npm test`, `soak` under `npm run test:soak`. */
export function scaled<T>(short: T, soak: T): T {
  return SOAK ? soak : short;
}

/** The seed of this run: WARDEN_SEED when given, a fresh one otherwise. Printed, so a failure can be replayed. */
export function seedFor(label: string): number {
  const given = process.env.WARDEN_SEED;
  const seed = given !== undefined && given !== '' ? Number(given) >>> 0 : Math.floor(Math.random() * 2 ** 32) >>> 0;
  console.log(`${label}: seed ${seed} (replay with WARDEN_SEED=${seed})`);
  return seed;
}

/** A TypeScript script of this repository in its own Node process, run through tsx. */
export function spawnTsx(script: string, args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every 10 ms until it holds; fails with `what` after `timeoutMs`. */
export async function until(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

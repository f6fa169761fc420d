import { AsyncLocalStorage } from 'node:async_hooks';
import { hostname, userInfo } from 'node:os';

/** Who the process runs as: user@host. */
function processUser(): string {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = process.env.USER ?? 'unknown'; // userInfo() throws when the uid has no passwd entry (containers)
  }
  return `${user}@${hostname()}`;
}

/**
 * Who is acting, as the history records it: user@host (pid N), or, for a person a host acts for
 * (the operator of `warden serve`), "alice via warden serve (user@host, pid N)".
 */
export function actorFor(operator?: string): string {
  return operator ? `${operator} (${processUser()}, pid ${process.pid})` : `${processUser()} (pid ${process.pid})`;
}

// The person an engine job acts for, from the host's request down to the history rows it writes,
// without threading it through every engine function.
const actingFor = new AsyncLocalStorage<string>();

/** Runs `work` (and whatever it awaits) on behalf of `operator`, e.g. "alice via warden serve". */
export function actingAs<T>(operator: string | undefined, work: () => T): T {
  return operator ? actingFor.run(operator, work) : work();
}

/** Who is acting now: the operator of the job being run, if any, and the process's user. */
export function currentActor(): string {
  return actorFor(actingFor.getStore());
}

export function nowIso(): string {
  return new Date().toISOString();
}

import { hostname, userInfo } from 'node:os';

/** Who is acting, as the history records it: user@host (pid N). */
export function currentActor(): string {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = process.env.USER ?? 'unknown'; // userInfo() throws when the uid has no passwd entry (containers)
  }
  return `${user}@${hostname()} (pid ${process.pid})`;
}

export function nowIso(): string {
  return new Date().toISOString();
}

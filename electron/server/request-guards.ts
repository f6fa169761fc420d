import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { hostname, networkInterfaces } from 'node:os';
import type { ErrorInfo } from '../../shared/errors';
import { OPERATOR_NAME, OPERATOR_NAME_RULE } from '../../shared/operator-name';
import { HTTP_OPERATOR_HEADER } from '../../shared/transport';

// Who may talk to `warden serve`: whoever holds this start's token, through a Host header that
// names this server. The Host check defeats DNS rebinding: a hostile page whose name was
// re-pointed at 127.0.0.1 still sends its own name in Host.

export function createToken(): string {
  return randomBytes(32).toString('base64url');
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Constant-time: comparing digests makes the time independent of where, or whether, lengths differ. */
export function tokenMatches(expected: string, presented: string | null): boolean {
  return presented !== null && timingSafeEqual(digest(expected), digest(presented));
}

/** The token of `Authorization: Bearer <token>`, or null. */
export function bearerToken(req: IncomingMessage): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match ? match[1] : null;
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::']);

function asHostName(address: string): string {
  return address.includes(':') && !address.startsWith('[') ? `[${address}]` : address.toLowerCase();
}

/** The Host header values (name:port) that name this server when it listens on `bindHost`. */
export function hostHeadersFor(bindHost: string, port: number): Set<string> {
  const names = new Set(LOOPBACK_NAMES);
  if (WILDCARD_HOSTS.has(bindHost)) {
    names.add(hostname().toLowerCase());
    for (const addresses of Object.values(networkInterfaces())) for (const a of addresses ?? []) names.add(asHostName(a.address));
  } else {
    names.add(asHostName(bindHost));
  }
  const headers = new Set<string>();
  for (const name of names) {
    headers.add(`${name}:${port}`);
    if (port === 80) headers.add(name);
  }
  return headers;
}

export function hostAllowed(req: IncomingMessage, allowed: Set<string>): boolean {
  return allowed.has((req.headers.host ?? '').toLowerCase());
}

/** The operator a call names (X-Warden-Operator, percent-encoded), undefined when it names none, or why the name is refused. */
export function operatorFrom(req: IncomingMessage): string | undefined | ErrorInfo {
  const raw = req.headers[HTTP_OPERATOR_HEADER.toLowerCase()];
  if (raw === undefined) return undefined;
  let name = '';
  try {
    name = typeof raw === 'string' ? decodeURIComponent(raw).trim() : '';
  } catch {
    // not valid percent-encoding: refused below like any other bad name
  }
  if (OPERATOR_NAME.test(name)) return name;
  return {
    code: 'INVALID_INPUT',
    message: `The ${HTTP_OPERATOR_HEADER} header does not hold an operator's name: it must be ${OPERATOR_NAME_RULE}, percent-encoded.`,
    hint: 'Give your name as letters, digits and spaces (the console asks for it once per browser session).',
    details: { field: 'operator' },
  };
}

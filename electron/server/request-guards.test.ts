import type { IncomingMessage } from 'node:http';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { bearerToken, createToken, hostAllowed, hostHeadersFor, tokenMatches } from './request-guards';

const withHeaders = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('tokens', () => {
  it('are random per start and long enough', () => {
    const a = createToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(createToken()).not.toBe(a);
  });

  it('match only exactly, whatever the length presented', () => {
    const token = createToken();
    expect(tokenMatches(token, token)).toBe(true);
    expect(tokenMatches(token, `${token}x`)).toBe(false);
    expect(tokenMatches(token, token.slice(1))).toBe(false);
    expect(tokenMatches(token, '')).toBe(false);
    expect(tokenMatches(token, null)).toBe(false);
  });

  it('are read from a Bearer authorization header only', () => {
    expect(bearerToken(withHeaders({ authorization: 'Bearer abc' }))).toBe('abc');
    expect(bearerToken(withHeaders({ authorization: 'bearer abc ' }))).toBe('abc');
    expect(bearerToken(withHeaders({ authorization: 'Basic abc' }))).toBeNull();
    expect(bearerToken(withHeaders({}))).toBeNull();
  });
});

describe('Host headers', () => {
  it('name the server by loopback names and its port when bound to loopback', () => {
    const allowed = hostHeadersFor('127.0.0.1', 7373);
    for (const host of ['127.0.0.1:7373', 'localhost:7373', '[::1]:7373', 'LOCALHOST:7373'])
      expect(hostAllowed(withHeaders({ host }), allowed), host).toBe(true);
    for (const host of ['127.0.0.1:7374', 'attacker.example:7373', 'localhost', '127.0.0.1.nip.io:7373', ''])
      expect(hostAllowed(withHeaders({ host }), allowed), host).toBe(false);
  });

  it('also name the machine and its addresses when bound to every interface', () => {
    const allowed = hostHeadersFor('0.0.0.0', 8080);
    expect(allowed.has(`${hostname().toLowerCase()}:8080`)).toBe(true);
    expect(allowed.has('attacker.example:8080')).toBe(false);
  });

  it('accept a bare name on port 80', () => {
    expect(hostHeadersFor('127.0.0.1', 80).has('localhost')).toBe(true);
  });
});

// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { httpTransport } from './http-transport';
import { rememberOperator } from './session-operator';

afterEach(() => {
  vi.unstubAllGlobals();
  sessionStorage.clear();
});

describe('httpTransport', () => {
  it('POSTs the input to /api/<method> with the bearer token and returns the envelope', async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify({ ok: true, result: [] }), { status: 200 }));
    vi.stubGlobal('fetch', fetch);
    const envelope = await httpTransport('t0k3n', 'http://127.0.0.1:8080').call('backups', { db: 'main' });
    expect(envelope).toEqual({ ok: true, result: [] });
    expect(fetch).toHaveBeenCalledWith('http://127.0.0.1:8080/api/backups', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer t0k3n' },
      body: JSON.stringify({ db: 'main' }),
    });
  });

  it('sends the operator named this session with each call, percent-encoded; none when none was given', async () => {
    const fetch = vi.fn(async (_url: string, _init: RequestInit) => new Response(JSON.stringify({ ok: true, result: [] }), { status: 200 }));
    vi.stubGlobal('fetch', fetch);
    rememberOperator('Zoë Álvarez');
    await httpTransport('t').call('backups', { db: 'main' });
    expect(fetch.mock.calls[0][1].headers).toEqual({
      'Content-Type': 'application/json',
      Authorization: 'Bearer t',
      'X-Warden-Operator': 'Zo%C3%AB%20%C3%81lvarez',
    });
    rememberOperator('');
    await httpTransport('t').call('backups', { db: 'main' });
    expect(fetch.mock.calls[1][1].headers).toEqual({ 'Content-Type': 'application/json', Authorization: 'Bearer t' });
  });

  it('opens one event stream for all its subscribers, and closes it when the last one leaves', () => {
    const opened: { url: string; closed: boolean; onmessage: ((m: { data: string }) => void) | null }[] = [];
    vi.stubGlobal(
      'EventSource',
      class {
        url: string;
        closed = false;
        onmessage: ((m: { data: string }) => void) | null = null;
        constructor(url: string) {
          this.url = url;
          opened.push(this);
        }
        close() {
          this.closed = true;
        }
      },
    );
    const transport = httpTransport('t0k3n', '/fleet/vm1');
    const seen: string[][] = [[], [], []];
    const leave = seen.map((into) => transport.subscribe((event) => into.push(event.type)));
    // A browser keeps six connections per host: a stream per subscriber left none for the calls.
    expect(opened.map((s) => s.url)).toEqual(['/fleet/vm1/api/events?token=t0k3n']);
    opened[0].onmessage!({ data: JSON.stringify({ type: 'job', job: {} }) });
    expect(seen).toEqual([['job'], ['job'], ['job']]);
    leave[0]();
    leave[1]();
    expect(opened[0].closed).toBe(false);
    leave[2]();
    expect(opened[0].closed).toBe(true);
    transport.subscribe(() => undefined);
    expect(opened).toHaveLength(2);
  });

  it('passes error envelopes through as they are', async () => {
    const error = { code: 'UNKNOWN_DATABASE', message: 'No database "x" is served here.' };
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ ok: false, error }), { status: 404 }));
    expect(await httpTransport('t').call('status', { db: 'x' })).toEqual({ ok: false, error });
  });

  it('explains a refused token in words when the answer is not an envelope', async () => {
    vi.stubGlobal('fetch', async () => new Response('Unauthorized', { status: 401 }));
    const envelope = await httpTransport(null).call('status', { db: 'main' });
    expect(envelope.ok).toBe(false);
    if (!envelope.ok) expect(envelope.error.message).toMatch(/access token is missing or no longer valid/);
  });

  it('says the server cannot be reached when fetch fails', async () => {
    vi.stubGlobal('fetch', async () => Promise.reject(new TypeError('Failed to fetch')));
    const envelope = await httpTransport('t').call('status', { db: 'main' });
    expect(envelope.ok === false && envelope.error.message).toBe('The console cannot reach the Schema Warden server.');
  });
});

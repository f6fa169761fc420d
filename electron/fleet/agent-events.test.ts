import { describe, expect, it } from 'vitest';
import { parseEventText } from './agent-events';

// The server-sent-event text of an agent's /api/events, as it arrives in chunks.

describe('parseEventText', () => {
  it('reads each data line as an event, skips keep-alives and keeps an unfinished event for the next chunk', () => {
    const job = { type: 'status', db: 'a', status: null };
    const whole = `: connected\n\ndata: ${JSON.stringify(job)}\n\n: keep-alive\n\ndata: ${JSON.stringify({ ...job, db: 'b' })}\n\n`;
    const cut = whole.length - 10;
    const first = parseEventText(whole.slice(0, cut));
    expect(first.events).toEqual([job]);
    const second = parseEventText(first.rest + whole.slice(cut));
    expect(second).toEqual({ events: [{ ...job, db: 'b' }], rest: '' });
  });

  it('joins an event spread over several data lines, reads CRLF, and skips what is not JSON', () => {
    expect(parseEventText('data: {"type":\r\ndata: "job"}\r\n\r\ndata: <html>\n\n').events).toEqual([{ type: 'job' }]);
  });
});

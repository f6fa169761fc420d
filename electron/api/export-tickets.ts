import { randomBytes } from 'node:crypto';
import type { ValidInput } from '../../shared/contract';
import { WardenError } from '../engine';

// The HTTP host's one-time download addresses for exports (result-export.ts, export-download.ts).

type ExportInput = ValidInput<'exportResult'>;

/** How long a ticket waits for its GET, and how many may wait at once (each is one export's input). */
const TICKET_TTL_MS = 60_000;
const MAX_TICKETS = 32;

/** One-time download addresses: a ticket is 128 random bits, taken once, forgotten after a minute. */
export class ExportTickets {
  private readonly waiting = new Map<string, { input: ExportInput; expires: number }>();

  issue(input: ExportInput, now = Date.now()): string {
    for (const [ticket, kept] of this.waiting) if (kept.expires <= now) this.waiting.delete(ticket);
    if (this.waiting.size >= MAX_TICKETS)
      throw new WardenError(
        'LOCKED',
        `${MAX_TICKETS} exports are waiting to be downloaded already.`,
        'Download or let them lapse (a minute), then export again.',
      );
    const ticket = randomBytes(16).toString('hex');
    this.waiting.set(ticket, { input, expires: now + TICKET_TTL_MS });
    return ticket;
  }

  /** The export a ticket stands for, once: null when unknown, taken or expired. */
  take(ticket: string, now = Date.now()): ExportInput | null {
    const kept = this.waiting.get(ticket);
    this.waiting.delete(ticket);
    return kept && kept.expires > now ? kept.input : null;
  }
}

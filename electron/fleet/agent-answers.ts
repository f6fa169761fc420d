import * as z from 'zod/mini';

// What an agent's answer may cost this host, and what it must look like, decided per method.
// Bytes alone are no bound: 200 MB of `[{},{},…]` is twenty million objects once parsed, and took
// `warden serve --fleet` down by memory. So the text is measured first (values and depth, one
// pass, nothing built), parsed only within its limits, and what the fleet reads of it is checked
// against the contract: one agent's wrong-typed field is that agent's failure, not the fleet's.

export interface AnswerLimits {
  /** Bytes of the whole HTTP body. */
  bytes: number;
  /** Objects and arrays in it, counted before parsing. */
  containers: number;
  /** How deeply they nest. */
  depth: number;
}

const MB = 1024 * 1024;
/** A status, verify or backup answer: tens of kB in real life (problems are capped at 50 per kind by the engine). */
const SMALL: AnswerLimits = { bytes: 4 * MB, containers: 50_000, depth: 32 };
/** Lists and plans that grow with a database's history or schema: a few MB in real life. */
const LARGE: AnswerLimits = { bytes: 32 * MB, containers: 400_000, depth: 32 };

/** Every method a fleet sends to an agent: its own calls (deployment-client's FleetMethod), and the two it makes on the way (which database, cancel). */
export type AgentMethod = 'status' | 'verify' | 'plan' | 'rehearse' | 'migrate' | 'backup' | 'backups' | 'schemaObjects' | 'listDatabases' | 'cancel';

export const ANSWER_LIMITS: Record<AgentMethod, AnswerLimits> = {
  listDatabases: SMALL,
  cancel: SMALL,
  status: SMALL,
  verify: SMALL,
  backup: SMALL,
  migrate: SMALL,
  backups: LARGE,
  plan: LARGE,
  rehearse: LARGE,
  schemaObjects: LARGE,
};

/**
 * Why `text` costs more than `limits` allow, or null when it is within them: objects and arrays
 * counted, and their depth, in one pass that skips over strings. Nothing is allocated.
 */
export function overLimits(text: string, limits: AnswerLimits): string | null {
  if (text.length > limits.bytes) return `its answer is ${Math.round(text.length / MB)} MB, more than the ${limits.bytes / MB} MB this call ever needs`;
  let containers = 0;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      // Skip the string, escapes included.
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c /* \ */) i++;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++containers > limits.containers)
        return `its answer holds more than ${limits.containers.toLocaleString('en-US')} objects and lists, more than this call ever needs`;
      if (++depth > limits.depth) return `its answer nests deeper than ${limits.depth} levels, deeper than any answer of Schema Warden`;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    }
  }
  return null;
}

const health = z.enum(['healthy', 'degraded', 'unhealthy', 'not_initialized']);
const text = z.string();
const version = z.nullable(z.string());
const problem = z.looseObject({ severity: z.enum(['error', 'warning']), message: text });
const integrity = z.looseObject({ ok: z.boolean(), messages: z.array(text) });
const backupInfo = z.looseObject({ name: text, createdAt: text, bytes: z.number(), version, verified: z.nullable(z.looseObject({ ok: z.boolean() })) });

/** What the fleet reads of each answer (fleet-status, fleet-actions, rolling-migrate, compare): checked before it is read. */
const ANSWER_SHAPES: Record<AgentMethod, z.ZodMiniType> = {
  listDatabases: z.array(z.looseObject({ id: text })),
  cancel: z.looseObject({ cancelled: z.boolean() }),
  status: z.looseObject({
    exists: z.boolean(),
    status: health,
    reason: text,
    version,
    latest: text,
    pending: z.array(text),
    problems: z.array(problem),
    checkedAt: text,
  }),
  verify: z.looseObject({ status: health, reason: text, version, problems: z.array(problem) }),
  backup: backupInfo,
  backups: z.array(backupInfo),
  migrate: z.looseObject({ to: text, backup: z.nullable(backupInfo) }),
  rehearse: z.looseObject({
    ok: z.boolean(),
    steps: z.array(z.looseObject({ ok: z.boolean() })),
    integrity: z.nullable(integrity),
    drift: z.array(problem),
    durationMs: z.number(),
    serviceStatements: z.nullable(z.looseObject({ results: z.array(z.looseObject({ outcome: text })) })),
  }),
  plan: z.looseObject({ steps: z.array(z.looseObject({ version: text })) }),
  schemaObjects: z.looseObject({
    version,
    objects: z.array(z.looseObject({ type: z.enum(['table', 'index', 'view', 'trigger']), name: text, table: text, sql: z.nullable(text) })),
  }),
};

/** Where `result` departs from what `method` answers (the first place, in words), or null when it is an answer the fleet can read. */
export function misshapen(method: AgentMethod, result: unknown): string | null {
  const checked = z.safeParse(ANSWER_SHAPES[method], result);
  if (checked.success) return null;
  const issue = checked.error.issues[0];
  const where = issue.path.length ? issue.path.join('.') : 'the answer';
  return `${where}: ${issue.message}`;
}

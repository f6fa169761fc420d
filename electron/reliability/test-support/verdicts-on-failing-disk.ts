import { checkHealth } from '../../engine/actions/health';
import { initialize } from '../../engine/actions/initialize';
import { loadSchema } from '../../engine/core/schema/schema-folder';
import { status } from '../../engine/actions/status';
import { verify } from '../../engine/actions/verify';
import { WardenError } from '../../engine/errors';

// The engine's verdicts on one database, called as a library (a service's start-up would call
// initialize so), in a process whose reads of the file fail (failing-reads.ts preloaded):
//
//   node --import tsx verdicts-on-failing-disk.ts DB SCHEMA_DIR
//
// Prints one JSON line: for status, verify (quick and full) and initialize, the error each threw
// (code, message, hint) or the status it gave; and the health entry the endpoint would serve.

const [dbPath, schemaDir] = process.argv.slice(2);
const ctx = { dbPath, schema: loadSchema(schemaDir), busyTimeoutMs: 2_000 };

type Outcome = { error: { code: string; message: string; hint?: string } } | { status: string; reason: string };

async function outcomeOf(run: () => Promise<{ status?: string; reason?: string; verdict?: { status: string; reason: string } }>): Promise<Outcome> {
  try {
    const done = await run();
    const judged = done.verdict ?? done;
    return { status: String(judged.status), reason: String(judged.reason) };
  } catch (err) {
    if (err instanceof WardenError) return { error: { code: err.code, message: err.message, hint: err.hint } };
    return { error: { code: `not a WardenError: ${(err as Error).name}`, message: String((err as Error).stack) } };
  }
}

const outcomes = {
  status: await outcomeOf(async () => status(ctx)),
  verifyQuick: await outcomeOf(() => verify(ctx, 'quick')),
  verifyFull: await outcomeOf(() => verify(ctx, 'full')),
  initialize: await outcomeOf(() => initialize(ctx)),
  health: checkHealth(ctx, 'files').health,
};
process.stdout.write(`${JSON.stringify(outcomes)}\n`);

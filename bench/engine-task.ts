import { initialize } from '../electron/engine/initialize';
import { migrate } from '../electron/engine/migrate';
import { loadSchema } from '../electron/engine/schema-folder';
import { verify } from '../electron/engine/verify';
import type { EngineContext } from '../electron/engine/context';

// One engine call in a process of its own, as a Node service calls the engine at start-up:
// `node engine-task.mjs <init|migrate|verify-quick|verify-full> <db> <schema-dir>`.
// Prints {"ms": time of the call alone, "cpuMs", "outcome"}; the parent reads peak memory.

const [task, dbPath, schemaDir] = process.argv.slice(2);
const ctx: EngineContext = { dbPath, schema: loadSchema(schemaDir) };

function call(): string {
  switch (task) {
    case 'init':
      return initialize(ctx).to;
    case 'migrate':
      return migrate(ctx).to;
    case 'verify-quick':
    case 'verify-full': {
      const report = verify(ctx, task === 'verify-quick' ? 'quick' : 'full');
      return `${report.status} integrity=${report.integrity.ok} fk=${report.foreignKeyViolations.length}`;
    }
    default:
      throw new Error(`unknown task ${task}`);
  }
}

const cpuBefore = process.cpuUsage();
const started = performance.now();
const outcome = call();
const ms = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
process.stdout.write(`${JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, outcome })}\n`);

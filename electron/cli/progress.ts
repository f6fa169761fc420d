import cliProgress, { type Options, type Params } from 'cli-progress';
import type { Progress } from '../../shared/types/jobs';

// cli-progress is CommonJS: Node's ES module loader finds SingleBar and Presets among its named exports, not Format.
const { Format, Presets, SingleBar } = cliProgress;

const PLAIN = ' {bar} {percentage}% | {operation}: {phase}';
/** Time left only where done and total measure work evenly (pages, bytes), not steps of any length. */
const WITH_TIME_LEFT = ' {bar} {percentage}% | {eta_formatted} left | {operation}: {phase}';

/** The bar's line: with the time left when the phase is measured in pages or bytes and an estimate exists. */
function barLine(options: Options, params: Params, payload: { measured?: boolean }): string {
  const estimated = payload.measured && Number.isFinite(params.eta) && params.eta > 0;
  return Format.Formatter({ ...options, format: estimated ? WITH_TIME_LEFT : PLAIN }, params, payload);
}

/**
 * A progress bar on stderr when it is a terminal that can draw one; nothing otherwise (logs and
 * JSON stay clean, and TERM=dumb, Emacs' shell and the like, gets no cursor movement it would print).
 */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr, term = process.env.TERM): { report: (p: Progress) => void; stop: () => void } {
  if (!stream.isTTY || term === 'dumb') return { report: () => {}, stop: () => {} };
  let bar: InstanceType<typeof SingleBar> | null = null;
  return {
    report(p) {
      const payload = { operation: p.operation, phase: p.phase, measured: p.unit !== undefined };
      if (!bar) {
        bar = new SingleBar({ stream, format: barLine, hideCursor: true, clearOnComplete: true }, Presets.shades_classic);
        bar.start(p.total, p.done, payload);
      }
      bar.setTotal(p.total);
      bar.update(p.done, payload);
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}

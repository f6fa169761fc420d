import { SingleBar, Presets } from 'cli-progress';
import type { Progress } from '../../shared/types';

/**
 * A progress bar on stderr when it is a terminal that can draw one; nothing otherwise (logs and
 * JSON stay clean, and TERM=dumb, Emacs' shell and the like, gets no cursor movement it would print).
 */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr, term = process.env.TERM): { report: (p: Progress) => void; stop: () => void } {
  if (!stream.isTTY || term === 'dumb') return { report: () => {}, stop: () => {} };
  let bar: SingleBar | null = null;
  return {
    report(p) {
      if (!bar) {
        bar = new SingleBar({ stream, format: ' {bar} {percentage}% | {operation}: {phase}', hideCursor: true, clearOnComplete: true }, Presets.shades_classic);
        bar.start(p.total, p.done, { operation: p.operation, phase: p.phase });
      }
      bar.setTotal(p.total);
      bar.update(p.done, { operation: p.operation, phase: p.phase });
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}

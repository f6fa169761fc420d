import { estimatedMsLeft } from '../../../shared/job-progress';
import type { Job, Progress } from '../../../shared/types/jobs';
import { formatBytes, formatCount } from './format';

// How far a long operation is, in words: pages and MB where the engine counts the file, plain
// counts otherwise, and the time left once the rate is known.

/**
 * "1,024 of 40,000 pages (4.0 MB of 156 MB)", "48 MB of 156 MB", "step 2 of 3" (the one under
 * way); nothing for a single step, where "0 of 1" would say no more than the phase, nor once all are done.
 */
function progressAmount(progress: Progress): string {
  if (progress.total <= 0) return '';
  if (progress.unit === 'pages') {
    const bytes = progress.pageSize ? ` (${formatBytes(progress.done * progress.pageSize)} of ${formatBytes(progress.total * progress.pageSize)})` : '';
    return `${formatCount(progress.done)} of ${formatCount(progress.total)} pages${bytes}`;
  }
  if (progress.unit === 'bytes') return `${formatBytes(progress.done)} of ${formatBytes(progress.total)}`;
  // A single step, or every step done (the full bar says so, and the phase is "done"): no count.
  if (progress.total === 1 || progress.done >= progress.total) return '';
  return `step ${formatCount(progress.done + 1)} of ${formatCount(progress.total)}`;
}

/** "about 12 s left", "about 3 min left", "about 2 h 10 min left"; empty until a rate is known. */
function timeLeft(job: Job, now: number): string {
  const ms = estimatedMsLeft(job, now);
  if (ms === null) return '';
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 60) return `about ${seconds} s left`;
  const minutes = Math.round(seconds / 60);
  return minutes < 60 ? `about ${minutes} min left` : `about ${Math.floor(minutes / 60)} h ${minutes % 60} min left`;
}

/** The phase, how far it is and the time left, as one line. */
export function progressLine(progress: Progress, job: Job | null, now: number): string {
  return [progress.phase, progressAmount(progress), job ? timeLeft(job, now) : ''].filter(Boolean).join(' · ');
}

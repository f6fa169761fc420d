import type { HealthStatus } from '../../../shared/types';
import { HEALTH } from '../lib/health-labels';
import './HealthDot.css';

/** A coloured dot with its status in words for screen readers and as a tooltip. */
export function HealthDot({ status }: { status: HealthStatus | 'unknown' | 'error' }) {
  const tone = status === 'unknown' ? 'unknown' : status === 'error' ? 'bad' : HEALTH[status].tone;
  const label = status === 'unknown' ? 'Checking' : status === 'error' ? 'Cannot be read' : HEALTH[status].label;
  return (
    <span className={`health-dot health-dot--${tone}`} title={label}>
      <span className="visually-hidden">{label}</span>
    </span>
  );
}

import type { HealthStatus } from '../../../shared/types/status';
import { HEALTH } from '../lib/health-labels';
import './HealthDot.css';

/** A coloured dot with its status in words for screen readers and as a tooltip. */
const OTHER = { unknown: { tone: 'unknown', label: 'Checking' }, locked: { tone: 'warn', label: 'Locked' }, error: { tone: 'bad', label: 'Cannot be read' } };

export function HealthDot({ status }: { status: HealthStatus | keyof typeof OTHER }) {
  const { tone, label } = status in OTHER ? OTHER[status as keyof typeof OTHER] : HEALTH[status as HealthStatus];
  return (
    <span className={`health-dot health-dot--${tone}`} title={label}>
      <span className="visually-hidden">{label}</span>
    </span>
  );
}

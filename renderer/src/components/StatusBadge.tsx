import type { HealthStatus } from '../../../shared/types/status';
import { HEALTH } from '../lib/health-labels';
import { Tag } from './Tag';

export function StatusBadge({ status }: { status: HealthStatus }) {
  const { label, tone, glyph } = HEALTH[status];
  return (
    <Tag tone={tone} strong>
      <span aria-hidden="true">{glyph}</span>
      {label}
    </Tag>
  );
}

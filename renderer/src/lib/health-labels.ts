import type { HealthStatus } from '../../../shared/types/status';
import type { Tone } from '../components/Notice';

/** How each status reads and which colour goes with it (the words always come with the colour). */
export const HEALTH: Record<HealthStatus, { label: string; tone: Tone; glyph: string }> = {
  healthy: { label: 'Healthy', tone: 'ok', glyph: '✓' },
  degraded: { label: 'Degraded', tone: 'warn', glyph: '!' },
  unhealthy: { label: 'Unhealthy', tone: 'bad', glyph: '✕' },
  not_initialized: { label: 'Not initialized', tone: 'info', glyph: '○' },
};

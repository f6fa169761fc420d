// A database's health, the one word every surface shows (status, /api/health, the fleet): a module
// of its own, so that the fleet's types and the rest share it without importing each other.

export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy' | 'not_initialized';

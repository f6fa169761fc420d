import { describe, expect, it, vi } from 'vitest';
import { newOperationId, OperationActivityStore } from './operation-activity';
import { operationId } from '../../../shared/contract';

describe('OperationActivityStore', () => {
  it('keeps the latest progress and log line per operation and tells subscribers', () => {
    const store = new OperationActivityStore();
    const listener = vi.fn();
    store.subscribe(listener);
    store.record({ type: 'progress', operationId: 'op-1', db: 'main', progress: { operation: 'backup', phase: 'copying pages', done: 1, total: 4 } });
    store.record({ type: 'progress', operationId: 'op-1', db: 'main', progress: { operation: 'backup', phase: 'copying pages', done: 3, total: 4 } });
    store.record({ type: 'log', operationId: 'op-1', db: 'main', log: { level: 'info', message: 'Verifying', at: '2025-01-01T00:00:00.000Z' } });
    expect(store.activityOf('op-1')).toEqual({
      progress: { operation: 'backup', phase: 'copying pages', done: 3, total: 4 },
      log: { level: 'info', message: 'Verifying', at: '2025-01-01T00:00:00.000Z' },
    });
    expect(listener).toHaveBeenCalledTimes(3);
  });

  it('ignores events of no operation and answers null for unknown ones', () => {
    const store = new OperationActivityStore();
    store.record({ type: 'progress', operationId: null, db: 'main', progress: { operation: 'verify', phase: 'schema', done: 0, total: 3 } });
    expect(store.activityOf('op-1')).toBeNull();
    expect(store.activityOf(null)).toBeNull();
  });

  it('returns the same snapshot until something changes (useSyncExternalStore needs that)', () => {
    const store = new OperationActivityStore();
    store.record({ type: 'progress', operationId: 'op-1', db: 'main', progress: { operation: 'verify', phase: 'schema', done: 0, total: 3 } });
    expect(store.activityOf('op-1')).toBe(store.activityOf('op-1'));
  });
});

describe('newOperationId', () => {
  it('makes unique ids the contract accepts', () => {
    const a = newOperationId();
    expect(operationId.safeParse(a).success).toBe(true);
    expect(newOperationId()).not.toBe(a);
  });
});

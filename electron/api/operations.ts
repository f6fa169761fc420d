import { WardenError } from '../engine';

// Long operations in flight, by the operationId the client chose: `cancel` aborts one.

export interface RunningOperation {
  signal: AbortSignal;
  finish(): void;
}

export class Operations {
  private readonly running = new Map<string, AbortController>();

  /** Starts tracking an operation; without an id it cannot be cancelled, but still runs. */
  start(operationId: string | null): RunningOperation {
    const controller = new AbortController();
    if (operationId === null) return { signal: controller.signal, finish: () => {} };
    if (this.running.has(operationId)) {
      throw new WardenError('INVALID_INPUT', `An operation with the id ${operationId} is already running.`, 'Give each operation its own id (a UUID).', {
        field: 'operationId',
      });
    }
    this.running.set(operationId, controller);
    return { signal: controller.signal, finish: () => this.running.delete(operationId) };
  }

  /** True when an operation with this id was running and has been told to stop. */
  cancel(operationId: string): boolean {
    const controller = this.running.get(operationId);
    if (!controller) return false;
    controller.abort();
    return true;
  }
}

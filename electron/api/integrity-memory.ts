import type { CheckedIntegrity } from '../../shared/types/integrity';
import type { StatusReport } from '../../shared/types/status';

// The latest quick_check a host's status reads found, per database file (issue 14): handed back
// to the next status read, which reuses it while the file is unchanged and the check recent
// (see status() in the engine), so that live status and health checks every few seconds do not
// read every page of a large database each time.

export class IntegrityMemory {
  private readonly byPath = new Map<string, CheckedIntegrity>();

  recall(path: string): CheckedIntegrity | undefined {
    return this.byPath.get(path);
  }

  /** Keeps the check a status found (forgets it when the status could not be read). */
  remember(path: string, report: StatusReport | null): void {
    if (report?.integrity?.databaseStamp) this.byPath.set(path, report.integrity);
    else this.byPath.delete(path);
  }
}

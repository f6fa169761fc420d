import type { MethodName } from './contract';
import type { FleetActionReport, FleetStatusReport, OpenedFleet, RolloutReport, SchemaComparison } from './types/fleet';
import type { BackupInfo, BackupVerification, BackupScheduleInfo, RestorePreview, RestoreResult } from './types/backups';
import type { ExportStarted, QueryHistoryReport, QueryResult, RowChildrenReport, RowsPage, TablesReport } from './types/data';
import type { DatabaseEntry, SchemaFolderChoice, SchemaSummary } from './types/databases';
import type { HistoryReport } from './types/history';
import type { VerifyReport } from './types/integrity';
import type { HostInfo, Job } from './types/jobs';
import type { AcceptChecksumResult, BaselineResult, MigrateResult, MigrationPlan, RehearsalReport } from './types/migrations';
import type { RecoverRowsResult, RepairResult, SalvageReport } from './types/repair';
import type { SchemaDiagram, SchemaObjectsReport, SizesReport } from './types/schema';
import type { StatusReport } from './types/status';

/** What each method of the contract answers. */
export interface ApiResults {
  listSchemas: SchemaSummary[];
  listDatabases: DatabaseEntry[];
  openDatabase: DatabaseEntry | null;
  chooseSchemaFolder: SchemaFolderChoice | null;
  createDatabase: DatabaseEntry;
  closeDatabase: { closed: boolean };
  status: StatusReport;
  history: HistoryReport;
  tables: TablesReport;
  fleetStatus: FleetStatusReport;
  fleetMigrate: RolloutReport;
  fleetCompare: SchemaComparison;
  openFleet: OpenedFleet | null;
  keepFleetToken: { deployment: string; kept: true };
  forgetFleetToken: { deployment: string; forgotten: boolean };
  openDeployment: { deployment: string };
  fleetVerify: FleetActionReport;
  fleetBackup: FleetActionReport;
  schemaObjects: SchemaObjectsReport;
  schemaDiagram: SchemaDiagram;
  sizes: SizesReport;
  query: QueryResult;
  queryHistory: QueryHistoryReport;
  rows: RowsPage;
  exportResult: ExportStarted;
  rowChildren: RowChildrenReport;
  verify: VerifyReport;
  initialize: MigrateResult;
  migrate: MigrateResult;
  plan: MigrationPlan;
  rehearse: RehearsalReport;
  repair: RepairResult;
  baseline: BaselineResult;
  acceptChecksum: AcceptChecksumResult;
  backup: BackupInfo;
  backups: BackupInfo[];
  verifyBackup: BackupVerification;
  restore: RestoreResult;
  previewRestore: RestorePreview;
  openBackup: DatabaseEntry;
  openSalvaged: DatabaseEntry;
  backupSchedule: BackupScheduleInfo;
  setBackupSchedule: BackupScheduleInfo;
  recoverRows: RecoverRowsResult;
  hostInfo: HostInfo;
  jobs: Job[];
  salvage: SalvageReport;
  preserveCopy: BackupInfo;
  cancel: { cancelled: boolean };
}

// Compile-time check that every method has a result type and nothing else does.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
export const resultsCoverContract: Exact<keyof ApiResults, MethodName> = true;

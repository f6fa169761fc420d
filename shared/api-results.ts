import type { MethodName } from './contract';
import type { FleetActionReport, FleetStatusReport, OpenedFleet, RolloutReport } from './fleet-types';
import type {
  AcceptChecksumResult, BackupInfo, BackupVerification, BaselineResult, DatabaseEntry, HistoryReport, HostInfo, Job,
  MigrateResult, MigrationPlan, QueryResult, RecoverRowsResult, RehearsalReport, RepairResult, RowChildrenReport, RowsPage, SalvageReport, BackupScheduleInfo, RestorePreview, RestoreResult, SchemaDiagram, SchemaObjectsReport, SizesReport, SchemaSummary, StatusReport, TablesReport, VerifyReport,
} from './types';

/** What each method of the contract answers. */
export interface ApiResults {
  listSchemas: SchemaSummary[];
  listDatabases: DatabaseEntry[];
  openDatabase: DatabaseEntry | null;
  createDatabase: DatabaseEntry;
  closeDatabase: { closed: boolean };
  status: StatusReport;
  history: HistoryReport;
  tables: TablesReport;
  fleetStatus: FleetStatusReport;
  fleetMigrate: RolloutReport;
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
  rows: RowsPage;
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

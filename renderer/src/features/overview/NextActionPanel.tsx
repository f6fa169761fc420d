import type { ReactNode } from 'react';
import type { BackupInfo } from '../../../../shared/types/backups';
import type { VerifyReport } from '../../../../shared/types/integrity';
import type { MigrateResult } from '../../../../shared/types/migrations';
import type { StatusReport } from '../../../../shared/types/status';
import { ButtonLink } from '../../components/Button';
import { PreserveCopyAction } from '../../components/PreserveCopyAction';
import { StatusBadge } from '../../components/StatusBadge';
import type { LongOperation } from '../../hooks/use-long-operation';
import { plural } from '../../lib/format';
import { HEALTH } from '../../lib/health-labels';
import { hrefFor } from '../../lib/routes';
import { verdictOf } from '../../queries/health';
import { AcceptChecksumAction } from './AcceptChecksumAction';
import { AdoptAction } from './AdoptAction';
import { BackUpAction } from './BackUpAction';
import { RecoverRowsAction } from './RecoverRowsAction';
import { InitializeAction } from './InitializeAction';
import { nextActionFor, type NextAction } from './next-action';

interface NextActionPanelProps {
  db: string;
  status: StatusReport;
  verification: VerifyReport | undefined;
  initialize: LongOperation<string, MigrateResult>;
  /** Whether a backup exists to restore from (null: not known, or the host has no backups). */
  hasBackup: boolean | null;
  /** The database's backups, newest first (null: not known): a damaged file without a verified one is preserved first; Recover rows copies from the newest verified one. */
  backups?: BackupInfo[] | null;
}

function objectName(problem: { kind: string; name: string }) {
  return `${problem.kind.replace('_', ' ')} ${problem.name}`;
}

type ActionBodyProps = Pick<NextActionPanelProps, 'db' | 'status' | 'initialize' | 'hasBackup' | 'backups'> & { action: NextAction };

function ActionBody({ db, action, status, initialize, hasBackup, backups }: ActionBodyProps) {
  switch (action.kind) {
    case 'initialize':
      return (
        <Step
          title="Initialize the database"
          text={status.exists ? 'The file exists but holds no schema yet.' : 'There is no database file yet; initializing creates it.'}
        >
          <InitializeAction db={db} schema={status.schema} exists={status.exists} initialize={initialize} to={action.to} versions={status.pending} />
        </Step>
      );
    case 'update-tool':
      return (
        <Step
          title="Use a newer Schema Warden"
          text={`This database is at ${action.version}, newer than the latest version this tool knows (${action.latest}). Do not migrate or repair it with this version of the tool.`}
        />
      );
    case 'preserve':
      return (
        <Step
          title="Preserve a copy"
          text={`${action.why} There is no verified backup to restore. First keep the file exactly as it is: a byte copy with its journal or WAL, listed under Backups as a damaged copy and never restored from. Then salvage what can be read into a new file.`}
        >
          <div className="next-action__buttons">
            <PreserveCopyAction db={db} />
            <ButtonLink href={hrefFor(db, 'integrity')}>Then: see the damage and salvage…</ButtonLink>
          </div>
        </Step>
      );
    case 'salvage':
      return (
        <Step
          title="Salvage what can be read"
          text={`${action.why} The file as it is was preserved (${action.preserved}, under Backups). There is no verified backup: Salvage reads every row it can into a new file, and never writes to this one.`}
        >
          <ButtonLink variant="primary" href={hrefFor(db, 'integrity')}>
            See the damage and salvage…
          </ButtonLink>
        </Step>
      );
    case 'rebuild-indexes':
      return (
        <Step
          title="Rebuild the damaged indexes"
          text={`${action.why} Only indexes are damaged (${action.indexes.join(', ')}): every row is still in its table. Rebuilding them from their tables fixes the file in place, after a byte copy of it as it is.`}
        >
          <ButtonLink variant="primary" href={hrefFor(db, 'integrity')}>
            Review and rebuild…
          </ButtonLink>
        </Step>
      );
    case 'restore': {
      // The file itself is damaged: what SQLite can still read may be salvaged into a new file.
      const salvage = status.integrity?.ok === false && <ButtonLink href={hrefFor(db, 'integrity')}>Salvage what can be read…</ButtonLink>;
      if (hasBackup === false) {
        return (
          <Step
            title="No backup to restore"
            text={`${action.why} There is no backup of this database to restore: keep a copy of the file before anything else writes to it.`}
          >
            <div className="next-action__buttons">
              {status.integrity?.ok === false && <PreserveCopyAction db={db} />}
              {salvage}
            </div>
          </Step>
        );
      }
      return (
        <Step title="Restore a backup" text={action.why}>
          <div className="next-action__buttons">
            <ButtonLink variant="primary" href={hrefFor(db, 'backups')}>
              Choose a backup to restore…
            </ButtonLink>
            {salvage}
          </div>
        </Step>
      );
    }
    case 'repair':
      return (
        <Step
          title="Repair"
          text={`${plural(action.problems.length, 'missing object')} can be recreated from the expected schema: ${action.problems.slice(0, 4).map(objectName).join(', ')}${action.problems.length > 4 ? ', …' : ''}. Rows in other tables are not touched.`}
        >
          <ButtonLink variant="primary" href={hrefFor(db, 'integrity')}>
            Review and repair…
          </ButtonLink>
        </Step>
      );
    case 'adopt':
      return (
        <Step title="Adopt this database" text="Its tables were created without Schema Warden, so it has no version history yet.">
          <AdoptAction db={db} schema={status.schema} legacy={action.legacy} />
        </Step>
      );
    case 'adopt-and-migrate':
      return (
        <Step
          title={`Adopt as ${action.legacy.version} and migrate to ${action.to}`}
          text={`The service made this database (${action.legacy.table} records ${action.legacy.legacyVersion}) and its schema is exactly ${action.legacy.version}. Migrating records it as ${action.legacy.version}, then applies ${plural(action.pending.length, 'migration')}${action.pending.length ? ` (${action.pending.join(', ')})` : ''}, after a verified backup — as the service's start-up check does.`}
        >
          <ButtonLink variant="primary" href={hrefFor(db, 'plan')}>
            Review the migration plan…
          </ButtonLink>
        </Step>
      );
    case 'accept-checksum':
      return (
        <Step title="Decide about an edited migration" text={`${action.mismatch.file} changed after version ${action.mismatch.version} was applied from it.`}>
          <AcceptChecksumAction db={db} mismatch={action.mismatch} />
        </Step>
      );
    case 'migrate':
      return (
        <Step
          title={`Migrate to ${action.to}`}
          text={`${plural(action.pending.length, 'migration')} pending (${action.pending.join(', ')}). A verified backup is taken before the first step.`}
        >
          <ButtonLink variant="primary" href={hrefFor(db, 'plan')}>
            Review the migration plan…
          </ButtonLink>
        </Step>
      );
    case 'recover-rows': {
      const rows = action.orphans.reduce((n, p) => n + Number(p.actual ?? 0), 0);
      return (
        <Step
          title="Recover rows"
          text={`${plural(rows, 'row')} point at rows that are gone: ${action.orphans.map((p) => `${p.actual} of ${p.table} (missing in ${p.expected})`).join(', ')}. Copy the missing rows back from a verified backup, or delete the orphans; until then the database needs attention.`}
        >
          <RecoverRowsAction db={db} orphans={action.orphans} backups={backups ?? undefined} />
        </Step>
      );
    }
    case 'back-up':
      return (
        <Step
          title="Back up"
          text="A verified backup is the way back from a bad day: take one now, or have the host take them on a schedule (the Backups view says how)."
        >
          <BackUpAction db={db} />
        </Step>
      );
    case 'none':
      return <Step title="Nothing to do" text="No action is needed. Take a backup before changing anything by hand." />;
  }
}

/** The panel's one heading: an h2 under the database's h1 (an h3 here skipped a level: axe's heading-order). */
function Step({ title, text, children }: { title: string; text: string; children?: ReactNode }) {
  return (
    <div className="next-action__step">
      <h2 className="next-action__title">
        <span className="next-action__eyebrow">Next step</span>
        {title}
      </h2>
      <p className="next-action__text">{text}</p>
      {children}
    </div>
  );
}

/** The status in words and the one action that matters now. */
export function NextActionPanel({ db, status, verification, initialize, hasBackup, backups }: NextActionPanelProps) {
  const verdict = verdictOf(status, verification);
  const action = nextActionFor(status, verification, backups);
  return (
    <section className={`next-action next-action--${HEALTH[verdict.status].tone}`} aria-label="Status and next step">
      <div className="next-action__verdict">
        <StatusBadge status={verdict.status} />
        <p className="next-action__reason">{verdict.reason}</p>
      </div>
      <ActionBody db={db} action={action} status={status} initialize={initialize} hasBackup={hasBackup} backups={backups} />
    </section>
  );
}

import type { MigrationPlan } from '../../../../shared/types/migrations';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Notice } from '../../components/Notice';
import { plural } from '../../lib/format';

interface ApplyPlanDialogProps {
  plan: Pick<MigrationPlan, 'path' | 'from' | 'to'> &
    Partial<Pick<MigrationPlan, 'adopt' | 'repeatables'>> & { steps: { version: string; description?: string }[] };
  /** Where this database's backups go, when the host has shown one. */
  backupFolder: string | null;
  rehearsed: boolean;
  dangerCount: number;
  onConfirm: () => void;
  onClose: () => void;
}

/** The last word before a migration: the backup it takes first, the steps, and what a failure leaves. */
export function ApplyPlanDialog({ plan, backupFolder, rehearsed, dangerCount, onConfirm, onClose }: ApplyPlanDialogProps) {
  const from = plan.from ?? (plan.adopt ? `${plan.adopt.version} (adopted)` : 'empty');
  return (
    <ConfirmDialog title={`Migrate from ${from} to ${plan.to}?`} confirmLabel={`Back up and migrate to ${plan.to}`} onConfirm={onConfirm} onClose={onClose}>
      <p>
        First, a verified <strong>pre-migrate backup</strong> of <code>{plan.path}</code> is taken
        {backupFolder ? (
          <>
            {' '}
            into <code>{backupFolder}</code>
          </>
        ) : (
          ' into the database’s backup folder'
        )}
        . Its name appears in the outcome and under Backups.
      </p>
      {plan.adopt && (
        <p>
          Then it is recorded as <span className="mono">{plan.adopt.version}</span>, the version its {plan.adopt.table} records ({plan.adopt.legacyVersion}).
        </p>
      )}
      {plan.steps.length > 0 && (
        <>
          <p>Then {plural(plan.steps.length, 'step')}, each in its own transaction:</p>
          <ol className="plain-list">
            {plan.steps.map((s) => (
              <li key={s.version}>
                <span className="mono">{s.version}</span>
                {s.description ? ` ${s.description}` : ''}
              </li>
            ))}
          </ol>
        </>
      )}
      {(plan.repeatables ?? []).length > 0 && (
        <>
          <p>Then {plural(plan.repeatables!.length, 'repeatable migration')}, each in its own transaction:</p>
          <ul className="plain-list">
            {plan.repeatables!.map((r) => (
              <li key={r.file}>
                <span className="mono">{r.file}</span> {r.reason === 'new' ? '(never applied)' : '(changed)'}
              </li>
            ))}
          </ul>
        </>
      )}
      <p>If a step fails, the database stays at the last version that succeeded and the backup is kept.</p>
      {!rehearsed && (
        <Notice tone="warn" title="This plan has not been rehearsed">
          A rehearsal runs it on a copy first and shows row counts per table.
        </Notice>
      )}
      {dangerCount > 0 && (
        <Notice tone="warn" title={`The linter flagged ${plural(dangerCount, 'dangerous statement')}`}>
          Read them in the plan before you go on.
        </Notice>
      )}
    </ConfirmDialog>
  );
}

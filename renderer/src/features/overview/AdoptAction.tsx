import { useState } from 'react';
import type { LegacyVersion } from '../../../../shared/types/schema';
import { ActionButton } from '../../components/ActionButton';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Notice } from '../../components/Notice';
import { useSchemas } from '../../queries/schemas';
import { useBaseline } from './overview-mutations';

interface AdoptActionProps {
  db: string;
  schema: string;
  legacy: LegacyVersion | null;
}

/** Brings an unversioned database under version control at the version its schema matches. */
export function AdoptAction({ db, schema, legacy }: AdoptActionProps) {
  const baseline = useBaseline(db);
  const schemas = useSchemas();
  const versions = schemas.data?.find((s) => s.name === schema)?.versions ?? [];
  const [chosen, setChosen] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const version = chosen ?? legacy?.version ?? versions[versions.length - 1] ?? null;

  if (baseline.isSuccess) {
    return (
      <Notice tone="ok" title={`Adopted as ${baseline.data.version}`}>
        Its schema matched {baseline.data.version}; migrations can now run.
      </Notice>
    );
  }
  return (
    <>
      {baseline.isError && <ErrorNotice error={baseline.error} context="The database was not adopted" />}
      <div className="next-action__row">
        {!legacy?.version && versions.length > 0 && (
          <label className="next-action__inline-field">
            <span>Its schema matches</span>
            <select value={version ?? ''} onChange={(e) => setChosen(e.target.value)}>
              {[...versions].reverse().map((v) => (
                <option key={v} value={v}>
                  {v}
                </option>
              ))}
            </select>
          </label>
        )}
        <ActionButton method="baseline" variant="primary" disabled={!version} busy={baseline.isPending} onClick={() => setConfirming(true)}>
          Adopt as {version ?? '…'}…
        </ActionButton>
        <span className="muted">
          {legacy?.version ? `${legacy.table} records ${legacy.legacyVersion}, which is ${legacy.version}. ` : ''}
          The schema is compared object by object first; nothing is changed if it differs.
        </span>
      </div>
      {confirming && version && (
        <AdoptDialog version={version} legacy={legacy} onConfirm={() => baseline.mutate(version)} onClose={() => setConfirming(false)} />
      )}
    </>
  );
}

/** Says what adopting writes (Schema Warden's records only) and why no backup is taken, before it does. */
function AdoptDialog({ version, legacy, onConfirm, onClose }: { version: string; legacy: LegacyVersion | null; onConfirm: () => void; onClose: () => void }) {
  return (
    <ConfirmDialog title={`Adopt as ${version}?`} confirmLabel={`Adopt as ${version}`} onConfirm={onConfirm} onClose={onClose}>
      <p>
        First its schema is compared with version {version}, object by object. If anything differs, nothing is written and the console lists the differences. If
        it matches, Schema Warden writes, in one transaction:
      </p>
      <ul className="plain-list">
        <li>
          its history tables, <code>schema_version</code> (one row: {version}, kind baseline) and <code>schema_events</code> (a baseline event),
        </li>
        <li>
          {legacy ? (
            <>
              version {version} in the service&apos;s own <code>{legacy.table}</code> table, if it lacks it,
            </>
          ) : (
            <>version {version} in the service&apos;s own version table, if there is one and it lacks it,</>
          )}
        </li>
        <li>
          the schema&apos;s <code>application_id</code> and the version in <code>user_version</code>, in the file&apos;s header.
        </li>
      </ul>
      <p>No table or row of yours is changed, so no backup is taken. Migrations can run from {version} afterwards, each after a verified backup.</p>
    </ConfirmDialog>
  );
}

import { useState } from 'react';
import type { LegacyVersion } from '../../../../shared/types';
import { Button } from '../../components/Button';
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
  const version = chosen ?? legacy?.version ?? versions[versions.length - 1] ?? null;

  if (baseline.isSuccess) {
    return <Notice tone="ok" title={`Adopted as ${baseline.data.version}`}>Its schema matched {baseline.data.version}; migrations can now run.</Notice>;
  }
  return (
    <>
      {baseline.isError && <ErrorNotice error={baseline.error} context="The database was not adopted" />}
      <div className="next-action__row">
        {!legacy?.version && versions.length > 0 && (
          <label className="next-action__inline-field">
            <span>Its schema matches</span>
            <select value={version ?? ''} onChange={(e) => setChosen(e.target.value)}>
              {[...versions].reverse().map((v) => <option key={v} value={v}>{v}</option>)}
            </select>
          </label>
        )}
        <Button variant="primary" disabled={!version} busy={baseline.isPending} onClick={() => version && baseline.mutate(version)}>
          Adopt as {version ?? '…'}
        </Button>
        <span className="muted">
          {legacy?.version
            ? `${legacy.table} records ${legacy.legacyVersion}, which is ${legacy.version}. `
            : ''}
          The schema is compared object by object first; nothing is changed if it differs.
        </span>
      </div>
    </>
  );
}

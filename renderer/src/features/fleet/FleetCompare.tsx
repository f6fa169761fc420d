import { useState, type FormEvent } from 'react';
import type { DeploymentStatus } from '../../../../shared/types/fleet';
import { Button } from '../../components/Button';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field } from '../../components/Field';
import { LoadingState } from '../../components/QueryStates';
import { compareHref, compareInput, withOf, withValue, type CompareWith } from './compare-sides';
import { useFleetCompare } from './fleet-queries';
import { SchemaComparisonView } from './SchemaComparisonView';
import { fleetVersions, versionKnown } from './version-matrix';

// Compare schemas on the Fleet page: a deployment's live schema beside another's, or beside the
// expected schema at a version. The sides live in the page's address, so a reload or a link
// shows the same comparison; Compare asks again.

interface Props {
  deployments: DeploymentStatus[];
  params: URLSearchParams;
}

export function FleetCompare({ deployments, params }: Props) {
  const names = deployments.map((d) => d.name);
  const versions = fleetVersions(deployments);
  const chosenA = params.get('a');
  const chosenWith = withOf(params.get('with'));
  const [a, setA] = useState(chosenA ?? names[0] ?? '');
  const ownVersion = (name: string) => deployments.find((d) => d.name === name && versionKnown(d))?.version ?? null;
  const [other, setOther] = useState<string>(chosenWith ? withValue(chosenWith) : (names.find((n) => n !== a) ?? ''));
  const asked = chosenA && chosenWith ? compareInput(chosenA, chosenWith) : null;
  const comparison = useFleetCompare(asked);

  function submit(event: FormEvent) {
    event.preventDefault();
    const next = withOf(other) as CompareWith;
    const href = compareHref(a, next);
    if (window.location.hash === href) void comparison.refetch();
    else window.location.hash = href;
  }

  const same = other === a;
  const own = ownVersion(a);
  return (
    <section className="fleet-compare" aria-labelledby="fleet-compare-title">
      <h2 id="fleet-compare-title" className="fleet__section-title">
        Compare schemas
      </h2>
      <form className="fleet-compare__form" onSubmit={submit}>
        <Field label="Deployment">
          {(control) => (
            <select
              {...control}
              value={a}
              onChange={(e) => {
                setA(e.target.value);
                if (other === e.target.value) setOther(names.find((n) => n !== e.target.value) ?? '');
              }}
            >
              {names.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Compared with" help={same ? 'Choose another deployment: one compared with itself shows nothing.' : undefined}>
          {(control) => (
            <select {...control} value={other} onChange={(e) => setOther(e.target.value)}>
              <optgroup label="Another deployment's live schema">
                {names
                  .filter((n) => n !== a)
                  .map((n) => (
                    <option key={n} value={n}>
                      {n}
                    </option>
                  ))}
              </optgroup>
              <optgroup label="The expected schema">
                {[...versions].reverse().map((v) => (
                  <option key={v} value={`expected:${v}`}>
                    Expected at {v}
                    {v === own ? ` (${a}'s version)` : ''}
                  </option>
                ))}
              </optgroup>
            </select>
          )}
        </Field>
        <Button type="submit" variant="primary" disabled={!a || !other || same} busy={comparison.isFetching}>
          Compare
        </Button>
      </form>
      <p className="muted fleet-compare__note">
        Each side is read as it is now: the tables, indexes, triggers and views with their CREATE statements, compared by meaning (formatting aside). No rows
        are read; nothing is changed.
      </p>
      {comparison.isFetching && !comparison.data && <LoadingState label="Reading both schemas…" />}
      {comparison.isError && <ErrorNotice error={comparison.error} context="The schemas could not be compared" />}
      {comparison.data && !comparison.isError && <SchemaComparisonView comparison={comparison.data} />}
    </section>
  );
}

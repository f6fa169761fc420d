import type { ComparedSide, SchemaComparison } from '../../../../shared/types/fleet';
import { Notice } from '../../components/Notice';
import { plural } from '../../lib/format';
import { comparisonGroups, type ComparisonGroups, type OnlyOnOneSide } from './comparison-groups';
import { SqlSideBySide } from './SqlSideBySide';

// A comparison of two schemas, as `fleet compare` finds it: what only one side has (its SQL
// under it), what both have but define differently (the two definitions side by side).

function sideText(s: ComparedSide): string {
  if (s.expected) return `what the ${s.address} schema's migrations make at ${s.version}`;
  return `${s.address}, ${s.version === null ? 'no version yet' : `at ${s.version}`}`;
}

function OnlyIn({ side, objects }: { side: ComparedSide; objects: OnlyOnOneSide[] }) {
  if (objects.length === 0) return null;
  return (
    <section className="comparison__group" aria-label={`Only in ${side.name}`}>
      <h3 className="comparison__heading">
        Only in {side.name} <span className="muted">({plural(objects.length, 'object')})</span>
      </h3>
      <ul className="comparison__list">
        {objects.map((o) => (
          <li key={`${o.kind} ${o.name}`}>
            <p className="comparison__object">
              <span className="comparison__kind">{o.kind}</span> {o.name}
            </p>
            {o.sql && (
              <pre className="comparison__sql" aria-label={`${o.kind} ${o.name} as ${side.name} defines it`}>
                {o.sql}
              </pre>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * The count the page draws: objects (a table whose three columns differ is one object, listed once
 * under "Defined differently"), so the parts after it add up to it.
 */
function objectsDiffer(groups: ComparisonGroups): string {
  const count = groups.onlyInA.length + groups.onlyInB.length + groups.changed.length;
  return `${plural(count, 'object')} ${count === 1 ? 'differs' : 'differ'}`;
}

export function SchemaComparisonView({ comparison: c }: { comparison: SchemaComparison }) {
  const groups = comparisonGroups(c);
  return (
    <div className="comparison">
      <dl className="comparison__sides">
        <div>
          <dt>Left</dt>
          <dd>
            <strong>{c.a.name}</strong> <span className="muted">{sideText(c.a)}</span>
          </dd>
        </div>
        <div>
          <dt>Right</dt>
          <dd>
            <strong>{c.b.name}</strong> <span className="muted">{sideText(c.b)}</span>
          </dd>
        </div>
      </dl>
      {c.same ? (
        <Notice tone="ok" title="The same schema">
          Every table, column, CHECK, index, trigger and view matches (formatting aside).
        </Notice>
      ) : (
        <>
          <p className="comparison__summary" role="status">
            {objectsDiffer(groups)}:{' '}
            {[
              groups.onlyInA.length && `${groups.onlyInA.length} only in ${c.a.name}`,
              groups.onlyInB.length && `${groups.onlyInB.length} only in ${c.b.name}`,
              groups.changed.length && `${groups.changed.length} defined differently`,
            ]
              .filter(Boolean)
              .join(', ')}
            .
          </p>
          <OnlyIn side={c.a} objects={groups.onlyInA} />
          <OnlyIn side={c.b} objects={groups.onlyInB} />
          {groups.changed.length > 0 && (
            <section className="comparison__group" aria-label="Defined differently">
              <h3 className="comparison__heading">
                Defined differently <span className="muted">({plural(groups.changed.length, 'object')})</span>
              </h3>
              <ul className="comparison__list">
                {groups.changed.map((o) => (
                  <li key={o.object}>
                    <p className="comparison__object">{o.object}</p>
                    <ul className="plain-list">
                      {o.what.map((w) => (
                        <li key={w}>{w}</li>
                      ))}
                    </ul>
                    {o.sql && <SqlSideBySide object={o.object} a={{ title: c.a.name, sql: o.sql.a }} b={{ title: c.b.name, sql: o.sql.b }} />}
                  </li>
                ))}
              </ul>
            </section>
          )}
        </>
      )}
    </div>
  );
}

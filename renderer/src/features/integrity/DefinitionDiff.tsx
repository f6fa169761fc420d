import { diffSql, type SqlSegment } from '../../../../shared/sql-diff';
import type { Problem } from '../../../../shared/types/schema';

function Side({ title, segments }: { title: string; segments: SqlSegment[] }) {
  return (
    <figure className="sql-diff__side">
      <figcaption>{title}</figcaption>
      <pre aria-label={title}>
        {segments.map((s, k) =>
          s.differs ? (
            <mark key={k} className={s.text ? undefined : 'sql-diff__gap'} title={s.text ? undefined : 'the other side has something here'}>
              {s.text}
            </mark>
          ) : (
            <span key={k}>{s.text}</span>
          ),
        )}
      </pre>
    </figure>
  );
}

/** The expected and the actual CREATE statement side by side, the words that differ marked. */
export function DefinitionDiff({ object, definitions }: { object: string; definitions: NonNullable<Problem['definitions']> }) {
  const diff = diffSql(definitions.expected, definitions.actual);
  return (
    <div className="sql-diff" role="group" aria-label={`Definitions of ${object}`}>
      <Side title="Expected" segments={diff.expected} />
      <Side title="Found" segments={diff.actual} />
    </div>
  );
}

/** Each distinct pair of definitions among `problems` once (several changes in one table share its CREATE TABLE). */
export function distinctDefinitions(problems: Problem[]): { object: string; definitions: NonNullable<Problem['definitions']> }[] {
  const seen = new Map<string, { object: string; definitions: NonNullable<Problem['definitions']> }>();
  for (const p of problems) {
    if (!p.definitions) continue;
    const object = p.table && p.kind !== 'index' && p.kind !== 'trigger' ? `table ${p.table}` : `${p.kind} ${p.name}`;
    const key = `${p.definitions.expected}\u0000${p.definitions.actual}`;
    if (!seen.has(key)) seen.set(key, { object, definitions: p.definitions });
  }
  return [...seen.values()];
}

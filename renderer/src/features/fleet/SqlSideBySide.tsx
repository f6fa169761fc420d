import { diffSql, type SqlSegment } from '../../../../shared/sql-diff';

// Two CREATE statements side by side, the words that differ marked (a mark, not only a colour).

function Side({ title, segments }: { title: string; segments: SqlSegment[] }) {
  return (
    <figure className="sql-side">
      <figcaption>{title}</figcaption>
      <pre aria-label={`As ${title} defines it`}>
        {segments.map((s, k) =>
          s.differs ? (
            <mark key={k} className={s.text ? undefined : 'sql-side__gap'} title={s.text ? undefined : 'the other side has something here'}>
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

export function SqlSideBySide({ object, a, b }: { object: string; a: { title: string; sql: string }; b: { title: string; sql: string } }) {
  const diff = diffSql(a.sql, b.sql);
  return (
    <div className="sql-sides" role="group" aria-label={`Definitions of ${object}`}>
      <Side title={a.title} segments={diff.expected} />
      <Side title={b.title} segments={diff.actual} />
    </div>
  );
}

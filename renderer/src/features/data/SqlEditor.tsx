import { useMemo, type KeyboardEvent } from 'react';
import { highlightSqlLines } from '../../lib/highlight-sql';

interface SqlEditorProps {
  id: string;
  value: string;
  onChange: (sql: string) => void;
  /** Ctrl+Enter or Cmd+Enter. */
  onRun: () => void;
  describedBy?: string;
}

/**
 * A textarea with its SQL highlighted underneath: both sit in one grid cell, the textarea's text is
 * transparent (its caret and selection are not), and the highlighted copy sets the height.
 */
export function SqlEditor({ id, value, onChange, onRun, describedBy }: SqlEditorProps) {
  const html = useMemo(() => highlightSqlLines(value).join('\n'), [value]);
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      onRun();
    }
  };
  return (
    <div className="sql-editor">
      {/* The trailing space keeps a last empty line as tall as the textarea's. */}
      <pre className="sql-editor__highlight" aria-hidden="true" dangerouslySetInnerHTML={{ __html: `${html} ` }} />
      <textarea
        id={id}
        className="sql-editor__input"
        value={value}
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={onKeyDown}
        placeholder="SELECT name, type FROM sqlite_schema ORDER BY name"
        spellCheck={false}
        autoCapitalize="off"
        autoComplete="off"
        aria-describedby={describedBy}
      />
    </div>
  );
}

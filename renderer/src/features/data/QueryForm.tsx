import { useId, type FormEvent } from 'react';
import { Button } from '../../components/Button';
import type { SchemaObject } from './sql-completion';
import { SqlEditor } from './SqlEditor';

export const MAX_ROW_LIMIT = 100_000;

interface QueryFormProps {
  sql: string;
  onSqlChange: (sql: string) => void;
  limit: number;
  onLimitChange: (limit: number) => void;
  running: boolean;
  cancelling: boolean;
  onRun: () => void;
  onCancel: () => void;
  /** The names the SQL box offers as you type. */
  schema?: SchemaObject[];
}

/** The query box: SQL, a row limit, Run (Ctrl/Cmd+Enter) and, while it runs, Cancel. */
export function QueryForm({ sql, onSqlChange, limit, onLimitChange, running, cancelling, onRun, onCancel, schema }: QueryFormProps) {
  const id = useId();
  const canRun = sql.trim() !== '' && !running;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (canRun) onRun();
  };
  return (
    <form className="query-form" onSubmit={submit} aria-label="Read-only query">
      <label className="field__label" htmlFor={`${id}-sql`}>
        SQL
      </label>
      <SqlEditor id={`${id}-sql`} value={sql} onChange={onSqlChange} onRun={() => canRun && onRun()} describedBy={`${id}-help`} schema={schema} />
      <p className="field__help" id={`${id}-help`}>
        Runs on a read-only connection: SELECT, WITH … SELECT, VALUES, EXPLAIN and reading PRAGMAs. Anything that would write is refused.
      </p>
      <div className="query-form__actions">
        <label className="query-form__limit">
          Row limit
          <input
            type="number"
            min={1}
            max={MAX_ROW_LIMIT}
            value={limit}
            onChange={(event) => onLimitChange(Math.min(MAX_ROW_LIMIT, Math.max(1, Math.trunc(Number(event.target.value)) || 1)))}
          />
        </label>
        <Button type="submit" variant="primary" disabled={!canRun} busy={running}>
          Run
        </Button>
        <span className="muted query-form__shortcut">Ctrl+Enter / ⌘+Enter</span>
        {running && (
          <>
            <span className="query-form__state" aria-live="polite">
              {cancelling ? 'Cancelling…' : 'Running…'}
            </span>
            <Button size="small" onClick={onCancel} disabled={cancelling}>
              Cancel
            </Button>
          </>
        )}
      </div>
    </form>
  );
}

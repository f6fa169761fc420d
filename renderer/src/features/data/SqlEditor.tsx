import { useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { highlightSqlLines } from '../../lib/highlight-sql';
import { completionAt, type Completion, type SchemaObject } from './sql-completion';

interface SqlEditorProps {
  id: string;
  value: string;
  onChange: (sql: string) => void;
  /** Ctrl+Enter or Cmd+Enter. */
  onRun: () => void;
  describedBy?: string;
  /** The database's tables and views with their columns, offered as you type. */
  schema?: SchemaObject[];
}

/**
 * A textarea with its SQL highlighted underneath: both sit in one grid cell, the textarea's text is
 * transparent (its caret and selection are not), and the highlighted copy sets the height. Below
 * it, the schema's names that fit the word being typed, as a listbox: ↓/↑ choose, Enter or Tab
 * takes one, Escape closes it.
 */
export function SqlEditor({ id, value, onChange, onRun, describedBy, schema = [] }: SqlEditorProps) {
  const html = useMemo(() => highlightSqlLines(value).join('\n'), [value]);
  const input = useRef<HTMLTextAreaElement>(null);
  const [completion, setCompletion] = useState<Completion | null>(null);
  const [active, setActive] = useState(0);
  const caretAfter = useRef<number | null>(null);
  const listId = `${id}-names`;

  // After a name is taken, put the caret after it (the value changed underneath the textarea).
  // biome-ignore lint/correctness/useExhaustiveDependencies: it runs after each new value, the change that moved the caret
  useLayoutEffect(() => {
    if (caretAfter.current !== null && input.current) {
      input.current.setSelectionRange(caretAfter.current, caretAfter.current);
      caretAfter.current = null;
    }
  }, [value]);

  const offerAt = (text: string, caret: number) => {
    setCompletion(completionAt(text, caret, schema));
    setActive(0);
  };

  const take = (index: number) => {
    if (!completion) return;
    const { insert } = completion.suggestions[index];
    caretAfter.current = completion.from + insert.length;
    onChange(value.slice(0, completion.from) + insert + value.slice(completion.to));
    setCompletion(null);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      setCompletion(null);
      onRun();
      return;
    }
    if (!completion) return;
    const count = completion.suggestions.length;
    const moves: Record<string, () => void> = {
      ArrowDown: () => setActive((active + 1) % count),
      ArrowUp: () => setActive((active - 1 + count) % count),
      Enter: () => take(active),
      Tab: () => take(active),
      Escape: () => setCompletion(null),
    };
    if (event.key in moves && !event.shiftKey && !event.altKey) {
      event.preventDefault();
      moves[event.key]();
    }
  };

  const open = completion !== null;
  return (
    <div className="sql-editor-frame">
      <div className="sql-editor">
        {/* The trailing space keeps a last empty line as tall as the textarea's. */}
        <pre className="sql-editor__highlight" aria-hidden="true" dangerouslySetInnerHTML={{ __html: `${html} ` }} />
        <textarea
          ref={input}
          id={id}
          className="sql-editor__input"
          value={value}
          onChange={(event) => {
            onChange(event.target.value);
            offerAt(event.target.value, event.target.selectionStart);
          }}
          onKeyDown={onKeyDown}
          onBlur={() => setCompletion(null)}
          placeholder="SELECT name, type FROM sqlite_schema ORDER BY name"
          spellCheck={false}
          autoCapitalize="off"
          autoComplete="off"
          aria-describedby={describedBy}
          aria-autocomplete="list"
          aria-controls={open ? listId : undefined}
          aria-activedescendant={open ? `${listId}-${active}` : undefined}
        />
      </div>
      {open && (
        <ul className="sql-names" id={listId} role="listbox" aria-label="Names in this database">
          {completion.suggestions.map((suggestion, k) => (
            <li
              key={`${suggestion.label}-${suggestion.detail}`}
              id={`${listId}-${k}`}
              role="option"
              aria-selected={k === active}
              className={k === active ? 'sql-names__option sql-names__option--active' : 'sql-names__option'}
              // mousedown, not click: the textarea keeps its focus (a blur would close the list first).
              onMouseDown={(event) => {
                event.preventDefault();
                take(k);
              }}
            >
              <span className="mono">{suggestion.label}</span> <span className="sql-names__detail">{suggestion.detail}</span>
            </li>
          ))}
        </ul>
      )}
      <span className="visually-hidden" aria-live="polite">
        {open
          ? `${completion.suggestions.length} ${completion.suggestions.length === 1 ? 'name fits' : 'names fit'}: arrow keys to choose, Enter or Tab to take one.`
          : ''}
      </span>
    </div>
  );
}

import { useState, type FormEvent } from 'react';
import { OPERATOR_NAME, OPERATOR_NAME_RULE } from '../../../../shared/operator-name';
import { rememberOperator, useSessionOperator } from '../../api/session-operator';
import { Button } from '../../components/Button';
import { useHostInfo } from '../../queries/host-info';
import './operator.css';

// Who is acting (issue 14): the web console started without `--operator` asks once per browser
// session for the person's name; every call then carries it and the history records it. The
// question sits above the views and blocks nothing: skipping records the server's user, as before.

/** Asks for the operator's name when the host wants one and this session has not answered. */
export function OperatorPrompt() {
  const info = useHostInfo();
  const answered = useSessionOperator() !== null;
  const [name, setName] = useState('');
  const [invalid, setInvalid] = useState(false);
  // A read-only console records nothing, so there is no name to ask for.
  if (!info.data?.asksForOperator || info.data.readOnly || answered) return null;

  // The prompt goes once answered: focus goes to the top of the main area, where it stood, not to
  // the page's body (Enter in the name field used to leave the keyboard nowhere).
  const answer = (given: string) => {
    rememberOperator(given);
    document.getElementById('main')?.focus();
  };
  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const trimmed = name.trim();
    if (!OPERATOR_NAME.test(trimmed)) return setInvalid(true);
    answer(trimmed);
  }

  return (
    <form className="operator-prompt" onSubmit={onSubmit} aria-labelledby="operator-prompt-title">
      <div className="operator-prompt__text">
        <h2 className="operator-prompt__title" id="operator-prompt-title">
          Who is working here?
        </h2>
        <p className="operator-prompt__help">
          Your name goes into each database's History with what you do in this console (backups, migrations, repairs…), for as long as this tab is open. Without
          one, History names only the server's user, {info.data.processActor}.
        </p>
      </div>
      <div className="operator-prompt__controls">
        <label className="operator-prompt__label" htmlFor="operator-name">
          Your name
        </label>
        <input
          id="operator-name"
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            setInvalid(false);
          }}
          aria-invalid={invalid || undefined}
          aria-describedby={invalid ? 'operator-name-error' : undefined}
          autoComplete="name"
          maxLength={64}
        />
        <Button type="submit" variant="primary">
          Use this name
        </Button>
        <Button variant="ghost" onClick={() => answer('')}>
          Continue without a name
        </Button>
      </div>
      {invalid && (
        <p className="operator-prompt__error" id="operator-name-error" role="alert">
          That name cannot be recorded: use {OPERATOR_NAME_RULE}.
        </p>
      )}
    </form>
  );
}

/** Whom this console acts as, with a way to change it (web console only). */
export function OperatorLine() {
  const info = useHostInfo();
  const name = useSessionOperator();
  if (!info.data?.asksForOperator) {
    return info.data?.operator ? (
      <p className="operator-line">
        Acting as <strong>{info.data.operator}</strong>
      </p>
    ) : null;
  }
  if (name === null) return null;
  return (
    <p className="operator-line">
      {name ? (
        <>
          Acting as <strong>{name}</strong>
        </>
      ) : (
        'No name given'
      )}
      {' · '}
      <button type="button" className="operator-line__change" onClick={() => rememberOperator(null)}>
        Change
      </button>
    </p>
  );
}

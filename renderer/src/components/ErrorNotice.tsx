import type { ReactNode } from 'react';
import { consoleHintOf, errorInfoOf } from '../api/api-error';
import { Notice, type Tone } from './Notice';
import './ErrorNotice.css';

interface ErrorNoticeProps {
  error: unknown;
  /** What was being attempted, e.g. "Could not load the history". */
  context?: string;
  /** A way on from here, e.g. a Try again button. */
  action?: ReactNode;
}

/** An engine error as a person reads it: the sentence, what to do in the console, and the code to search for. */
export function ErrorNotice({ error, context, action }: ErrorNoticeProps) {
  const info = errorInfoOf(error);
  const tone: Tone = info.code === 'CANCELLED' ? 'neutral' : info.code === 'NOT_SUPPORTED' ? 'info' : 'bad';
  return (
    <Notice
      tone={tone}
      urgent={tone === 'bad'}
      title={
        <>
          {context && <span className="error-notice__context">{context}: </span>}
          {info.message}
        </>
      }
    >
      <p>
        <strong>What to do:</strong> {consoleHintOf(error)}
      </p>
      {typeof info.details?.statement === 'string' && <pre className="error-notice__statement">{info.details.statement}</pre>}
      <p className="error-notice__code">
        Error code <code>{info.code}</code>
      </p>
      {action && <div className="error-notice__action">{action}</div>}
    </Notice>
  );
}

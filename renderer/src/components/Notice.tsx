import type { ReactNode } from 'react';
import './Notice.css';

export type Tone = 'ok' | 'warn' | 'bad' | 'neutral' | 'info';

const ICONS: Record<Tone, string> = { ok: '✓', warn: '!', bad: '✕', neutral: 'i', info: 'i' };

interface NoticeProps {
  tone: Tone;
  title: ReactNode;
  children?: ReactNode;
  /** role="alert" for what just went wrong; plain text for standing information. */
  urgent?: boolean;
}

/** A callout: an icon, a one-line title and an optional explanation. */
export function Notice({ tone, title, children, urgent = false }: NoticeProps) {
  return (
    <div className={`notice notice--${tone}`} role={urgent ? 'alert' : undefined}>
      <span className="notice__icon" aria-hidden="true">
        {ICONS[tone]}
      </span>
      <div className="notice__text">
        <div className="notice__title">{title}</div>
        {children && <div className="notice__body">{children}</div>}
      </div>
    </div>
  );
}

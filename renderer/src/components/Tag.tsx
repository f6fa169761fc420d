import type { ReactNode } from 'react';
import type { Tone } from './Notice';
import './Tag.css';

/** A small label with a tone: the words carry the meaning, the colour helps the eye. */
export function Tag({ tone, children, strong = false }: { tone: Tone; children: ReactNode; strong?: boolean }) {
  return <span className={`tag tag--${tone}${strong ? ' tag--strong' : ''}`}>{children}</span>;
}

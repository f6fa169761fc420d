import { useRef, type ReactNode } from 'react';
import { useScrolls } from '../hooks/use-scrolls';

interface TableFrameProps {
  /** What the table holds, for a screen reader once the frame scrolls (and takes focus). */
  label: string;
  className?: string;
  children: ReactNode;
}

/** A table's frame: it scrolls when the table is taller or wider than the room, and is then reachable by keyboard. */
export function TableFrame({ label, className, children }: TableFrameProps) {
  const frame = useRef<HTMLDivElement>(null);
  const scrolls = useScrolls(frame);
  return (
    <div
      ref={frame}
      className={className ? `table-frame ${className}` : 'table-frame'}
      {...(scrolls ? { tabIndex: 0, role: 'group', 'aria-label': label } : {})}
    >
      {children}
    </div>
  );
}

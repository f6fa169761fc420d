import { useEffect, useState, type RefObject } from 'react';

/**
 * Whether an element's content is larger than the element (it scrolls). A region that scrolls
 * must be reachable by keyboard, so a frame that scrolls becomes focusable only then: an extra
 * tab stop where nothing scrolls would only be in the way. `axes` says which overflow counts.
 */
export function useScrolls(ref: RefObject<HTMLElement | null>, axes: 'x' | 'both' = 'both'): boolean {
  const [scrolls, setScrolls] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const measure = () => setScrolls(el.scrollWidth > el.clientWidth + 1 || (axes === 'both' && el.scrollHeight > el.clientHeight + 1));
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    for (const child of Array.from(el.children)) observer.observe(child);
    measure();
    return () => observer.disconnect();
  }, [ref, axes]);
  return scrolls;
}

import { useEffect, useState, type RefObject } from 'react';

/**
 * Whether an element's content is wider than the element (it scrolls sideways). A region that
 * scrolls must be reachable by keyboard, so a frame that scrolls becomes focusable only then:
 * an extra tab stop where nothing scrolls would only be in the way.
 */
export function useScrollsSideways(ref: RefObject<HTMLElement | null>): boolean {
  const [scrolls, setScrolls] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const measure = () => setScrolls(el.scrollWidth > el.clientWidth + 1);
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    for (const child of Array.from(el.children)) observer.observe(child);
    measure();
    return () => observer.disconnect();
  }, [ref]);
  return scrolls;
}

import { useEffect, useState, type RefObject } from 'react';

/** An element's content width in CSS pixels, kept up to date: a chart drawn at that width keeps its text at the page's size. */
export function useWidth(ref: RefObject<HTMLElement | null>, fallback: number): number {
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const measure = () => setWidth(el.clientWidth || fallback);
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    measure();
    return () => observer.disconnect();
  }, [ref, fallback]);
  return width;
}

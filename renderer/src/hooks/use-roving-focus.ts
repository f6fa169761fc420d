import { useState, type FocusEvent, type KeyboardEvent } from 'react';

// Roving focus (WAI-ARIA Authoring Practices, "Managing focus within components"): a list of many
// items is one Tab stop, and the arrow keys move between its items (Home and End to the ends).
// Without it, reaching the view past the databases list took two Tabs per open database.

type Orientation = 'vertical' | 'horizontal';

const KEYS: Record<Orientation, { previous: string; next: string }> = {
  vertical: { previous: 'ArrowUp', next: 'ArrowDown' },
  horizontal: { previous: 'ArrowLeft', next: 'ArrowRight' },
};

/** Where `key` moves focus from item `at` of `count`; null for a key that does not move it. */
export function rovingTarget(key: string, at: number, count: number, orientation: Orientation): number | null {
  if (key === KEYS[orientation].previous) return Math.max(at - 1, 0);
  if (key === KEYS[orientation].next) return Math.min(at + 1, count - 1);
  if (key === 'Home') return 0;
  if (key === 'End') return count - 1;
  return null;
}

/**
 * The items are the elements matching `itemSelector` inside the element given `listProps`. The
 * Tab stop is `preferred` (the current page's item, which a click elsewhere may change), else the
 * item last focused, else the first.
 */
export function useRovingFocus(itemSelector: string, orientation: Orientation, count: number, preferred: number) {
  const [focused, setFocused] = useState<number | null>(null);
  const stop = Math.min(preferred >= 0 ? preferred : (focused ?? 0), count - 1);
  const itemsIn = (list: HTMLElement) => Array.from(list.querySelectorAll<HTMLElement>(itemSelector));
  const listProps = {
    onKeyDown(event: KeyboardEvent<HTMLElement>) {
      const items = itemsIn(event.currentTarget);
      const at = items.indexOf(event.target as HTMLElement);
      const to = at < 0 ? null : rovingTarget(event.key, at, items.length, orientation);
      if (to === null) return;
      event.preventDefault();
      items[to].focus();
    },
    onFocus(event: FocusEvent<HTMLElement>) {
      const at = itemsIn(event.currentTarget).indexOf(event.target as HTMLElement);
      if (at >= 0) setFocused(at);
    },
  };
  return { listProps, tabIndexOf: (index: number) => (index === stop ? 0 : -1) };
}

/** Pixels in `rem` root font sizes now: virtualized lists need pixel heights that still follow the browser's font size. */
export function remInPx(rem: number): number {
  const root = typeof document === 'undefined' ? NaN : parseFloat(getComputedStyle(document.documentElement).fontSize);
  return rem * (root || 16);
}

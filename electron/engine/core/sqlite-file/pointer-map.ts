// fileformat2 §1.7 "Pointer Map or Ptrmap Pages": in an auto-vacuum file, page 2 and every
// (U/5 + 1)th page after it map the pages that follow; they hold no rows.

export function isPointerMapPage(pgno: number, usableSize: number, hasPointerMap: boolean): boolean {
  if (!hasPointerMap || pgno < 2) return false;
  return (pgno - 2) % (Math.floor(usableSize / 5) + 1) === 0;
}

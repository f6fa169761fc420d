import type { PageReader } from './page-source';

// fileformat2 §1.5 "The Freelist": a chain of trunk pages, each a next-trunk number, a count of
// leaf pages and their numbers. Neither trunks nor leaves hold live data: a freed table leaf keeps
// its old rows, and reading them back would bring deleted rows to life.

/**
 * Calls `onPage` for every freelist page, and returns the reason the list could not be followed to
 * its end (null: followed). Bounded by the file's page count, and safe against loops.
 */
export function forEachFreelistPage(reader: PageReader, firstTrunk: number, onPage: (pgno: number) => void): string | null {
  const seen = new Set<number>();
  for (let trunk = firstTrunk; trunk !== 0; ) {
    if (trunk > reader.pageCount || seen.has(trunk)) return `freelist trunk page ${trunk} is out of range or seen before`;
    seen.add(trunk);
    const data = reader.read(trunk);
    if (data === null) return `freelist trunk page ${trunk} is past the end of the file`;
    const leaves = data.readUInt32BE(4);
    if (leaves > reader.usableSize / 4 - 2) return `freelist trunk page ${trunk} counts ${leaves} leaves, more than fit`;
    onPage(trunk);
    for (let k = 0; k < leaves; k++) {
      const leaf = data.readUInt32BE(8 + 4 * k);
      if (leaf >= 1 && leaf <= reader.pageCount) onPage(leaf);
    }
    trunk = data.readUInt32BE(0);
  }
  return null;
}

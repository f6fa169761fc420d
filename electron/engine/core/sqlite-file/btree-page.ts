import { HEADER_BYTES } from './header';

// fileformat2 §1.6 "B-tree Pages": the page header, the cell pointer array and the freeblock chain.
// A page is taken only when every part of it is consistent; one that is not contributes nothing.

export const PAGE_TYPE = { indexInterior: 0x02, tableInterior: 0x05, indexLeaf: 0x0a, tableLeaf: 0x0d } as const;

export interface BtreePage {
  pgno: number;
  type: number;
  data: Buffer;
  usableSize: number;
  /** Cell offsets in the order of the pointer array (key order). */
  cells: number[];
  /** The right-most child of an interior page (0 on a leaf). */
  rightChild: number;
  /** Where the cell content area starts; no cell begins before it. */
  contentStart: number;
}

export const isInterior = (type: number) => type === PAGE_TYPE.tableInterior || type === PAGE_TYPE.indexInterior;
export const isTablePage = (type: number) => type === PAGE_TYPE.tableInterior || type === PAGE_TYPE.tableLeaf;

/** The page's b-tree header and pointers, or the reason it is not a valid b-tree page. */
export function parseBtreePage(data: Buffer, pgno: number, usableSize: number, pageCount: number): BtreePage | string {
  const at = pgno === 1 ? HEADER_BYTES : 0;
  const type = data[at];
  if (type !== 0x02 && type !== 0x05 && type !== 0x0a && type !== 0x0d) return `page type byte ${type} is not a b-tree page's`;
  const headerSize = isInterior(type) ? 12 : 8;
  const cellCount = data.readUInt16BE(at + 3);
  const contentStart = data.readUInt16BE(at + 5) || 65536;
  const pointersEnd = at + headerSize + 2 * cellCount;
  if (pointersEnd > contentStart || contentStart > usableSize) return 'its cell count or content area does not fit the page';
  const rightChild = isInterior(type) ? data.readUInt32BE(at + 8) : 0;
  if (isInterior(type) && (rightChild < 1 || rightChild > pageCount || rightChild === pgno))
    return `its right-most child ${rightChild} is not a page of the file`;
  const cells: number[] = [];
  for (let k = 0; k < cellCount; k++) {
    const offset = data.readUInt16BE(pointersEnd - 2 * cellCount + 2 * k);
    if (offset < contentStart || offset >= usableSize) return `cell pointer ${k} (${offset}) is outside the content area`;
    cells.push(offset);
  }
  const freeblocks = checkFreeblocks(data, data.readUInt16BE(at + 1), contentStart, usableSize);
  if (freeblocks !== null) return freeblocks;
  return { pgno, type, data, usableSize, cells, rightChild, contentStart };
}

/** The freeblock chain: ascending offsets inside the content area, each at least 4 bytes, none running past the page. */
function checkFreeblocks(data: Buffer, first: number, contentStart: number, usableSize: number): string | null {
  let previousEnd = contentStart;
  for (let offset = first, hops = 0; offset !== 0; hops++) {
    if (offset < previousEnd || offset + 4 > usableSize || hops > usableSize / 4) return 'its freeblock chain is broken';
    const size = data.readUInt16BE(offset + 2);
    if (size < 4 || offset + size > usableSize) return 'a freeblock runs past the page';
    previousEnd = offset + size;
    offset = data.readUInt16BE(offset);
  }
  return null;
}

/** Cells as [start, end) ranges: none may overlap another (a sign of a page half overwritten). */
export function overlapOf(ranges: [number, number][]): string | null {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  for (let k = 1; k < sorted.length; k++) if (sorted[k][0] < sorted[k - 1][1]) return `cells at ${sorted[k - 1][0]} and ${sorted[k][0]} overlap`;
  return null;
}

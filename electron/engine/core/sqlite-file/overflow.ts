import type { PageReader } from './page-source';

// fileformat2 §1.6 "B-tree Pages", cell payload overflow: a payload larger than the page allows
// keeps its first K or M bytes in the cell and the rest in a chain of overflow pages, each a
// 4-byte next-page number followed by U−4 bytes of payload.

/** How much of a payload of `payloadSize` bytes stays on the b-tree page (U = usable size). */
export function localPayloadSize(payloadSize: number, usableSize: number, kind: 'table' | 'index'): number {
  const maxLocal = kind === 'table' ? usableSize - 35 : Math.floor(((usableSize - 12) * 64) / 255) - 23;
  if (payloadSize <= maxLocal) return payloadSize;
  const minLocal = Math.floor(((usableSize - 12) * 32) / 255) - 23;
  const k = minLocal + ((payloadSize - minLocal) % (usableSize - 4));
  return k <= maxLocal ? k : minLocal;
}

export interface OverflowFailure {
  /** The page that broke the chain (the one that could not be read, or where a loop began). */
  page: number;
  reason: string;
}

/**
 * The whole payload: the local part followed by the chain's content. The chain has exactly as many
 * pages as the remainder needs; a page out of range, seen twice, or a chain that ends early or
 * goes on is a failure, never a guess.
 */
export function readOverflowPayload(
  reader: PageReader,
  local: Buffer,
  payloadSize: number,
  firstPage: number,
  onPage: (pgno: number) => void,
): Buffer | OverflowFailure {
  const payload = Buffer.allocUnsafe(payloadSize);
  local.copy(payload, 0);
  const perPage = reader.usableSize - 4;
  const seen = new Set<number>();
  let filled = local.length;
  let page = firstPage;
  let last = firstPage;
  while (filled < payloadSize) {
    if (page < 1 || page > reader.pageCount) return { page, reason: `overflow page number ${page} is not a page of the file` };
    if (seen.has(page)) return { page, reason: 'the overflow chain loops' };
    seen.add(page);
    const data = reader.read(page);
    if (data === null) return { page, reason: 'the overflow page is past the end of the file' };
    onPage(page);
    const take = Math.min(perPage, payloadSize - filled);
    data.copy(payload, filled, 4, 4 + take);
    filled += take;
    last = page;
    page = data.readUInt32BE(0);
  }
  return page === 0 ? payload : { page: last, reason: 'the overflow chain goes on past the end of the payload' };
}

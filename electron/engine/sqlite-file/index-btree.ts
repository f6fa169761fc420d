import { PAGE_TYPE, parseBtreePage } from './btree-page';
import type { PageReader } from './page-source';

// fileformat2 §1.6 "B-tree Pages", index b-trees: read only to know which pages an index owns, so
// that damage is named by its index and its pages are not mistaken for orphaned table leaves. An
// interior cell starts with its 4-byte left child.

export interface IndexWalkLedger {
  enter(pgno: number): boolean;
  unreadable(pgno: number, reason: string): void;
}

function indexChildren(reader: PageReader, pgno: number): number[] | string {
  const data = reader.read(pgno);
  if (data === null) return 'the page is past the end of the file';
  const page = parseBtreePage(data, pgno, reader.usableSize, reader.pageCount);
  if (typeof page === 'string') return page;
  if (page.type === PAGE_TYPE.indexLeaf) return [];
  if (page.type !== PAGE_TYPE.indexInterior) return 'it is a table page, not an index page';
  const children = page.cells.map((offset) => (offset + 4 <= page.usableSize ? page.data.readUInt32BE(offset) : 0));
  if (children.some((c) => c < 2 || c > reader.pageCount)) return 'a cell names a child that is not a page of the file';
  return [...children, page.rightChild];
}

/** Walks the index b-tree rooted at `root`, telling the ledger of each page entered and each that does not parse. */
export function walkIndexBtree(reader: PageReader, root: number, ledger: IndexWalkLedger): void {
  const stack = [root];
  while (stack.length) {
    const pgno = stack.pop()!;
    if (!ledger.enter(pgno)) continue;
    const children = indexChildren(reader, pgno);
    if (typeof children === 'string') ledger.unreadable(pgno, children);
    else stack.push(...children);
  }
}

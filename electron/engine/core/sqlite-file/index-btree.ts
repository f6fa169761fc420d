import { isTablePage, overlapOf, PAGE_TYPE, parseBtreePage, type BtreePage } from './btree-page';
import type { TextEncoding } from './header';
import { localPayloadSize, readOverflowPayload } from './overflow';
import type { PageReader } from './page-source';
import { decodeRecord, type SqlValue } from './record';
import type { WalkLedger } from './table-btree';
import { readSize } from './varint';

// fileformat2 §1.6 "B-tree Pages", index b-trees: an index's are walked only to know which pages it
// owns, so that damage is named by its index and its pages are not mistaken for orphaned table
// leaves; a WITHOUT ROWID table's are read for their entries, which are its rows (§2.5: the
// primary key's columns first, then the others). An interior cell starts with its 4-byte left child.

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

/** An entry of an index b-tree: a record, with the page it sits on (a WITHOUT ROWID table's row). */
export interface IndexEntry {
  pgno: number;
  values: SqlValue[];
}

interface EntryCell {
  local: Buffer;
  payloadSize: number;
  firstOverflow: number;
  child: number;
}

/** An index cell (an interior one starts with its left child): the payload's size, its local part and the first overflow page. */
function parseEntryCell(page: BtreePage, offset: number, pageCount: number): { cell: EntryCell; end: number } | string {
  const interior = page.type === PAGE_TYPE.indexInterior;
  const start = interior ? offset + 4 : offset;
  const size = start < page.usableSize ? readSize(page.data, start, page.usableSize, 0x7fffffff) : null;
  if (!size) return `cell at ${offset} runs past the page`;
  const localSize = localPayloadSize(size.value, page.usableSize, 'index');
  const spills = localSize < size.value;
  const payloadStart = start + size.length;
  const end = payloadStart + localSize + (spills ? 4 : 0);
  if (end > page.usableSize) return `cell at ${offset} runs past the page`;
  const child = interior ? page.data.readUInt32BE(offset) : 0;
  if (interior && (child < 2 || child > pageCount)) return `cell at ${offset} names child page ${child}, not a page of the file`;
  const firstOverflow = spills ? page.data.readUInt32BE(payloadStart + localSize) : 0;
  if (spills && (firstOverflow < 2 || firstOverflow > pageCount)) return `cell at ${offset} names overflow page ${firstOverflow}, not a page of the file`;
  return { cell: { local: page.data.subarray(payloadStart, payloadStart + localSize), payloadSize: size.value, firstOverflow, child }, end };
}

function entryCells(page: BtreePage, pageCount: number): EntryCell[] | string {
  const cells: EntryCell[] = [];
  const ranges: [number, number][] = [];
  for (const offset of page.cells) {
    const parsed = parseEntryCell(page, offset, pageCount);
    if (typeof parsed === 'string') return parsed;
    cells.push(parsed.cell);
    ranges.push([offset, parsed.end]);
  }
  return overlapOf(ranges) ?? cells;
}

/**
 * Every readable entry of the index b-tree rooted at `root`, interior cells' included (in an index
 * b-tree each key is stored once, on whichever page holds it): the rows of a WITHOUT ROWID table.
 * A page that does not parse is reported unreadable and its subtree skipped; an entry whose
 * overflow chain or record is broken is lost alone.
 */
export function* walkIndexEntries(reader: PageReader, root: number, encoding: TextEncoding, ledger: WalkLedger): Generator<IndexEntry> {
  const stack = [root];
  while (stack.length) {
    const pgno = stack.pop()!;
    if (!ledger.enter(pgno)) continue;
    const data = reader.read(pgno);
    const page = data === null ? 'the page is past the end of the file' : parseBtreePage(data, pgno, reader.usableSize, reader.pageCount);
    const cells = typeof page === 'string' ? page : isTablePage(page.type) ? 'it is a table page, not an index page' : entryCells(page, reader.pageCount);
    if (typeof cells === 'string') {
      ledger.unreadable(pgno, cells);
      continue;
    }
    const interior = (page as BtreePage).type === PAGE_TYPE.indexInterior;
    if (interior) stack.push((page as BtreePage).rightChild, ...cells.map((c) => c.child).reverse());
    for (const cell of cells) {
      const payload = cell.firstOverflow
        ? readOverflowPayload(reader, cell.local, cell.payloadSize, cell.firstOverflow, (p) => ledger.overflowPage(p))
        : cell.local;
      if (!Buffer.isBuffer(payload)) {
        ledger.lostRow(pgno, null, payload.page, payload.reason);
        continue;
      }
      const values = decodeRecord(payload, encoding);
      if (values === null) ledger.lostRow(pgno, null, cell.firstOverflow || pgno, 'its record does not decode');
      else yield { pgno, values };
    }
  }
}

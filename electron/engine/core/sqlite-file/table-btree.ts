import { isTablePage, overlapOf, PAGE_TYPE, parseBtreePage, type BtreePage } from './btree-page';
import type { TextEncoding } from './header';
import { localPayloadSize, readOverflowPayload } from './overflow';
import type { PageReader } from './page-source';
import { decodeRecord, type SqlValue } from './record';
import { readSize, readVarint } from './varint';

// fileformat2 §1.6 "B-tree Pages", table b-trees: interior cells (a 4-byte left child and a rowid
// key) lead to leaf cells (payload size, rowid, the record's local part, the first overflow page).
// A page whose cells do not all parse, stay inside the page without overlapping, and keep their
// rowids in ascending order contributes nothing.

export type Rowid = number | bigint;

export interface TableRow {
  /** The leaf page the row sits on. */
  pgno: number;
  rowid: Rowid;
  values: SqlValue[];
}

/** What a walk tells the one keeping account of the file's pages. */
export interface WalkLedger {
  /** Whether to read this page now (false: it was read before, by this walk or another). */
  enter(pgno: number): boolean;
  /** A page a b-tree points at that does not parse as a page of that b-tree. */
  unreadable(pgno: number, reason: string): void;
  overflowPage(pgno: number): void;
  /** A row on a readable page whose payload could not be read whole (a broken overflow chain); a WITHOUT ROWID table's rows have no rowid. */
  lostRow(pgno: number, rowid: Rowid | null, brokenPage: number, reason: string): void;
}

interface LeafCell {
  rowid: Rowid;
  /** Decoded when the payload is all on the page. */
  values: SqlValue[] | null;
  local: Buffer;
  payloadSize: number;
  firstOverflow: number;
}

const compareRowids = (a: Rowid, b: Rowid) => (a < b ? -1 : a > b ? 1 : 0);

function ascending(keys: Rowid[]): boolean {
  for (let k = 1; k < keys.length; k++) if (compareRowids(keys[k - 1], keys[k]) >= 0) return false;
  return true;
}

function parseLeafCell(page: BtreePage, offset: number, encoding: TextEncoding, pageCount: number): { cell: LeafCell; end: number } | string {
  const { data, usableSize } = page;
  const size = readSize(data, offset, usableSize, 0x7fffffff);
  const rowid = size && readVarint(data, offset + size.length, usableSize);
  if (!size || !rowid) return `cell at ${offset} runs past the page`;
  const start = offset + size.length + rowid.length;
  const localSize = localPayloadSize(size.value, usableSize, 'table');
  const spills = localSize < size.value;
  const end = start + localSize + (spills ? 4 : 0);
  if (end > usableSize) return `cell at ${offset} runs past the page`;
  const local = data.subarray(start, start + localSize);
  const firstOverflow = spills ? data.readUInt32BE(start + localSize) : 0;
  if (spills && (firstOverflow < 2 || firstOverflow > pageCount)) return `cell at ${offset} names overflow page ${firstOverflow}, not a page of the file`;
  const values = spills ? null : decodeRecord(local, encoding);
  if (!spills && values === null) return `cell at ${offset} holds no valid record`;
  return { cell: { rowid: rowid.value, values, local, payloadSize: size.value, firstOverflow }, end };
}

/** Every cell of a table leaf, or the reason the page is not a valid one. */
export function leafCells(page: BtreePage, encoding: TextEncoding, pageCount: number): LeafCell[] | string {
  const cells: LeafCell[] = [];
  const ranges: [number, number][] = [];
  for (const offset of page.cells) {
    const parsed = parseLeafCell(page, offset, encoding, pageCount);
    if (typeof parsed === 'string') return parsed;
    cells.push(parsed.cell);
    ranges.push([offset, parsed.end]);
  }
  if (!ascending(cells.map((c) => c.rowid))) return 'its rowids are not in ascending order';
  return overlapOf(ranges) ?? cells;
}

/** The child pages of a table interior page in key order (the right-most last), or why it is not valid. */
export function interiorChildren(page: BtreePage, pageCount: number): number[] | string {
  const children: number[] = [];
  const keys: Rowid[] = [];
  const ranges: [number, number][] = [];
  for (const offset of page.cells) {
    const key = offset + 4 <= page.usableSize ? readVarint(page.data, offset + 4, page.usableSize) : null;
    if (key === null) return `cell at ${offset} runs past the page`;
    const child = page.data.readUInt32BE(offset);
    if (child < 2 || child > pageCount) return `cell at ${offset} names child page ${child}, not a page of the file`;
    children.push(child);
    keys.push(key.value);
    ranges.push([offset, offset + 4 + key.length]);
  }
  if (!ascending(keys)) return 'its keys are not in ascending order';
  return overlapOf(ranges) ?? [...children, page.rightChild];
}

/** A page of a table b-tree, or why it is not one. */
export function tablePage(reader: PageReader, pgno: number): BtreePage | string {
  const data = reader.read(pgno);
  if (data === null) return 'the page is past the end of the file';
  const page = parseBtreePage(data, pgno, reader.usableSize, reader.pageCount);
  if (typeof page === 'string') return page;
  return isTablePage(page.type) ? page : 'it is an index page, not a table page';
}

/** The rows of one valid table leaf, reading overflow chains as they come; a broken chain loses its row alone. */
export function* leafRows(reader: PageReader, page: BtreePage, cells: LeafCell[], encoding: TextEncoding, ledger: WalkLedger): Generator<TableRow> {
  for (const cell of cells) {
    if (cell.values) {
      yield { pgno: page.pgno, rowid: cell.rowid, values: cell.values };
      continue;
    }
    const payload = readOverflowPayload(reader, cell.local, cell.payloadSize, cell.firstOverflow, (p) => ledger.overflowPage(p));
    if (!Buffer.isBuffer(payload)) {
      ledger.lostRow(page.pgno, cell.rowid, payload.page, payload.reason);
      continue;
    }
    const values = decodeRecord(payload, encoding);
    if (values === null) ledger.lostRow(page.pgno, cell.rowid, cell.firstOverflow, 'its record does not decode across its overflow pages');
    else yield { pgno: page.pgno, rowid: cell.rowid, values };
  }
}

/**
 * Every readable row of the table b-tree rooted at `root`, depth first in key order. A child that
 * does not parse is reported unreadable and its subtree skipped: its leaves are found later by
 * scanning the file (orphaned leaves).
 */
export function* walkTableBtree(reader: PageReader, root: number, encoding: TextEncoding, ledger: WalkLedger): Generator<TableRow> {
  const stack = [root];
  while (stack.length) {
    const pgno = stack.pop()!;
    if (!ledger.enter(pgno)) continue;
    const page = tablePage(reader, pgno);
    if (typeof page === 'string') {
      ledger.unreadable(pgno, page);
      continue;
    }
    if (page.type === PAGE_TYPE.tableInterior) {
      const children = interiorChildren(page, reader.pageCount);
      if (typeof children === 'string') ledger.unreadable(pgno, children);
      else for (let k = children.length - 1; k >= 0; k--) stack.push(children[k]);
      continue;
    }
    const cells = leafCells(page, encoding, reader.pageCount);
    if (typeof cells === 'string') ledger.unreadable(pgno, cells);
    else yield* leafRows(reader, page, cells, encoding, ledger);
  }
}

// Tables, queries and rows as support staff browse them.

/** A table or view as `warden tables` lists it. */
export interface TableSummary {
  name: string;
  kind: 'table' | 'view';
  /** Why its rows cannot be counted or read (a damaged page, a table the schema expects but the file lacks); absent when readable. */
  unreadable?: { reason: 'damaged' | 'missing'; message: string; page: number | null };
  /** Rows in a table; null for a view (counting one runs its query). */
  rows: number | null;
  /** Bytes the table's pages take in the file; null for a view, or where SQLite has no dbstat. */
  bytes: number | null;
  /** Its indexes; `automatic` ones are SQLite's own (for a UNIQUE or PRIMARY KEY). */
  indexes: { name: string; automatic: boolean; bytes: number | null }[];
  /** Its columns' names, in order (what the query box offers as you type). */
  columns: string[];
}

export interface TablesReport {
  path: string;
  /** Whether sizes were measured (SQLite's dbstat virtual table); without it every size is null. */
  measured: boolean;
  /** page_size × page_count: the main file without its -wal. */
  bytes: number;
  tables: TableSummary[];
}

/** A BLOB in a query result: its size and its first 16 bytes in hex. */
export interface BlobPreview {
  blob: number;
  hex: string;
}

export interface QueryResult {
  path: string;
  sql: string;
  columns: string[];
  /** Values as SQLite returned them (NULL as null; integers beyond 2^53 as strings). */
  rows: (string | number | null | BlobPreview)[][];
  /** More rows than `limit` exist; only the first `limit` are here. */
  more: boolean;
  limit: number;
  durationMs: number;
}

/** A cell as the Data view shows it: NULL as null, a BLOB as its size and first bytes, integers beyond 2^53 as strings. */
export type CellValue = string | number | null | BlobPreview;

/** How rows are narrowed: a column equal to (or not equal to, or containing) a value, or NULL, or not NULL. */
export interface RowFilter {
  column: string;
  op: 'eq' | 'ne' | 'contains' | 'isNull' | 'notNull';
  /** For eq, ne and contains. */
  value?: string | number;
}

export interface RowSort {
  column: string;
  direction: 'asc' | 'desc';
}

export interface BrowseColumn {
  name: string;
  /** The declared type ('' when none). */
  type: string;
  notNull: boolean;
  /** Position in the primary key (1-based), 0 when not part of it. */
  primaryKey: number;
}

/** A foreign key: `columns` of `from` refer to `to` of `table` (the parent). */
export interface ForeignKeyLink {
  /** The child table. */
  from: string;
  columns: string[];
  /** The parent table. */
  table: string;
  /** The parent's columns (its primary key when the foreign key names none). */
  to: string[];
}

export interface RowsPage {
  path: string;
  table: string;
  kind: 'table' | 'view';
  columns: BrowseColumn[];
  /** This table's foreign keys: each names the parent a cell can be followed to. */
  parents: ForeignKeyLink[];
  /** Other tables' foreign keys to this one: where a row's children are. */
  children: ForeignKeyLink[];
  sort: RowSort | null;
  filters: RowFilter[];
  offset: number;
  rows: CellValue[][];
  /** Rows matching the filters (null when not asked for). */
  total: number | null;
}

/** A row's children in one child table. */
export interface ChildRows {
  link: ForeignKeyLink;
  /** The filters that select them in the child table (browse them with these). */
  filters: RowFilter[];
  count: number;
}

export interface RowChildrenReport {
  path: string;
  table: string;
  children: ChildRows[];
}

/** A streamed export (exportResult) as the host answers it: the desktop app once the file is written, the HTTP host before, with the address to download it from. */
export interface ExportStarted {
  fileName: string;
  /** The HTTP host: the one-time address whose GET streams the file (usable once, for a minute). */
  download: string | null;
  /** The desktop app: where the file was written, and its rows. */
  savedTo: string | null;
  rows: number | null;
}

/** One query run, as the host keeps it in a database's query history. */
export interface QueryHistoryEntry {
  /** The run's operation id. */
  id: string;
  /** The query's text; null for a console that may not see it (a read-only token sees no other operator's SQL). */
  sql: string | null;
  /** When it started (ISO 8601). */
  at: string;
  /** Who ran it, as the history names people ("alice via warden serve (user@host, pid N)"). */
  by: string;
  outcome: 'done' | 'failed' | 'cancelled';
  /** Rows it answered (null when it did not end well); `more`: the row limit cut it. */
  rows: number | null;
  more: boolean;
  durationMs: number;
}

export interface QueryHistoryReport {
  db: string;
  /** Newest first. */
  entries: QueryHistoryEntry[];
  /** How many runs the host keeps per database (the newest). */
  keeps: number;
}

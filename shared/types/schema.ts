// The schema: how the live one differs from the expected one (problems), object by object, as a diagram, and where the bytes go.

import type { NextAction } from '../next-action';

export type ObjectKind =
  | 'table'
  | 'column'
  | 'check'
  | 'unique'
  | 'foreign_key'
  | 'index'
  | 'trigger'
  | 'view'
  | 'integrity'
  | 'foreign_key_violation'
  | 'checksum'
  | 'version'
  /** No verified backup of the database, or none newer than the limit: not backed up. */
  | 'backup';

export type Change = 'missing' | 'extra' | 'changed' | 'failed';

/** One thing that is not as it should be, named so a person can find it. */
export interface Problem {
  kind: ObjectKind;
  /** The object's name (for a column: the column; `table` says where it lives). */
  name: string;
  table?: string;
  change: Change;
  /** error: the database is unhealthy; warning: it works but is not what was expected. */
  severity: 'error' | 'warning';
  message: string;
  expected?: string;
  actual?: string;
  /** What a person can do about it, where the engine knows (repair says why it left something alone). */
  hint?: string;
  /** The actions that do what the hint says, as data (shared/next-action.ts). */
  next?: NextAction[];
  /** A missing table whose exact shape an extra table has: that table's name (it was probably renamed; repair renames it back). */
  foundAs?: string;
  /** A difference that follows from that rename (a child's foreign key, an index or view naming the other table): renaming it back fixes it. */
  fixedByRenaming?: string;
  /** The expected and the actual CREATE statement of the object (for a change inside a table: the table's), as written. */
  definitions?: { expected: string; actual: string };
}

export interface ChecksumMismatch {
  version: string;
  file: string;
  recorded: string;
  current: string;
}

/** What the service's own versions table (the chat service's schema_migrations) records: its newest row. */
export interface LegacyVersion {
  table: string;
  legacyVersion: string;
  version: string | null;
}

export interface SchemaObject {
  type: 'table' | 'index' | 'view' | 'trigger';
  name: string;
  /** The table it belongs to (itself for a table or view). */
  table: string;
  /** The statement that made it, as SQLite stores it (null for SQLite's own automatic indexes). */
  sql: string | null;
}

export interface SchemaObjectsReport {
  path: string;
  version: string | null;
  /** In the order SQLite stores them. */
  objects: SchemaObject[];
}

/** How a table or column of the live database stands against the expected schema. */
export type DiagramState = 'as-expected' | 'missing' | 'extra' | 'changed';

export interface DiagramColumn {
  name: string;
  /** As declared ('' when the column has no type). */
  type: string;
  primaryKey: boolean;
  notNull: boolean;
  state: DiagramState;
}

/** A foreign key of one table: its columns and the parent table and columns they refer to. */
export interface DiagramForeignKey {
  from: string[];
  table: string;
  to: string[];
}

export interface DiagramTable {
  name: string;
  state: DiagramState;
  /** The expected columns in order (a missing or changed table too), then any the live table has beyond them. */
  columns: DiagramColumn[];
  foreignKeys: DiagramForeignKey[];
  /** Each difference the comparison found on the table (its columns, constraints, indexes, triggers), in words. */
  findings: string[];
}

/** The expected schema's tables and foreign keys at the version compared with, with the live database's drift on them. */
export interface SchemaDiagram {
  path: string;
  /** The version the live schema was compared with; null when the database has none (nothing to draw against). */
  comparedAt: string | null;
  /** Expected tables in the schema's order of names, then the live database's extra tables. */
  tables: DiagramTable[];
}

/** One b-tree of the file and the bytes its pages take, as SQLite's dbstat sums them. */
export interface SizedObject {
  name: string;
  /** 'schema': SQLite's own sqlite_schema table (page 1 and what follows it). */
  kind: 'table' | 'index' | 'schema';
  /** The table an index belongs to (a table's own name for a table). */
  table: string;
  bytes: number;
}

/** Where the file's bytes go: each table and index (from dbstat), and the free pages VACUUM would give back. */
export interface SizesReport {
  path: string;
  /** Whether SQLite's dbstat could measure the objects (a build without it, or a damaged page, leaves `objects` empty). */
  measured: boolean;
  pageSize: number;
  pageCount: number;
  /** page_size × page_count: the main file without its -wal. */
  bytes: number;
  /** Pages on the free list: what VACUUM gives back at least (it also packs half-empty pages). */
  freePages: number;
  freeBytes: number;
  /** Largest first. */
  objects: SizedObject[];
}

import { basename, extname, resolve } from 'node:path';
import type { DatabaseEntry } from '../../shared/types/databases';
import { WardenError } from '../engine';

// The databases a host serves, by the id it gave each. The renderer names databases only by id,
// so this table is the one place a path is looked up; a host adds paths it chose itself (the
// command line, a native dialog, its data folder), never one sent by a client.

/** The health document keys databases by id next to this key, so no database may take it. */
const RESERVED_IDS = new Set(['schema_version']);

function idBase(path: string): string {
  const stem = basename(path, extname(path))
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/^[.-]+|[.-]+$/g, '')
    .slice(0, 56);
  return stem || 'database';
}

export class DatabaseRegistry {
  private readonly entries = new Map<string, DatabaseEntry>();
  private readonly listeners: ((selected: DatabaseEntry | null) => void)[] = [];

  /** Registers a database (or finds it if its path is already registered) and returns its entry. */
  add(path: string, schema: string): DatabaseEntry {
    const absolute = resolve(path);
    const existing = [...this.entries.values()].find((e) => e.path === absolute);
    if (existing) return publicEntry(existing);
    const entry: DatabaseEntry = { id: this.freeId(idBase(absolute)), name: basename(absolute), path: absolute, schema };
    this.entries.set(entry.id, entry);
    this.changed(publicEntry(entry));
    return publicEntry(entry);
  }

  /**
   * Registers a backup of database `of` to be looked at read-only (openBackup): its own id, named
   * after the backup; the dispatcher lets only reading methods reach it.
   */
  addBackup(path: string, schema: string, of: string): DatabaseEntry {
    const absolute = resolve(path);
    const existing = [...this.entries.values()].find((e) => e.path === absolute);
    if (existing) return publicEntry(existing);
    const entry: DatabaseEntry = { id: this.freeId(idBase(absolute)), name: basename(absolute), path: absolute, schema, backupOf: of };
    this.entries.set(entry.id, entry);
    this.changed(publicEntry(entry));
    return publicEntry(entry);
  }

  /** Serves a registered database under another schema (one the host's catalogue knows) from now on. */
  setSchema(id: string, schema: string): DatabaseEntry {
    const entry = { ...this.get(id), schema };
    this.entries.set(id, entry);
    this.changed(publicEntry(entry));
    return publicEntry(entry);
  }

  get(id: string): DatabaseEntry {
    const entry = this.entries.get(id);
    if (!entry) {
      const known = [...this.entries.keys()].join(', ') || 'none';
      throw new WardenError('UNKNOWN_DATABASE', `No database has the id "${id}" here (known: ${known}).`, 'Pick a database from listDatabases.', { db: id });
    }
    return entry;
  }

  list(): DatabaseEntry[] {
    return [...this.entries.values()].map(publicEntry);
  }

  /**
   * Forgets a database (the file stays), whoever named it: in the HTTP host this stops serving it
   * (API, events and health endpoint) until the host is started with it again.
   */
  remove(id: string): boolean {
    this.get(id);
    this.entries.delete(id);
    this.changed(null);
    return true;
  }

  /** Calls `listener` after every change with the entry just added (null after a removal). */
  onChange(listener: (selected: DatabaseEntry | null) => void): void {
    this.listeners.push(listener);
  }

  private changed(selected: DatabaseEntry | null): void {
    for (const listener of this.listeners) listener(selected);
  }

  private freeId(base: string): string {
    const taken = (id: string) => this.entries.has(id) || RESERVED_IDS.has(id);
    if (!taken(base)) return base;
    let n = 2;
    while (taken(`${base}-${n}`)) n++;
    return `${base}-${n}`;
  }
}

function publicEntry({ id, name, path, schema, backupOf }: DatabaseEntry): DatabaseEntry {
  return backupOf === undefined ? { id, name, path, schema } : { id, name, path, schema, backupOf };
}

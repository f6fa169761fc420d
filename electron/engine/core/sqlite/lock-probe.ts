import { statSync } from 'node:fs';
import { lockHolders } from './lock-holders';
import { newConnection } from './sqlite-addon';

// Whether a command would have to wait for another process's lock, asked without waiting: a
// connection with no busy timeout tries what the command will do (read, or take the write lock)
// and gives it back at once. The command itself then waits as long as --busy-timeout says; this
// only lets it say so first, instead of seconds of silence.

export interface HeldLock {
  /** What the command would wait for: to read at all (a writer is committing in rollback mode), or to write. */
  waitsTo: 'read' | 'write';
  /** The processes holding the file's locks, as "process 1234 (sqlite3)" (Linux), or []. */
  holders: string[];
}

const isBusy = (err: unknown) => /^SQLITE_(BUSY|LOCKED)/.test(String((err as { code?: unknown }).code));

/** The lock `path` is held under, if reading it (or, with `writes`, writing it) would wait now; null when free or when it cannot tell. */
export function heldLock(path: string, writes: boolean): HeldLock | null {
  // Only a regular file is probed: opening a FIFO to read would wait for a writer forever (the
  // command then refuses it, NOT_REGULAR_FILE, before SQLite opens anything).
  try {
    if (!statSync(path).isFile()) return null;
  } catch {
    return null;
  }
  let db;
  try {
    db = newConnection(path, { readonly: !writes, fileMustExist: true, timeout: 0 });
  } catch {
    return null; // not openable as asked: the command says why
  }
  let waitsTo: HeldLock['waitsTo'] = 'read';
  try {
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    if (writes) {
      waitsTo = 'write';
      db.exec('BEGIN IMMEDIATE');
      db.exec('ROLLBACK');
    }
    return null;
  } catch (err) {
    return isBusy(err) ? { waitsTo, holders: lockHolders(path) } : null;
  } finally {
    if (db.inTransaction) db.exec('ROLLBACK');
    db.close();
  }
}

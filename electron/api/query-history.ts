import type { QueryHistoryEntry, QueryHistoryReport } from '../../shared/types/data';

// Each database's query history, kept by the host beside its jobs (in memory, like the remembered
// rehearsals and checks: a console that reloads, or another console, finds it; a host restart
// starts it afresh), never in the user's database file. Bounded: the newest QUERY_HISTORY_KEEPS runs per database.

export const QUERY_HISTORY_KEEPS = 100;

export class QueryHistory {
  private readonly byDatabase = new Map<string, QueryHistoryEntry[]>();

  constructor(private readonly keeps = QUERY_HISTORY_KEEPS) {}

  record(db: string, entry: QueryHistoryEntry): void {
    this.byDatabase.set(db, [entry, ...(this.byDatabase.get(db) ?? [])].slice(0, this.keeps));
  }

  /** Newest first. A read-only console sees when, who and how each ended, not the SQL: it runs no queries, so none is its own. */
  of(db: string, readOnly: boolean): QueryHistoryReport {
    const entries = this.byDatabase.get(db) ?? [];
    return { db, entries: readOnly ? entries.map((e) => ({ ...e, sql: null })) : entries, keeps: this.keeps };
  }
}

// Migration statements that reach outside their database (issue 13), for the plan/migrate tests
// and the reliability suite's bad-input table.

/** Each statement with what the blocker must say; `elsewhere` is a folder nothing may be written into. */
export const OUTSIDE_STATEMENTS: { sql: (elsewhere: string) => string; says: RegExp }[] = [
  { sql: (elsewhere) => `ATTACH DATABASE '${elsewhere}/other.db' AS other;\nCREATE TABLE other.stolen (x);`, says: /ATTACH works on another database file/ },
  { sql: () => 'DETACH DATABASE other;', says: /DETACH works on another database file/ },
  { sql: () => 'VACUUM;', says: /VACUUM rewrites the whole file/ },
  { sql: (elsewhere) => `VACUUM INTO '${elsewhere}/copy.db';`, says: /VACUUM INTO writes a copy of the database to another file/ },
  { sql: () => 'PRAGMA application_id = 1;', says: /PRAGMA application_id changes a setting of the database file/ },
  { sql: () => 'PRAGMA main.user_version = 99;', says: /PRAGMA user_version changes a setting/ },
  { sql: () => 'PRAGMA journal_mode = WAL;', says: /PRAGMA journal_mode changes a setting/ },
  { sql: () => 'PRAGMA page_size = 8192;', says: /PRAGMA page_size changes a setting/ },
  { sql: (elsewhere) => `PRAGMA temp_store_directory = '${elsewhere}';`, says: /PRAGMA temp_store_directory changes a setting/ },
  { sql: () => 'PRAGMA writable_schema = ON;', says: /PRAGMA writable_schema changes a setting/ },
  { sql: (elsewhere) => `SELECT load_extension('${elsewhere}/evil.so');`, says: /load_extension loads native code/ },
];

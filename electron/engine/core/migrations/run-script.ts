import { throwIfCancelled, type EngineContext } from '../../context';
import { explainSqliteError, WardenError } from '../../errors';
import type { Migration } from '../schema/schema-folder';
import { splitStatements, type Statement } from '../schema/sql-text';
import type { Connection } from '../sqlite/open-database';

// A migration's SQL run statement by statement, for versioned and repeatable migrations alike: a
// file of its own, so that what runs repeatables (which drift also asks about) does not import
// what applies versions (which adoption, and so drift, is part of).

/** Runs a migration's statements one by one, so a failure names its statement and line. */
export function runScript(ctx: EngineContext, db: Connection, migration: Migration, statements: Statement[] = splitStatements(migration.sql)): void {
  for (const statement of statements) {
    throwIfCancelled(ctx, `Migration ${migration.version}`);
    try {
      db.exec(statement.sql);
    } catch (err) {
      const disk = explainSqliteError(err, ctx.dbPath);
      // The disk failed the statement, not the migration: said as such (the caller adds the version the file was left at).
      if (disk instanceof WardenError && (disk.code === 'NO_SPACE' || disk.code === 'IO_ERROR')) {
        throw new WardenError(disk.code, `Migration ${migration.file} stopped at line ${statement.line}. ${disk.message}`, disk.hint, {
          version: migration.version,
          file: migration.file,
          line: statement.line,
        });
      }
      throw new WardenError(
        'MIGRATION_FAILED',
        `Migration ${migration.file} failed at line ${statement.line}: ${(err as Error).message}. The database was left at its previous version.`,
        'Read the failing statement below, fix the database or the migration, then run it again.',
        { version: migration.version, file: migration.file, line: statement.line, statement: statement.sql, sqliteMessage: (err as Error).message },
      );
    }
  }
}

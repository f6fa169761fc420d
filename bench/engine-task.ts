import Database from 'better-sqlite3';
import semver from 'semver';
import { backup, type EngineContext, loadSchema, verbs } from '../electron/engine';

// One engine call in a process of its own, as a Node service calls the engine at start-up, through
// the verbs table (electron/engine/verbs.ts) as the hosts and the CLI call it:
// `node engine-task.mjs <task> <db> <schema-dir> [backup-dir]`, the task one of init, migrate,
// verify-quick, verify-full, backup (no check: copy, SHA-256, manifest), backup-quick (the
// default: + quick_check of the snapshot while it is copied), or the Data view's reads: browse-deep, browse-middle, browse-filtered, row-children,
// query-sorted, query-aggregate. The bare-* tasks do the same SQLite work through better-sqlite3 with nothing
// of ours around it, so the engine's own overhead can be read with the same SQLite version on
// both sides. Prints {"ms": time of the call alone, "cpuMs", "outcome"}; the parent reads peak
// memory (GNU time).

const [task, dbPath, schemaDir, backupDir] = process.argv.slice(2);
const ctx: EngineContext = { dbPath, schema: loadSchema(schemaDir), backupDir };

async function call(): Promise<string> {
  switch (task) {
    case 'init':
      return (await verbs.initialize.run(ctx, {})).to;
    case 'migrate':
      // The figure is the migration itself, as the shell runs it; the pre-migrate backup is the backup figure's.
      return (await verbs.migrate.run(ctx, { backup: false })).to;
    case 'verify-quick':
    case 'verify-full': {
      const report = await verbs.verify.run(ctx, { level: task === 'verify-quick' ? 'quick' : 'full' });
      return `${report.status} integrity=${report.integrity.ok} fk=${report.foreignKeyViolations.length}`;
    }
    case 'backup': {
      // The copy without its check, which no verb offers: the engine's function with verify off.
      const info = await backup(ctx, { verify: false });
      return `bytes=${info.bytes} verified=${info.verified?.ok ?? null}`;
    }
    case 'backup-quick': {
      const info = await verbs.backup.run(ctx, {});
      return `bytes=${info.bytes} verified=${info.verified?.ok ?? null}`;
    }
    case 'bare-quick':
    case 'bare-full': {
      const db = new Database(dbPath, { readonly: true });
      const pragmas = task === 'bare-quick' ? ['quick_check'] : ['integrity_check', 'foreign_key_check'];
      const rows = pragmas.flatMap((pragma) => db.pragma(pragma) as unknown[]);
      db.close();
      return JSON.stringify(rows);
    }
    case 'bare-migrate': {
      // sqlite.org's rebuild procedure by hand: foreign keys off, every pending script in one
      // transaction, foreign_key_check before COMMIT.
      const db = new Database(dbPath);
      db.pragma('foreign_keys = OFF');
      const from = (db.prepare('SELECT max(version) AS v FROM schema_version').get() as { v: string }).v;
      const scripts = ctx.schema.migrations.filter((m) => semver.gt(m.version, from)).map((m) => m.sql);
      db.exec(`BEGIN;\n${scripts.join('\n')}`);
      const violations = db.pragma('foreign_key_check') as unknown[];
      db.exec('COMMIT');
      db.close();
      return `violations=${violations.length}`;
    }
    case 'browse-deep':
    case 'browse-middle': {
      // The last page, or the middle one, of the table sorted by a column no index covers, with
      // its count. The middle is the costliest: a page past it is read from the other end.
      const { total } = await verbs.rows.run(ctx, { table: 'conversation_files', offset: 0, limit: 1, filters: [], withTotal: true });
      const offset = task === 'browse-deep' ? Math.max(0, (total ?? 0) - 100) : Math.floor((total ?? 0) / 2);
      const page = await verbs.rows.run(ctx, {
        table: 'conversation_files',
        filters: [],
        sort: { column: 'file_size', direction: 'desc' },
        offset,
        limit: 100,
        withTotal: true,
      });
      return `rows=${page.rows.length} total=${page.total}`;
    }
    case 'browse-filtered': {
      const page = await verbs.rows.run(ctx, {
        table: 'conversation_files',
        filters: [
          { column: 'uploaded_by', op: 'isNull' },
          { column: 'original_filename', op: 'contains', value: '9' },
        ],
        offset: 500,
        limit: 100,
        withTotal: true,
      });
      return `rows=${page.rows.length} total=${page.total}`;
    }
    case 'row-children': {
      const report = await verbs.rowChildren.run(ctx, { table: 'conversation_files', row: { file_id: 'f-0000001' } });
      return report.children.map((c) => `${c.link.from}=${c.count}`).join(' ');
    }
    case 'query-sorted':
    case 'query-aggregate': {
      // The query runs in a child process: GNU time's peak is the larger of this process and that child.
      const sql =
        task === 'query-sorted'
          ? 'SELECT * FROM conversation_files ORDER BY file_size DESC'
          : 'SELECT mime_type, count(*), sum(file_size) FROM conversation_files GROUP BY mime_type';
      const result = await verbs.query.run(ctx, { sql, limit: 1000, timeoutMs: 600_000 });
      return `rows=${result.rows.length} more=${result.more}`;
    }
    default:
      throw new Error(`unknown task ${task}`);
  }
}

const cpuBefore = process.cpuUsage();
const started = performance.now();
const outcome = await call();
const ms = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
process.stdout.write(`${JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, outcome })}\n`);

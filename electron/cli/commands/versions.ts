import type { Command } from 'commander';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { MigrateResult } from '../../../shared/types/migrations';
import { type EngineContext, rehearse, verbs, WardenError } from '../../engine';
import { onEngineThread } from '../engine-thread';
import { renderHistory, renderInitialize, renderStatus } from '../render';
import { renderAcceptChecksum, renderBaseline, renderPlan, renderRehearsal } from '../render-plans';

import {
  EXIT,
  exitCodeFor,
  run,
  userPath,
  withBackupDir,
  withBackupMaxAge,
  withCommonOptions,
  type CommonOptions,
  type MigrateOptions,
} from '../command-runner';

// `warden` commands for versions and migrations: the start gate (init), migrate, plan, rehearse,
// baseline, accept-checksum, and what a database is at (status, history).

/**
 * init creates a missing database, but a --db whose folder does not exist is most often a typo
 * (`/var/lib/chta/…`): a fresh empty database there would hide the real one. So it creates the
 * folder only for the default database (data/), or when told to with --create-folders.
 */
function prepareFolder(ctx: EngineContext, given: boolean, createFolders: boolean): void {
  const folder = dirname(ctx.dbPath);
  if (existsSync(folder) || existsSync(ctx.dbPath)) return;
  if (!given || createFolders) {
    mkdirSync(folder, { recursive: true });
    return;
  }
  throw new WardenError(
    'NOT_FOUND',
    `The folder ${folder} does not exist, so no database was created at ${ctx.dbPath}. Nothing was written.`,
    `Check --db for a typo. If this is where the database belongs, create the folder (mkdir -p ${folder}) or run again with --create-folders.`,
  );
}

export function addVersionCommands(program: Command): void {
  withBackupDir(
    withCommonOptions(
      program
        .command('init')
        .description('create the database at the latest (or --to) version; migrate it if older (after a verified backup); do nothing if current'),
    ),
  )
    .option('--to <version>', 'version to create or migrate to')
    .option('--no-backup', 'migrate an existing database without taking a verified backup first')
    .option('--no-integrity-check', "skip SQLite's quick_check of an existing database (by default a damaged one is refused, exit 2)")
    .option('--create-folders', "create the --db file's missing folders (by default a folder that does not exist is refused: it is most often a typo)")
    .action((o: MigrateOptions & { createFolders?: boolean }) =>
      run(
        o,
        async (ctx) => {
          prepareFolder(ctx, o.db !== undefined, o.createFolders === true);
          const result = (await onEngineThread(ctx, 'initCommand', { to: o.to, backup: o.backup, integrityCheck: o.integrityCheck })) as MigrateResult;
          return { document: result, render: renderInitialize, exitCode: EXIT.ok };
        },
        { writes: true },
      ),
    );

  withBackupDir(withCommonOptions(program.command('migrate').description('take a verified backup, then apply pending migrations, one transaction per version')))
    .option('--to <version>', 'version to migrate to (default: latest)')
    .option('--no-backup', 'do not take a verified backup first')
    .option('--no-integrity-check', "skip SQLite's quick_check first (by default a damaged database is refused, exit 2)")
    .action((o: MigrateOptions) =>
      run(
        o,
        async (ctx) => {
          const result = (await onEngineThread(ctx, 'migrateCommand', { to: o.to, backup: o.backup, integrityCheck: o.integrityCheck })) as MigrateResult;
          return { document: result, render: renderInitialize, exitCode: EXIT.ok };
        },
        { writes: true },
      ),
    );

  withBackupMaxAge(
    withBackupDir(
      withCommonOptions(
        program.command('status').description('version, pending migrations, schema drift, orphaned rows and whether it is backed up, at a glance'),
      ),
    ),
  ).action((o: CommonOptions) =>
    run(o, async (ctx) => {
      const report = await verbs.status.run(ctx, {});
      return { document: report, render: renderStatus, exitCode: exitCodeFor(report.status) };
    }),
  );

  withCommonOptions(program.command('history').description('applied versions and lifecycle events, newest first')).action((o: CommonOptions) =>
    run(o, async (ctx) => {
      const report = await verbs.history.run(ctx, {});
      return { document: report, render: renderHistory, exitCode: EXIT.ok };
    }),
  );

  withCommonOptions(program.command('plan').description('what migrating would do: each pending step with its SQL, linter warnings, and what blocks it'))
    .option('--to <version>', 'version to plan for (default: latest)')
    .action((o: CommonOptions & { to?: string }) =>
      run(o, async (ctx) => {
        const result = await verbs.plan.run(ctx, { to: o.to });
        return { document: result, render: renderPlan, exitCode: result.blockers.length ? EXIT.failed : EXIT.ok };
      }),
    );

  withCommonOptions(program.command('rehearse').description('apply the plan to a temporary copy and report each step; the database itself is only read'))
    .option('--to <version>', 'version to rehearse up to (default: latest)')
    .option('--work-dir <dir>', 'folder for the temporary copy (default: the system temp folder)')
    .action((o: CommonOptions & { to?: string; workDir?: string }) =>
      run(o, async (ctx) => {
        const report = await rehearse(ctx, { to: o.to, workDir: o.workDir && userPath(o.workDir) });
        const exitCode = !report.ok ? EXIT.failed : report.drift.length ? EXIT.degraded : EXIT.ok;
        return { document: report, render: renderRehearsal, exitCode };
      }),
    );

  withCommonOptions(program.command('baseline').description('adopt an unversioned database whose schema is exactly version V'))
    .requiredOption('--version <version>', 'the version the database is at')
    .action((o: CommonOptions & { version: string }) =>
      run(
        o,
        async (ctx) => {
          const result = await verbs.baseline.run(ctx, { version: o.version });
          return { document: result, render: renderBaseline, exitCode: EXIT.ok };
        },
        { writes: true },
      ),
    );

  withCommonOptions(program.command('accept-checksum').description('accept the edited file of an applied migration, on the record'))
    .requiredOption('--version <version>', 'the applied version whose file was edited')
    .requiredOption('--reason <text>', 'why the edit is fine (kept in the history)')
    .action((o: CommonOptions & { version: string; reason: string }) =>
      run(
        o,
        async (ctx) => {
          const result = await verbs.acceptChecksum.run(ctx, { version: o.version, reason: o.reason });
          return { document: result, render: renderAcceptChecksum, exitCode: EXIT.ok };
        },
        { writes: true },
      ),
    );
}

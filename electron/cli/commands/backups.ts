import type { Command } from 'commander';
import type { BackupInfo } from '../../../shared/types/backups';
import { backup, backupFolderOf, DEFAULT_KEEP_PER_REASON, verbs, WardenError } from '../../engine';
import { backupArgument } from '../backup-argument';
import { escapeControls, escapedForText } from '../output';
import { renderBackup, renderBackups, renderBackupVerification, renderRestore, renderRestorePreview } from '../render';
import { renderPreserved } from '../render-damage';
import { renderRecoverRows } from '../render-plans';

import { EXIT, restoreQuestionFor, run, userPath, withBackupDir, withCommonOptions, type CommonOptions } from '../command-runner';

// `warden` commands for backups: take one, keep a damaged copy, list, verify, restore, recover rows.

export function addBackupCommands(program: Command): void {
  withBackupDir(withCommonOptions(program.command('backup').description('take an online backup, check it (quick_check) and fingerprint it (SHA-256)')))
    .option('--no-verify', 'skip the quick_check of the copy (verify it later with verify-backup)')
    .option('--keep <n>', 'backups of each reason to keep (older ones are removed; the newest verified one is always kept)', String(DEFAULT_KEEP_PER_REASON))
    .action((o: CommonOptions & { verify: boolean; keep: string }) =>
      run(o, async (ctx) => {
        const info = await backup(ctx, { reason: 'manual', verify: o.verify, keepPerReason: Number(o.keep) });
        return { document: info, render: renderBackup, exitCode: EXIT.ok };
      }),
    );

  withBackupDir(
    withCommonOptions(
      program
        .command('preserve')
        .description('copy a damaged database byte for byte, with its journal or WAL, into the backup folder, marked damaged (never restored from)'),
    ),
  ).action((o: CommonOptions) =>
    run(o, async (ctx) => {
      const info = await verbs.preserveCopy.run(ctx, {});
      return { document: info, render: renderPreserved, exitCode: EXIT.ok };
    }),
  );

  withBackupDir(withCommonOptions(program.command('backups').description('the backups of the database, newest first'))).action((o: CommonOptions) =>
    run(o, async (ctx) => {
      const list = await verbs.backups.run(ctx, {});
      return {
        document: list,
        render: (shown: BackupInfo[], words) => renderBackups(escapeControls(backupFolderOf(ctx)), shown, words),
        exitCode: EXIT.ok,
      };
    }),
  );

  withBackupDir(
    withCommonOptions(
      program.command('verify-backup').description("check a backup: its SHA-256 against its manifest and SQLite's quick_check (integrity_check with --full)"),
    ),
  )
    .argument('<backup>', 'a backup as warden backups lists it (its name, in --backup-dir), latest, or a path')
    .option('--full', 'integrity_check instead of quick_check')
    .action((file: string, o: CommonOptions & { full?: boolean }) =>
      run(o, async (ctx) => {
        const report = await verbs.verifyBackup.run(ctx, { backup: backupArgument(ctx, file, userPath), full: o.full === true });
        return { document: report, render: renderBackupVerification, exitCode: report.ok ? EXIT.ok : EXIT.failed };
      }),
    );

  withBackupDir(withCommonOptions(program.command('restore').description('replace the database with a verified backup, after backing up what it replaces')))
    .requiredOption('--backup <backup>', 'the backup to restore: its name as warden backups lists it (in --backup-dir), latest, or a path')
    .option('--yes', 'do not ask for confirmation (required when not on a terminal)')
    .option('--dry-run', 'restore nothing: per table, the rows here the backup lacks or holds differently (by primary key), and the rows it would bring back')
    .action((o: CommonOptions & { backup: string; yes?: boolean; dryRun?: boolean }, command: Command) => {
      if (o.dryRun) {
        return run(o, async (ctx) => ({
          document: await verbs.previewRestore.run(ctx, { backup: backupArgument(ctx, o.backup, userPath) }),
          render: renderRestorePreview,
          exitCode: EXIT.ok,
        }));
      }
      if (!o.yes && !process.stdin.isTTY) {
        command.error('error: restore replaces the database: confirm with --yes when not running on a terminal');
      }
      return run(
        o,
        async (ctx, ask) => {
          const from = backupArgument(ctx, o.backup, userPath);
          if (!o.yes && !(await ask(restoreQuestionFor(escapedForText(await verbs.previewRestore.run(ctx, { backup: from })), ctx)))) {
            throw new WardenError('CANCELLED', `Restore not confirmed: ${ctx.dbPath} was not changed.`, 'Run it again and answer yes, or pass --yes.');
          }
          const result = await verbs.restore.run(ctx, { backup: from });
          return { document: result, render: renderRestore, exitCode: EXIT.ok };
        },
        { writes: true },
      );
    });

  withBackupDir(
    withCommonOptions(
      program.command('recover-rows').description("copy back from a verified backup the rows a table lacks (and its children's), never overwriting a live row"),
    ),
  )
    .requiredOption('--table <name>', 'the table whose rows to recover')
    .requiredOption('--backup <backup>', 'the backup holding the rows: its name as warden backups lists it (in --backup-dir), latest, or a path')
    .option('--dry-run', 'show how many rows each table would get back, and write nothing')
    .action((o: CommonOptions & { table: string; backup: string; dryRun?: boolean }) =>
      run(
        o,
        async (ctx) => {
          const result = await verbs.recoverRows.run(ctx, { table: o.table, backup: backupArgument(ctx, o.backup, userPath), dryRun: o.dryRun === true });
          return { document: result, render: renderRecoverRows, exitCode: result.orphanedRows.length ? EXIT.degraded : EXIT.ok };
        },
        { writes: true },
      ),
    );
}

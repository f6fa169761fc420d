import type { Command } from 'commander';
import type { VerifyReport } from '../../../shared/types/integrity';
import { salvage, verbs } from '../../engine';
import { renderSalvage } from '../render-data';
import { onEngineThread } from '../engine-thread';
import { backupArgument } from '../backup-argument';
import { renderVerify } from '../render';
import { renderRepair } from '../render-plans';

import { EXIT, exitCodeFor, run, userPath, withBackupDir, withCommonOptions, type CommonOptions } from '../command-runner';

// `warden` commands for integrity: check (verify), recreate what is missing (repair), salvage a damaged file.

export function addIntegrityCommands(program: Command): void {
  withCommonOptions(program.command('verify').description('compare the live schema with the expected one and run SQLite integrity checks'))
    .option('--full', 'integrity_check and foreign_key_check instead of quick_check')
    .action((o: CommonOptions & { full?: boolean }) =>
      run(
        o,
        async (ctx) => {
          const report = (await onEngineThread(ctx, 'verify', { level: o.full ? 'full' : 'quick' })) as VerifyReport;
          return { document: report, render: renderVerify, exitCode: exitCodeFor(report.status) };
        },
        { readsOnly: 'verify' },
      ),
    );

  withBackupDir(
    withCommonOptions(
      program
        .command('salvage')
        .description(
          'recover every readable row of a damaged database into a new file at the expected schema, reading the file format itself (no sqlite3 shell needed); never writes to the damaged file or its WAL',
        ),
    ),
  )
    .requiredOption('--out <file>', 'the new database file (must not exist)')
    .option(
      '--recover-from <backup>',
      'then copy back, from this verified backup (its name as warden backups lists it, latest, or a path), the rows the damaged tables lack: salvage and recover rows in one',
    )
    .action((o: CommonOptions & { out: string; recoverFrom?: string }) =>
      run(o, async (ctx) => {
        const report = await salvage(ctx, {
          out: userPath(o.out),
          recoverFrom: o.recoverFrom === undefined ? undefined : backupArgument(ctx, o.recoverFrom, userPath),
        });
        const clean =
          report.integrity.ok &&
          report.drift.length === 0 &&
          report.lostAndFound === 0 &&
          report.unreadablePages.length === 0 &&
          report.foreignKeyViolations === 0;
        return { document: report, render: renderSalvage, exitCode: clean ? EXIT.ok : EXIT.degraded };
      }),
    );

  withCommonOptions(
    program.command('repair').description('recreate missing tables, indexes, triggers and views from the expected schema; never drops anything'),
  )
    .option('--no-backup', 'repair without taking a backup first')
    .option('--dry-run', 'print the SQL repair would run, and write nothing')
    .action((o: CommonOptions & { backup: boolean; dryRun?: boolean }) =>
      run(
        o,
        async (ctx) => {
          const result = await verbs.repair.run(ctx, { backup: o.backup, dryRun: o.dryRun === true });
          const damageLeft = result.tableDamage || (result.integrityAfter && !result.integrityAfter.ok);
          return { document: result, render: renderRepair, exitCode: damageLeft ? EXIT.failed : result.refused.length ? EXIT.degraded : EXIT.ok };
        },
        { writes: true },
      ),
    );
}

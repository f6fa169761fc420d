import type { Command } from 'commander';

// Examples under each command's --help: what an operator types, for the cases met most.
// help-examples.test.ts parses every one with the program itself, so none names an option the
// command does not take.

const DB = '/var/lib/chat/conversation_files.db';

/** Each example: the command line after `warden`, and what it does. */
export const EXAMPLES: Record<string, [string, string][]> = {
  init: [
    [`init --db ${DB}`, 'the start gate: create, adopt or migrate; exit 0 when the service may start'],
    [`init --db ${DB} --to 1.1.0`, 'create or migrate only as far as 1.1.0'],
  ],
  migrate: [
    [`migrate --db ${DB}`, 'a verified backup first, then every pending migration (Ctrl-C stops after the step under way)'],
    [`migrate --db ${DB} --to 1.2.0 --backup-dir /backups/chat`, 'up to 1.2.0, the backup in a folder of your choice'],
  ],
  backup: [
    [`backup --db ${DB}`, 'an online backup into <db>.backups, checked and fingerprinted'],
    [`backup --db ${DB} --backup-dir /backups/chat --keep 10`, 'into another folder, keeping 10 of each reason'],
  ],
  preserve: [[`preserve --db ${DB}`, 'a byte copy of a damaged file with its journal or WAL, before anything else']],
  backups: [
    [`backups --db ${DB}`, 'the backups, newest first, with their names'],
    [`backups --db ${DB} --json`, 'the same as one JSON document'],
  ],
  'verify-backup': [
    [`verify-backup latest --db ${DB}`, 'check the newest backup'],
    [
      `verify-backup conversation_files-20261130T165650442Z-manual.sqlite --db ${DB} --full`,
      'check one by the name warden backups lists, with integrity_check',
    ],
  ],
  restore: [
    [`restore --db ${DB} --backup latest --dry-run`, 'what restoring the newest backup would lose or bring back; changes nothing'],
    [`restore --db ${DB} --backup conversation_files-20261130T165650442Z-manual.sqlite`, 'restore it, after asking (and backing up what it replaces)'],
    [`restore --db ${DB} --backup /mnt/old/copy.sqlite --yes`, 'from a path, without asking (scripts)'],
  ],
  'recover-rows': [
    [`recover-rows --db ${DB} --table conversation_files --backup latest --dry-run`, 'how many rows each table would get back'],
    [`recover-rows --db ${DB} --table conversation_files --backup latest`, 'copy them back, never overwriting a live row'],
  ],
  status: [
    [`status --db ${DB}`, 'the status in words; exit 0 healthy, 1 needs attention, 2 unhealthy'],
    [`status --db ${DB} --backup-max-age 1d --json`, 'a backup older than a day needs attention; as JSON'],
  ],
  verify: [
    [`verify --db ${DB}`, 'drift against the expected schema and quick_check'],
    [`verify --db ${DB} --full`, 'integrity_check and foreign_key_check too (Ctrl-C stops it at once)'],
  ],
  history: [[`history --db ${DB}`, 'every applied version and lifecycle event, newest first']],
  tables: [[`tables --db ${DB}`, 'rows, size on disk and indexes of every table and view']],
  query: [
    [`query --db ${DB} --sql "SELECT mime_type, count(*) FROM conversation_files GROUP BY 1"`, 'a read-only query, as a table'],
    [`query --db ${DB} --sql "SELECT * FROM conversation_files" --limit 100000 --csv`, 'as CSV; exit 1 and a warning when rows are left over'],
  ],
  rows: [
    [`rows --db ${DB} --table conversation_files --sort uploaded_at:desc --limit 20`, 'the 20 newest files'],
    [`rows --db ${DB} --table conversation_files --where session_id=s1 --where mime_type:null`, 'narrowed by filters'],
  ],
  salvage: [
    [`salvage --db ${DB} --out /tmp/salvaged.db`, 'every readable row of a damaged file into a new one'],
    [`salvage --db ${DB} --out /tmp/salvaged.db --recover-from latest`, 'then the rows lost with damaged pages from the newest backup'],
  ],
  plan: [[`plan --db ${DB}`, 'each pending step with its SQL, the rows it changes and linter warnings']],
  rehearse: [[`rehearse --db ${DB} --work-dir /var/tmp`, 'the plan on a temporary copy, with each step timed']],
  repair: [
    [`repair --db ${DB} --dry-run`, 'the SQL repair would run; writes nothing'],
    [`repair --db ${DB}`, 'recreate missing tables, indexes, triggers and views after a verified backup'],
  ],
  baseline: [[`baseline --db ${DB} --version 1.0.0`, 'adopt a database made by hand whose schema is exactly 1.0.0']],
  'accept-checksum': [[`accept-checksum --db ${DB} --version 1.1.0 --reason "comment fixed in the file"`, 'accept an edited migration file, on the record']],
  fleet: [
    ['fleet status --fleet fleet.json', 'every deployment worst first; exit 3 when one cannot be asked'],
    ['fleet compare vm1 vm2 --fleet fleet.json', 'the live schemas of two deployments, object by object'],
    ['fleet migrate --fleet fleet.json --to 1.2.0 --canary vm2', 'rehearse everywhere, migrate the canary, then the rest'],
  ],
  completion: [['completion bash', 'the bash completion script: put eval "$(warden completion bash)" in ~/.bashrc']],
  serve: [
    [`serve --db ${DB}`, 'the web console on 127.0.0.1, with a token printed at start'],
    [`serve --db ${DB} --backup-every 6h --port 8080`, 'with a backup every 6 hours, on port 8080'],
  ],
};

/** Adds each command's examples under its --help ("Examples:", then `$ warden …` and what it does). */
export function addHelpExamples(program: Command): void {
  for (const command of program.commands) {
    const examples = EXAMPLES[command.name()];
    if (!examples) continue;
    const lines = examples.map(([line, what]) => `  $ warden ${line}\n      ${what}`);
    command.addHelpText('after', `\nExamples:\n${lines.join('\n')}`);
  }
}

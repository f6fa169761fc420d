import type { MethodName } from './contract';
import type { ErrorCode, ErrorInfo } from './errors';
import type { NextAction } from './next-action';

// What to do, in the console's own words (the renderer, and the desktop app's own dialogs). A
// person in the console acts with its buttons and views, so the console words its advice itself:
// from the error code and the action that failed, then the engine's next actions (shared/next-action.ts)
// as the buttons that do them. The CLI prints the same next actions as commands.

/** The action that failed (the API method), when the console knows it. */
type Action = MethodName | null;

type Hint = string | ((action: Action, details: Record<string, unknown>) => string);

const BACKUP_ACTIONS: readonly Action[] = ['verifyBackup', 'restore', 'recoverRows'];
const FLEET_ACTIONS: readonly Action[] = ['fleetStatus', 'fleetMigrate', 'fleetVerify', 'fleetBackup', 'fleetCompare'];
const RESTORE_FROM_BACKUPS = 'Restore the newest verified backup from the Backups view (Restore keeps a pre-restore backup of what it replaces).';
const ASK_THE_OPERATOR = 'whoever runs Schema Warden on this machine';
/** What only the desktop app does with a fleet (the Fleet page's Open fleet file…, Set token…, Forget token, Open). */
const DESKTOP_FLEET_ACTIONS: readonly Action[] = ['openFleet', 'keepFleetToken', 'forgetFleetToken', 'openDeployment'];

const HINTS: Record<ErrorCode, Hint> = {
  NOT_FOUND: (action) => {
    if (FLEET_ACTIONS.includes(action) || DESKTOP_FLEET_ACTIONS.includes(action))
      return 'Open a fleet file with Open fleet file… on the Fleet page (File → Open Fleet… in the desktop app); if one is open, press Refresh: the fleet file may have changed.';
    if (action === 'recoverRows')
      return 'Recreate a missing table first with Repair on the Integrity view; if the backup lacks the table, pick a backup taken while it still had its rows.';
    if (BACKUP_ACTIONS.includes(action)) return 'The backup file is no longer there. The Backups view lists the backups that are; pick one of them.';
    return 'The file was moved, renamed or deleted, or the volume holding it is not mounted. Put it back and press Try again, or close this database in the sidebar.';
  },
  IS_DIRECTORY: 'This entry names a folder, not a database file. Close it in the sidebar and open the database file inside the folder instead.',
  NOT_REGULAR_FILE: 'This entry names a device, pipe or socket, not a database file. Close it in the sidebar; nothing was opened or created.',
  NOT_A_DATABASE: (action) =>
    BACKUP_ACTIONS.includes(action)
      ? 'Pick another backup in the Backups view; this file is not a SQLite database.'
      : 'Check that this entry names the right file. Schema Warden reads and changes only SQLite databases; close it in the sidebar.',
  CORRUPT: (action) => {
    if (action === 'restore')
      return `The file being replaced is too damaged to be backed up or written in place. Ask ${ASK_THE_OPERATOR} to move it aside (with its -wal and -shm files), then press Restore again: it restores into a new file.`;
    if (action === 'query' || action === 'rows' || action === 'rowChildren' || action === 'tables')
      return 'The SQL and the request are fine; the file is damaged where the message says. The other tables can still be browsed. Preserve a copy from the Overview first, then the Integrity view shows every damaged page and what fits: restore a backup, or Salvage into a new file.';
    if (action === 'backup')
      return 'A backup is only kept when its copy passes a check, and this file is damaged. Press Preserve a copy on the Overview instead: a byte copy of the file as it is, kept as a damaged copy. Then the Integrity view shows where the damage is.';
    return `Do not write to this database. Preserve a copy from the Overview first (a byte copy of the file as it is), then: ${RESTORE_FROM_BACKUPS} Without a backup, Salvage on the Integrity view reads what it can into a new file.`;
  },
  READ_ONLY: (action) =>
    action === 'backup'
      ? `The backup folder cannot be written. Ask ${ASK_THE_OPERATOR} to make it writable for the account it runs as, then press Back up now again.`
      : `The file or its folder cannot be written by the account Schema Warden runs as. Ask ${ASK_THE_OPERATOR} to make them writable, then try again.`,
  LOCKED: 'Another process holds the database (a long write, a backup, an open sqlite3 shell). Wait for it to finish, then try again; nothing was changed.',
  NEWER_THAN_KNOWN: (action) =>
    action === 'restore'
      ? 'This backup was written by a newer version of Schema Warden. Pick a backup of a version this console knows, or use the Schema Warden that shipped with the newer service.'
      : 'A newer Schema Warden wrote this database. Use the console that shipped with that version; this one will not change it.',
  FOREIGN_APPLICATION: (action) =>
    BACKUP_ACTIONS.includes(action)
      ? 'This backup belongs to another application. Pick a backup of this database in the Backups view.'
      : 'This file belongs to another application, and Schema Warden will not change it. Check that this entry names the right file; close it in the sidebar.',
  UNTRUSTED_OBJECT:
    'Schema Warden writes nothing while an object it cannot account for is in the file: its own writes would set it off. The Integrity view names it; remove it with the tool that made it, or restore a backup without it from the Backups view.',
  UNFINISHED_MIGRATION:
    "The app's own migration tool left a migration half done. Finish or undo it by hand and resolve it with that tool's own command (the message says which), then press Try again. Schema Warden changes nothing until then.",
  NOT_VERSIONED:
    'Adopt it first: the next step on the Overview compares its schema with a version and records that version. Then migrate from the Migration plan.',
  NOT_INITIALIZED: 'Initialize it first with the Initialize button on the Overview.',
  UNKNOWN_VERSION: 'Pick one of the versions the console lists for this schema.',
  DOWNGRADE_NOT_SUPPORTED: 'Schema Warden only moves forward. To go back, restore a backup taken at the older version from the Backups view.',
  SCHEMA_NOT_FOUND: `The schema folder this server uses is missing. Ask ${ASK_THE_OPERATOR} to put it back; nothing was changed.`,
  SCHEMA_INVALID: `The schema folder this server uses has a problem (named above). Ask whoever maintains the schema to fix it; nothing was changed.`,
  CHECKSUM_MISMATCH:
    'Put the original migration file back on the server, or accept the edit on purpose with Review the edited migration… on the Overview (your reason is kept in History).',
  OUT_OF_ORDER:
    'A migration was added below the version this database is at. Ask whoever maintains the schema to give it a version above the current one; nothing was changed.',
  SCHEMA_DRIFT: (action) =>
    action === 'baseline'
      ? 'Choose the version its schema really matches in the list and press Adopt again, or bring the schema in line first: the Integrity view names every difference.'
      : 'The Integrity view names every difference: Repair recreates what is missing, or restore a backup from the Backups view.',
  ALREADY_VERSIONED: 'It is already versioned: the Overview says where it stands, and the Migration plan takes it further.',
  // The backup taken first, when there is one, comes as a next action (restore, with its file).
  MIGRATION_FAILED:
    "The database stayed at the version before the failing step. Read the statement and SQLite's message above, have the migration or the data fixed, rehearse again on a copy from the Migration plan, then apply.",
  FOREIGN_KEY_VIOLATION:
    'The change was rolled back. Run the full check on the Integrity view to list the rows pointing at missing parents; fix them or the migration, then try again.',
  BACKUP_INVALID: 'Pick another backup in the Backups view, and press Verify on it first: only a backup that passes is safe to use.',
  NO_SPACE: `The disk is full. Ask ${ASK_THE_OPERATOR} to free some space, then try again; nothing was changed.`,
  IO_ERROR: `The disk failed to read or write the file (an I/O error), so the step was not completed. Ask ${ASK_THE_OPERATOR} to check the disk or the volume; if it happens again, copy the database elsewhere before anything else writes to it.`,
  PERMISSION_DENIED: `The account Schema Warden runs as may not open this file or its folder. Ask ${ASK_THE_OPERATOR} to give it access, then try again; nothing was changed.`,
  CANCELLED: (action) =>
    action === 'query'
      ? 'Nothing was changed. Run it again when you are ready; a WHERE or a LIMIT makes a slow query finish sooner.'
      : 'Nothing was changed. Start it again when you are ready.',
  INVALID_INPUT: (action, details) => {
    if (action === 'query') {
      return details.sqliteCode
        ? 'Fix the SQL and press Run again.'
        : 'Write a SELECT (or WITH … SELECT): the Data view only reads. Changes go through the Migration plan, Repair and Restore, which take a backup first.';
    }
    if (action === 'acceptChecksum') return 'Say why the edit is safe in at least 3 characters; the reason is kept in History.';
    if (action === 'openFleet') return 'Fix the fleet file where the message says, then open it again; the fleet that was open stays open.';
    if (action === 'keepFleetToken') return 'Paste the token its agent printed when it started, without spaces.';
    return 'Check what you entered and try again.';
  },
  NOT_SUPPORTED: (action) => {
    if (action === 'openDatabase') return 'This web console serves the databases its server was started with; New database… creates another one beside them.';
    if (action === 'chooseSchemaFolder')
      return "This web console never takes a folder from the browser: ask whoever runs the server to name the folder beside the database when it starts the server (a schema folder, or the app's migrations folder).";
    if (action === 'keepFleetToken')
      return 'Name an environment variable or a file for this token in the fleet file instead ("tokenEnv" or "tokenFile"), or start your desktop\'s keychain and try again.';
    if (DESKTOP_FLEET_ACTIONS.includes(action))
      return 'Only the desktop app opens fleet files and keeps tokens; this web console shows the fleet its server was started with, and its tokens stay in the files that server reads.';
    if (action === 'recoverRows')
      return 'These rows cannot be matched one by one. Restore the whole backup from the Backups view instead (Restore keeps a pre-restore backup).';
    if (action === 'restore')
      return `Ask ${ASK_THE_OPERATOR} to stop the service and move the database aside (with its -wal and -shm files); then press Restore again: it restores into a new file.`;
    if (action !== null && FLEET_ACTIONS.includes(action))
      return `This server was started without a fleet file, so it has no Fleet page. Ask ${ASK_THE_OPERATOR} to start it with one.`;
    return 'This console cannot do that here; the other views still work.';
  },
  UNKNOWN_DATABASE: 'It was closed, or the server was restarted. Pick a database in the sidebar.',
  ALREADY_EXISTS: (action) =>
    action === 'fleetMigrate'
      ? 'Wait for the rolling migrate under way to end (the Jobs panel shows it), or Cancel it there, then start Rolling migrate again.'
      : 'Pick another name: a new database needs a file of its own.',
  UNAUTHORIZED: 'Open the console with the address its server printed when it started: that address carries the access token.',
  FORBIDDEN:
    'This console was opened with the read-only access its server gives for viewing and checking. Ask whoever runs the server for the operator address to make changes, back up or restore.',
  RESOURCE_LIMIT: (_action, details) =>
    details.limit === 'answer'
      ? 'Ask for fewer rows (a LIMIT, or a lower row limit), or fewer and shorter columns (substr() or length() of a long value). The server and the other views were not affected.'
      : 'Narrow the query: a WHERE, fewer or shorter columns, or a LIMIT right after its ORDER BY. The server and the other views were not affected.',
  UNREACHABLE: 'Check that its agent runs (and its SSH tunnel, if it has one), then press Refresh on the Fleet page and try again.',
  INTERNAL: 'Try again. If it happens again, report it with what you were doing and the message above.',
};

/** A next action in the console's words; `view` is where it is done (or its button), `specific` when it carries what only the engine knows (a version, a backup, a table). */
interface Step {
  view: string;
  words: string;
  specific: boolean;
}

const fileName = (path: string) => path.split(/[\\/]/).pop() ?? path;

/** Each verb as the view and the button that do it; null for what the host is asked to do (its operator's, not the console's). */
function stepFor(next: NextAction): Step | null {
  const plain = (view: string, words: string): Step => ({ view, words, specific: false });
  const specific = (view: string, words: string): Step => ({ view, words, specific: true });
  switch (next.action) {
    case 'status':
      return plain('Overview', 'The Overview shows where it stands.');
    case 'history':
      return plain('History view', 'The History view lists the applied versions.');
    case 'tables':
      return plain('Data view', 'The Data view lists the tables and views.');
    case 'query':
      return plain('Data view', 'A query of your own on the Data view finds where it fails.');
    case 'verify':
      return next.full
        ? plain('Integrity view', 'Full check on the Integrity view shows every damaged page.')
        : plain('Integrity view', 'Quick check on the Integrity view lists every problem.');
    case 'initialize':
      return plain('Overview', 'Initialize it from the Overview.');
    case 'plan':
    case 'migrate':
      return plain('Migration plan', 'The Migration plan takes it further.');
    case 'rehearse':
      return specific('Migration plan', `Rehearse ${next.to} on a copy from the Migration plan.`);
    case 'repair':
      return plain('Integrity view', 'Repair on the Integrity view recreates what is missing, and shows what it would run first.');
    case 'baseline':
      return next.version === undefined
        ? plain('Overview', 'Adopt it from the Overview, at the version its schema matches.')
        : specific('Overview', `Its schema matches ${next.version} exactly: adopt it as ${next.version} from the Overview.`);
    case 'acceptChecksum':
      // The button knows which version was edited; the hint of CHECKSUM_MISMATCH names it already.
      return plain(
        'Review the edited migration…',
        `To accept the edit of ${next.version} on purpose, press Review the edited migration… on the Overview (your reason is kept in History).`,
      );
    case 'backup':
      return plain('Overview', 'Press Back up now on the Overview.');
    case 'backups':
      return plain('Backups view', 'The Backups view lists the backups.');
    case 'verifyBackup':
      return next.backup === undefined
        ? plain('Backups view', 'Press Verify on a backup in the Backups view before using it.')
        : specific('Backups view', `Press Verify on ${fileName(next.backup)} in the Backups view.`);
    case 'restore':
      return next.backup === undefined
        ? plain('Backups view', 'Pick a verified backup in the Backups view and press Restore….')
        : specific('Backups view', `To go back, press Restore… on ${fileName(next.backup)} in the Backups view.`);
    case 'recoverRows':
      return specific('Integrity view', `Recover rows… on the Integrity view copies the missing rows of ${next.table} back from a backup.`);
    case 'preserveCopy':
      return plain('Overview', 'Press Preserve a copy on the Overview first: a byte copy of the file as it is.');
    case 'salvage':
      return plain('Integrity view', 'Salvage what can be read… on the Integrity view reads what it can into a new file.');
    default:
      return null;
  }
}

/**
 * The engine's next actions in the console's words, after `hint`: each once, and a plain one left
 * out when the hint already sends the person to its view (the code's hint says it better for the
 * action that failed); one that carries a version, a backup or a table is always said.
 */
export function consoleNextSteps(next: NextAction[] | undefined, hint: string): string[] {
  const said = new Set<string>();
  for (const step of (next ?? []).map(stepFor)) {
    if (step === null || said.has(step.words)) continue;
    if (!step.specific && hint.includes(step.view)) continue;
    said.add(step.words);
  }
  return [...said];
}

/** What the console tells a person to do about an error: the console's own words, never a command line. */
export function consoleHintFor(info: ErrorInfo, action: Action = null): string {
  if (info.consoleHint) return info.consoleHint;
  const words = HINTS[info.code];
  const hint = typeof words === 'string' ? words : words(action, info.details ?? {});
  return [hint, ...consoleNextSteps(info.next, hint)].join(' ');
}

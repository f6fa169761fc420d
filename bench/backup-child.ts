import { join } from 'node:path';
import { backup } from '../electron/engine/backup';
import { copyDatabase } from '../electron/engine/copy-database';
import { openDatabase } from '../electron/engine/open-database';
import { loadSchema } from '../electron/engine/schema-folder';

// One warden run in a process of its own, so that its peak memory is its own; prints
// {"ms": …, "maxRssKb": …} on stdout. Arguments: DB OUT_DIR SCHEMA_DIR copy|none|quick
//   copy   the online copy alone (SQLite's backup API, paced as the backup paces it)
//   none   warden backup without its check: copy, SHA-256, manifest, event
//   quick  warden backup as it runs by default: copy, quick_check and SHA-256, manifest, event

const [dbPath, outDir, schemaDir, mode] = process.argv.slice(2);
const ctx = { dbPath, backupDir: outDir, schema: loadSchema(schemaDir) };

async function copyOnly(): Promise<void> {
  const source = openDatabase(dbPath, { mode: 'read' });
  source.pragma('cache_size = -2048'); // as the backup's copy does
  try {
    await copyDatabase(ctx, source, join(outDir, 'copy.sqlite'), 'backup', 'The copy');
  } finally {
    source.close();
  }
}

const started = performance.now();
let verified: boolean | null = null;
if (mode === 'copy') await copyOnly();
else verified = (await backup(ctx, { verify: mode === 'quick' })).verified?.ok ?? null;
const ms = performance.now() - started;
process.stdout.write(`${JSON.stringify({ ms, maxRssKb: process.resourceUsage().maxRSS, verified })}\n`);

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as z from 'zod/mini';
import '../../shared/zod-messages';

// File → Open Recent: the databases the user opened or created, newest first, in a small JSON
// file under Electron's userData folder. Every path in it came from a native dialog.

export interface RecentDatabase {
  path: string;
  schema: string;
  /** The schema's folder (a schema or migrations folder chosen for the file is not under the app's schemas/, so its name alone is not enough after a restart). */
  schemaDir?: string;
}

const recentFile = z.array(
  z.object({ path: z.string().check(z.minLength(1)), schema: z.string().check(z.minLength(1)), schemaDir: z.optional(z.string().check(z.minLength(1))) }),
);
const LIMIT = 10;

export class RecentDatabases {
  constructor(private readonly file: string) {}

  /** The remembered databases whose files still exist. */
  list(): RecentDatabase[] {
    return this.read().filter((r) => existsSync(r.path));
  }

  remember(database: RecentDatabase): void {
    const rest = this.read().filter((r) => r.path !== database.path);
    mkdirSync(dirname(this.file), { recursive: true });
    const remembered = { path: database.path, schema: database.schema, ...(database.schemaDir === undefined ? {} : { schemaDir: database.schemaDir }) };
    writeFileSync(this.file, JSON.stringify([remembered, ...rest].slice(0, LIMIT), null, 2));
  }

  private read(): RecentDatabase[] {
    if (!existsSync(this.file)) return [];
    try {
      const parsed = recentFile.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
      return parsed.success ? parsed.data : [];
    } catch {
      return []; // an unreadable list only costs the menu its entries; the next remember rewrites it
    }
  }
}

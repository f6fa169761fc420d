import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as z from 'zod/mini';
import '../../shared/zod-messages';

// The desktop app's backup schedule: how often to back up every open database (null: never), in
// a small JSON file under Electron's userData folder, as the recent databases are kept.

const settingFile = z.object({ everyMs: z.nullable(z.number().check(z.int(), z.minimum(1000))) });

export class BackupScheduleSetting {
  constructor(private readonly file: string) {}

  /** The interval kept at the last change (null: never, also when the file is missing or unreadable). */
  read(): number | null {
    if (!existsSync(this.file)) return null;
    try {
      const parsed = settingFile.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
      return parsed.success ? parsed.data.everyMs : null;
    } catch {
      return null; // an unreadable setting means no schedule until the user sets one again
    }
  }

  save(everyMs: number | null): void {
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(this.file, `${JSON.stringify({ everyMs }, null, 2)}\n`, { mode: 0o600 });
  }
}

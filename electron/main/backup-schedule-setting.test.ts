import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../engine/test-support/fixtures';
import { BackupScheduleSetting } from './backup-schedule-setting';

describe("the desktop app's backup schedule setting", () => {
  it('is never until set, is kept for the next start, and an unreadable file means never', () => {
    const file = join(tempDir(), 'user-data', 'backup-schedule.json');
    expect(new BackupScheduleSetting(file).read()).toBeNull();
    new BackupScheduleSetting(file).save(6 * 3_600_000);
    expect(new BackupScheduleSetting(file).read()).toBe(6 * 3_600_000);
    new BackupScheduleSetting(file).save(null);
    expect(new BackupScheduleSetting(file).read()).toBeNull();
    writeFileSync(file, '{"everyMs": 5}');
    expect(new BackupScheduleSetting(file).read()).toBeNull();
    writeFileSync(file, 'not json');
    expect(new BackupScheduleSetting(file).read()).toBeNull();
  });
});

import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initialize } from '../engine/actions/initialize';
import { loadSchema } from '../engine/core/schema/schema-folder';
import { contextFor, SHIPPED_SCHEMA_DIR, tempDir } from '../engine/test-support/fixtures';
import { parseFleet } from './fleet-file';
import type { DeploymentStatus } from '../../shared/types/fleet';
import { fleetStatus, markBehind } from './fleet-status';

// A deployment whose schema folder is older than the fleet's looks current to itself; the fleet
// judges it against the newest version any of its deployments knows. And one database listed
// twice is refused, before a rollout could migrate it twice.

describe('the fleet against its newest version', () => {
  it("calls a deployment behind when its own schema folder is older than the fleet's newest version", async () => {
    const dir = tempDir();
    const oldSchema = join(dir, 'old-schema');
    cpSync(SHIPPED_SCHEMA_DIR, oldSchema, { recursive: true });
    rmSync(join(oldSchema, 'migrations', '1.2.0__storage_backend_and_required_mime_type.sql'));
    await initialize(contextFor(join(dir, 'new.db')));
    await initialize(contextFor(join(dir, 'old.db'), loadSchema(oldSchema)));
    const fleet = parseFleet(
      {
        deployments: [
          { name: 'new', file: 'new.db' },
          { name: 'old', file: 'old.db', schema: 'old-schema' },
        ],
      },
      join(dir, 'fleet.json'),
    );
    const report = await fleetStatus(fleet, fleet.deployments, { defaultSchemaDir: SHIPPED_SCHEMA_DIR }, { waitMs: 30_000 });
    const old = report.deployments.find((d) => d.name === 'old')!;
    // On its own, it is HEALTHY at 1.1.0 with nothing pending.
    expect(old).toMatchObject({ version: '1.1.0', latest: '1.1.0', pending: [] });
    expect(old.status).toBe('degraded');
    expect(old.reason).toMatch(/^Behind: at 1\.1\.0, and the fleet's newest version is 1\.2\.0, which its own schema folder does not know/);
    expect(report.deployments.find((d) => d.name === 'new')!.reason).not.toMatch(/^Behind/);
  });

  it("compares a dbmate fleet's timestamp versions as numbers: the one whose folder stops at an earlier timestamp is behind", () => {
    const at = (name: string, latest: string): DeploymentStatus => ({
      name,
      group: 'default',
      address: name,
      status: 'healthy',
      reason: 'Healthy.',
      version: latest,
      latest,
      pending: [],
      drift: { errors: 0, warnings: 0, first: null },
      lastVerifiedBackup: null,
      checkedAt: '2026-12-07T00:00:00.000Z',
    });
    const [older, newer] = markBehind([at('a', '20240215093000'), at('b', '20240320080000')]);
    expect(older.status).toBe('degraded');
    expect(older.reason).toMatch(/^Behind: at 20240215093000, and the fleet's newest version is 20240320080000/);
    expect(newer.status).toBe('healthy');
  });

  it('refuses one database listed twice, by file or by agent, naming both', () => {
    const file = '/etc/warden/fleet.json';
    expect(() =>
      parseFleet(
        {
          deployments: [
            { name: 'a', file: 'db/x.db' },
            { name: 'b', file: './db/../db/x.db' },
          ],
        },
        file,
      ),
    ).toThrow(/"b" is the same database as "a" \(\/etc\/warden\/db\/x\.db\)/);
    expect(() =>
      parseFleet(
        {
          deployments: [
            { name: 'a', url: 'http://10.0.0.5:7373', tokenEnv: 'WARDEN_T' },
            { name: 'b', url: 'http://10.0.0.5:7373/', tokenEnv: 'WARDEN_T' },
          ],
        },
        file,
      ),
    ).toThrow(/"b" is the same database as "a"/);
    // The same agent serving two databases, each named: two deployments.
    expect(
      parseFleet(
        {
          deployments: [
            { name: 'a', url: 'http://10.0.0.5:7373', tokenEnv: 'WARDEN_T', database: 'one' },
            { name: 'b', url: 'http://10.0.0.5:7373', tokenEnv: 'WARDEN_T', database: 'two' },
          ],
        },
        file,
      ).deployments,
    ).toHaveLength(2);
  });
});

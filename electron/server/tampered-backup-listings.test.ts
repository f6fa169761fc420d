import { join } from 'node:path';
import { utimesSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupInfo } from '../../shared/types/backups';
import { backup } from '../engine/actions/backup';
import { initialize } from '../engine/actions/initialize';
import { flipByte } from '../engine/test-support/backup-fixtures';
import { resultOf, runCli } from '../engine/test-support/cli';
import { contextFor, SHIPPED_SCHEMA_DIR, sha256File } from '../engine/test-support/fixtures';
import { parseFleet } from '../fleet/fleet-file';
import { fleetStatus } from '../fleet/fleet-status';
import { startHttpHost, type HttpHost } from './http-host';
import { callApi as callOnce, request, type Reply } from './test-support/http-client';
import { suiteDir } from './test-support/suite-dir';

// A backup that verify-backup found altered is never called verified again, by any listing: the
// CLI, the API (over the HTTP host), the fleet's status and /metrics. A backup whose size or
// modification time changed is "changed since verified" before anyone hashes it.

/** One API call; asked again once when the connection closed with no answer (a kept-alive socket the host closed while the CLI ran). */
async function callApi(origin: string, token: string, method: string, input: unknown): Promise<Reply> {
  const reply = await callOnce(origin, token, method, input);
  return reply.status === 0 ? callOnce(origin, token, method, input) : reply;
}

describe('a backup that verify-backup found altered, in every listing', () => {
  const folder = suiteDir();
  const dbPath = join(folder.path, 'store.db');
  let server: HttpHost;
  let tampered: BackupInfo;
  const scrape = async () => (await request(server.origin, '/metrics', { headers: { Authorization: `Bearer ${server.readOnlyToken}` } })).text;

  beforeAll(async () => {
    await initialize(contextFor(dbPath));
    tampered = await backup(contextFor(dbPath));
    server = await startHttpHost({
      databases: [dbPath],
      schemaDir: SHIPPED_SCHEMA_DIR,
      port: 0,
      rendererDir: join(folder.path, 'none'),
      healthIntervalMs: 10 * 60_000,
      workers: 1,
    });
  });
  afterAll(async () => {
    await server.close();
    folder.remove();
  });

  it('is verified before, then failed (when, why) after verify-backup found one flipped byte', async () => {
    expect((await callApi(server.origin, server.token, 'backups', { db: 'store' })).json.result[0].verified.ok).toBe(true);
    expect(await scrape()).toMatch(/warden_database_last_verified_backup_age_seconds\{database="store"\}/);

    flipByte(tampered.path, 5000);
    // Its modification time moved: the listing says so before anyone hashes it.
    expect((resultOf(runCli(['backups', '--db', dbPath, '--json'])) as BackupInfo[])[0]).toMatchObject({
      verified: { ok: false },
      changedSinceVerified: expect.stringMatching(/after it was verified/),
    });
    const check = runCli(['verify-backup', '--db', dbPath, tampered.path]);
    expect(check.code).toBe(2);

    const cli = runCli(['backups', '--db', dbPath]);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(new RegExp(`FAILED\\s+${tampered.name}`));
    expect(cli.stdout).toMatch(/failed verification at .*SHA-256 is/);
    const json = resultOf(runCli(['backups', '--db', dbPath, '--json'])) as BackupInfo[];
    expect(json[0]).toMatchObject({ name: tampered.name, verified: { ok: false } });
    expect(json[0].failedVerification!.problems[0]).toMatch(/SHA-256 is .* not the .* recorded/);

    const api = (await callApi(server.origin, server.token, 'backups', { db: 'store' })).json.result as BackupInfo[];
    expect(api[0]).toMatchObject({ name: tampered.name, verified: { ok: false }, failedVerification: { at: json[0].failedVerification!.at } });

    // What the host itself checks (verifyBackup through the API) withdraws it from /metrics at the next scrape.
    expect((await callApi(server.origin, server.token, 'verifyBackup', { db: 'store', backup: tampered.name })).json.result.ok).toBe(false);
    expect(await scrape()).not.toMatch(/warden_database_last_verified_backup_age_seconds\{database="store"\}/);

    const fleet = parseFleet({ deployments: [{ name: 'store', file: dbPath }] }, join(folder.path, 'fleet.json'));
    const status = await fleetStatus(fleet, fleet.deployments, { defaultSchemaDir: SHIPPED_SCHEMA_DIR }, { waitMs: 30_000 });
    expect(status.deployments[0].lastVerifiedBackup).toBeNull();
    // Its only backup failed: not backed up, which is degraded, and the health endpoint still answers 200.
    expect(status.deployments[0]).toMatchObject({ status: 'degraded', reason: expect.stringMatching(/^Not backed up: there is no verified backup/) });
    const health = await request(server.origin, '/api/health', { headers: { Authorization: `Bearer ${server.token}` } });
    expect(health.status).toBe(200);
    expect(health.json.components.database.store).toMatch(/^degraded: Not backed up/);
  });

  it('a file whose size or time changed is "changed since verified", without hashing, until verify-backup passes it again', async () => {
    const ctx = contextFor(dbPath);
    const taken = await backup(ctx);
    const bytes = sha256File(taken.path);
    const later = new Date(Date.now() + 60_000);
    utimesSync(taken.path, later, later);
    const cli = runCli(['backups', '--db', dbPath]);
    expect(cli.stdout).toMatch(new RegExp(`CHANGED since verified\\s+${taken.name}`));
    const api = (await callApi(server.origin, server.token, 'backups', { db: 'store' })).json.result as BackupInfo[];
    expect(api[0]).toMatchObject({ name: taken.name, verified: { ok: false } });
    expect(api[0].changedSinceVerified).toMatch(/modified at .* after it was verified/);
    const fleet = parseFleet({ deployments: [{ name: 'store', file: dbPath }] }, join(folder.path, 'fleet.json'));
    expect(
      (await fleetStatus(fleet, fleet.deployments, { defaultSchemaDir: SHIPPED_SCHEMA_DIR }, { waitMs: 30_000 })).deployments[0].lastVerifiedBackup,
    ).toBeNull();

    // The bytes are what was verified: a new check says so and the listing believes it again.
    expect(runCli(['verify-backup', '--db', dbPath, taken.path]).code).toBe(0);
    expect(sha256File(taken.path)).toBe(bytes);
    const again = (await callApi(server.origin, server.token, 'backups', { db: 'store' })).json.result as BackupInfo[];
    expect(again[0]).toMatchObject({ name: taken.name, verified: { ok: true } });
    expect(again[0].changedSinceVerified).toBeUndefined();
  });
});

import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FleetStatusReport } from '../shared/types/fleet';
import type { Figure, FigureResult } from './figures';
import { expectSuccess, measureProcess, sideBySide, wholeProcess, type Run } from './measure';

// The fleet figure of `npm run bench` (`-- --only fleet`): `warden fleet status` over a fleet of
// 100 local databases (each a copy of a 1.2.0 database with 2,000 files, its own backup folder),
// as the CLI ships (one process, start-up counted), beside the sqlite3 shell asked the least the
// same question needs: quick_check and the version of each file, one process per file.

const DEPLOYMENTS = 100;
const FILES_PER_DATABASE = 2_000;

/** The console's view of the same fleet: `warden serve --fleet`, then POST /api/fleetStatus as the Fleet page sends it, `runs` times. */
async function fleetStatusThroughTheHost(env: Parameters<Figure['run']>[0], fleetFile: string, runs: number): Promise<number[]> {
  const token = randomBytes(24).toString('base64url');
  const server = spawn(
    process.execPath,
    [...env.wardenCli.slice(1), 'serve', '--fleet', fleetFile, '--schema', env.schemaDir, '--port', '0', '--db', join(fleetFile, '../db-000.db')],
    {
      env: { ...process.env, WARDEN_TOKEN: token },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  try {
    const origin = await new Promise<string>((resolve, reject) => {
      let out = '';
      server.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const match = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (match && out.includes('Press Ctrl-C')) resolve(match[1]);
      });
      server.once('exit', (code) => reject(new Error(`warden serve exited with ${code}`)));
    });
    const times: number[] = [];
    for (let k = 0; k < runs + 1; k++) {
      const started = performance.now();
      const reply = await fetch(`${origin}/api/fleetStatus`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: '{}',
      });
      const envelope = (await reply.json()) as { ok: boolean; result: FleetStatusReport };
      if (!envelope.ok || envelope.result.deployments.length !== DEPLOYMENTS) throw new Error('fleetStatus through the host failed');
      if (k > 0) times.push(performance.now() - started); // the first call warms the workers up
    }
    return times;
  } finally {
    server.kill('SIGTERM');
  }
}

export const figure: Figure = {
  id: 'fleet',
  title: 'fleet status of 100 local databases',
  async run(env): Promise<FigureResult> {
    const dir = join(env.workDir, 'fleet');
    mkdirSync(dir, { recursive: true });
    const template = join(dir, 'template.db');
    expectSuccess(measureProcess([...env.wardenCli, 'init', '--db', template]), 'init the template');
    execFileSync('sqlite3', [
      template,
      `WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < ${FILES_PER_DATABASE})
      INSERT INTO conversation_files (file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash, mime_type, uploaded_by)
      SELECT 'f-' || n, 's-' || (n % 50), 'file-' || n || '.txt', 'stored-' || n, '/files/stored-' || n, n, hex(randomblob(16)), 'text/plain', 'bench' FROM k;`,
    ]);
    const paths = Array.from({ length: DEPLOYMENTS }, (_, i) => join(dir, `db-${String(i).padStart(3, '0')}.db`));
    for (const path of paths) copyFileSync(template, path);
    const fleetFile = join(dir, 'fleet.json');
    writeFileSync(fleetFile, JSON.stringify({ deployments: paths.map((file, i) => ({ name: `vm-${i}`, group: i % 2 ? 'production' : 'staging', file })) }));
    const script = paths.map((p) => `sqlite3 -readonly '${p}' 'PRAGMA quick_check; SELECT max(version) FROM schema_version;' >/dev/null`).join('\n');

    let reported = 0;
    const [warden, shell] = sideBySide(env.runsFor(null), {
      sides: [
        {
          label: 'warden fleet status',
          run: (): Run => {
            const m = expectSuccess(
              measureProcess([...env.wardenCli, 'fleet', 'status', '--fleet', fleetFile, '--schema', env.schemaDir, '--json']),
              'fleet status',
            );
            const report = (JSON.parse(m.stdout) as { result: FleetStatusReport }).result;
            if (report.deployments.length !== DEPLOYMENTS || report.worst !== 'healthy')
              throw new Error(`fleet status saw ${report.deployments.length} deployments, worst ${report.worst}`);
            reported = report.durationMs;
            return wholeProcess(m);
          },
        },
        { label: 'sqlite3 per file', run: () => wholeProcess(expectSuccess(measureProcess(['sh', '-c', script]), 'sqlite3 loop')) },
      ],
    });
    const viaHost = (await fleetStatusThroughTheHost(env, fleetFile, env.runsFor(null))).sort((a, b) => a - b);
    const median = viaHost[Math.floor(viaHost.length / 2)];
    return {
      sections: [
        `The Fleet page's call, \`POST /api/fleetStatus\` to \`warden serve --fleet\` (the same ${DEPLOYMENTS} databases, run in the host's engine workers, after one warm-up call): median ${Math.round(median)} ms, fastest ${Math.round(viaHost[0])} ms over ${viaHost.length} calls.`,
      ],
      rows: [
        {
          figure: `fleet status, ${DEPLOYMENTS} local databases (CLI process)`,
          database: `${DEPLOYMENTS} × ${FILES_PER_DATABASE} files`,
          warden,
          reference: shell,
          note: `status, drift, quick_check and backups of each; the status itself took ${reported} ms of it (last run)`,
        },
      ],
    };
  },
};

import { execFileSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { HTTP_HEALTH_ROUTE } from '../shared/transport';
import type { BenchEnv, Figure, FigureResult } from './figures';
import { childPidOf, percentile, startMeasuredProcess, type Measurement } from './measure';

// The health endpoint under load, a figure of `npm run bench` (`-- --only health`): a real
// `warden serve` on the 40 MB database, then 50 concurrent clients on loopback sending
// GET /api/health for a fixed time: requests per second, p50/p99 latency, errors, the server's
// CPU per request and its peak RSS. Only 127.0.0.1 is ever addressed.
//
// The clients are Node's own http module with keep-alive agents (one persistent connection per
// client, as a load balancer keeps its probes' connections), in this process, rather than wrk:
// nothing to install (wrk would need apt-get and root on every machine that runs the bench), and
// the same runtime the service's own clients use. The price is that a Node client spends more
// CPU per request than wrk would, and on a 2-core machine it shares the cores with the server:
// the table shows the client's CPU beside the server's, so the reader can see how much of the
// machine each had. The figure is a floor for the server, not a ceiling.
//
// The server is the CLI that ships (out/cli/warden.mjs, built by scripts/build-cli.mjs), as the
// other figures use it: `warden serve` with its bundled engine workers.

const CLIENTS = 50;
const DURATION_MS = 10_000;
const QUICK_DURATION_MS = 3_000;
const WARM_UP_MS = 1_000;
/** A bound besides the duration: the load stops at whichever comes first. */
const MAX_REQUESTS = 2_000_000;
const REQUEST_TIMEOUT_MS = 5_000;
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
const HOST = '127.0.0.1';

interface Scenario {
  label: string;
  healthInterval: number;
}

const SCENARIOS: Scenario[] = [
  // What a deployment runs: the health document is rebuilt at most every 30 s, so under load the
  // endpoint serves the latest result (one refresh at the start, in the warm-up).
  { label: 'default (`--health-interval 30`): the latest check is served', healthInterval: 30 },
  // The worst case: every request finds the result stale and waits for a fresh status +
  // quick_check of the database (concurrent requests share one check in flight).
  { label: '`--health-interval 0`: every request waits for a fresh check', healthInterval: 0 },
];

interface LoadResult {
  requests: number;
  seconds: number;
  /** Latencies of the answered requests, ms, sorted. */
  latencies: Float64Array;
  errors: Map<string, number>;
  clientCpuMs: number;
}

/** `clients` loops, each sending one request at a time on its own keep-alive connection, until `durationMs` or `maxRequests`. */
async function load(port: number, clients: number, durationMs: number, maxRequests: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const latencies: number[] = [];
  const errors = new Map<string, number>();
  const fail = (reason: string) => errors.set(reason, (errors.get(reason) ?? 0) + 1);
  let sent = 0;
  const once = () =>
    new Promise<void>((resolve) => {
      const started = performance.now();
      let settled = false;
      const settle = (reason: string | null) => {
        if (settled) return;
        settled = true;
        if (reason === null) latencies.push(performance.now() - started);
        else fail(reason);
        resolve();
      };
      const req = request({ host: HOST, port, path: HTTP_HEALTH_ROUTE, agent, timeout: REQUEST_TIMEOUT_MS }, (res) => {
        res.resume();
        res.on('end', () => settle(res.statusCode === 200 ? null : `HTTP ${res.statusCode}`));
        res.on('error', (err: NodeJS.ErrnoException) => settle(err.code ?? err.message));
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: `no answer in ${REQUEST_TIMEOUT_MS / 1000} s` })));
      req.on('error', (err: NodeJS.ErrnoException) => settle(err.code ?? err.message));
      req.end();
    });
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + durationMs;
  const client = async () => {
    while (performance.now() < deadline && sent < maxRequests) {
      sent++;
      await once();
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  agent.destroy();
  return { requests: sent, seconds, latencies: Float64Array.from(latencies).sort(), errors, clientCpuMs: (cpu.user + cpu.system) / 1000 };
}

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** User + system CPU time of a running process so far, from /proc (clock ticks). */
function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS; // utime, stime (fields 14 and 15)
}

/** Peak RSS of a running process so far (VmHWM), KiB. */
function peakRssKbOf(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmHWM:\s+(\d+) kB/m)?.[1] ?? Number.NaN);
}

/** The port `warden serve` prints once it listens ("… at http://127.0.0.1:PORT"). */
function portPrinted(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`warden serve printed no URL in ${START_TIMEOUT_MS / 1000} s:\n${out}`)), START_TIMEOUT_MS);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const port = out.match(/serving .* at http:\/\/127\.0\.0\.1:(\d+)/)?.[1];
      if (port) {
        clearTimeout(timer);
        resolve(Number(port));
      }
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`warden serve exited (${code}) before it listened:\n${out}`));
    });
  });
}

interface ScenarioResult {
  scenario: Scenario;
  load: LoadResult;
  serverCpuMs: number;
  rssBeforeKb: number;
  peakRssKb: number;
}

async function runScenario(env: BenchEnv, dbPath: string, scenario: Scenario, durationMs: number): Promise<ScenarioResult> {
  let server: ChildProcess | undefined;
  const measured: Promise<Measurement> = startMeasuredProcess(
    [...env.wardenCli, 'serve', '--db', dbPath, '--schema', env.schemaDir, '--host', HOST, '--port', '0', '--health-interval', String(scenario.healthInterval)],
    { cwd: env.repoRoot, onSpawn: (child) => (server = child) },
  );
  // GNU time runs the server: signals go to its child, the node process.
  const timePid = server!.pid!;
  let nodePid: number | null = null;
  try {
    const port = await portPrinted(server!);
    nodePid = childPidOf(timePid);
    if (nodePid === null) throw new Error(`cannot find the warden serve process under GNU time (pid ${timePid})`);
    const first = await fetch(`http://${HOST}:${port}${HTTP_HEALTH_ROUTE}`);
    const document = (await first.json()) as { status?: string };
    if (first.status !== 200 || document.status !== 'healthy')
      throw new Error(`GET ${HTTP_HEALTH_ROUTE} before the load: HTTP ${first.status}, ${JSON.stringify(document).slice(0, 500)}`);
    await load(port, CLIENTS, WARM_UP_MS, MAX_REQUESTS); // JIT, connections, the first refreshes: not counted
    const rssBeforeKb = peakRssKbOf(nodePid);
    const cpuBefore = cpuMsOf(nodePid);
    const result = await load(port, CLIENTS, durationMs, MAX_REQUESTS);
    const serverCpuMs = cpuMsOf(nodePid) - cpuBefore;
    process.kill(nodePid, 'SIGTERM');
    const stopped = await Promise.race([measured, new Promise<null>((resolve) => setTimeout(() => resolve(null), STOP_TIMEOUT_MS).unref())]);
    if (stopped === null) throw new Error(`warden serve did not stop within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM`);
    if (stopped.exitCode !== 0) throw new Error(`warden serve exited with ${stopped.exitCode} on SIGTERM:\n${stopped.stderr.slice(-2000)}`);
    nodePid = null;
    return { scenario, load: result, serverCpuMs, rssBeforeKb, peakRssKb: stopped.maxRssKb };
  } finally {
    // On any failure the server is stopped for good: the bench never leaves it running.
    if (nodePid !== null) {
      try {
        process.kill(nodePid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await measured.catch(() => undefined);
  }
}

const ms = (v: number) => (v >= 100 ? `${v.toFixed(0)} ms` : v >= 10 ? `${v.toFixed(1)} ms` : `${v.toFixed(2)} ms`);
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

function table(results: ScenarioResult[], sizeLabel: string, durationMs: number): string {
  const lines = [
    `| GET ${HTTP_HEALTH_ROUTE}, \`warden serve\` on the ${sizeLabel} database, ${CLIENTS} keep-alive clients on loopback for ${durationMs / 1000} s | requests | req/s | p50 | p99 | max | errors | server CPU per request | client CPU | server peak RSS (before the load) |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |',
  ];
  for (const r of results) {
    const { latencies, requests, seconds, errors, clientCpuMs } = r.load;
    const answered = latencies.length;
    const errorText = errors.size ? [...errors].map(([reason, n]) => `${n}× ${reason}`).join('; ') : '0';
    lines.push(
      `| ${r.scenario.label} | ${requests.toLocaleString('en')} | ${Math.round(answered / seconds).toLocaleString('en')} | ${ms(percentile(latencies, 50))} | ${ms(percentile(latencies, 99))} | ${ms(latencies[answered - 1] ?? Number.NaN)} | ${errorText} | ${((r.serverCpuMs * 1000) / Math.max(requests, 1)).toFixed(0)} µs (${((r.serverCpuMs / 1000 / seconds) * 100).toFixed(0)}% of a core) | ${((clientCpuMs / 1000 / seconds) * 100).toFixed(0)}% of a core | ${mb(r.peakRssKb)} (${mb(r.rssBeforeKb)}) |`,
    );
  }
  lines.push(
    '',
    `req/s counts answers with HTTP 200; latency is from sending the request to the end of the answer, as the client saw it. Client and server share the machine's cores; server CPU from /proc during the measured ${durationMs / 1000} s (after ${WARM_UP_MS / 1000} s of warm-up), peak RSS from GNU time over the server's whole life.`,
  );
  return lines.join('\n');
}

export const figure: Figure = {
  id: 'health',
  title: 'GET /api/health under load',
  async run(env): Promise<FigureResult> {
    const size = env.sizes[0]; // 40 MB: the endpoint's cost does not grow with the data, but its check does
    const dir = join(env.workDir, 'health');
    mkdirSync(dir, { recursive: true });
    const dbPath = join(dir, 'served.db');
    copyFileSync(await env.database(size, '1.2.0'), dbPath);
    const durationMs = env.quick ? QUICK_DURATION_MS : DURATION_MS;
    const results: ScenarioResult[] = [];
    for (const scenario of SCENARIOS) {
      env.log(`  ${scenario.label} …`);
      results.push(await runScenario(env, dbPath, scenario, durationMs));
    }
    return { rows: [], sections: [table(results, size.label, durationMs)] };
  },
};

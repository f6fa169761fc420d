import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { percentile } from './measure';

// /api/health while queries press on the host (issue 22): a real `warden serve`, two runaway
// queries (a recursive CTE that never ends) and a 500 MB printf sent at once, one client asking
// GET /api/health back to back meanwhile, and a read-only status asked once they run. Prints the
// health latencies (p50, p99, max), the status's latency, how each query ended, and the peak RSS
// of the server process itself (VmHWM; the query processes are its children, not it).
//
//   node --import tsx bench/query-pressure.ts [--cli out/cli/warden.mjs] [--seconds 15]
//
// Not a test: nothing asserts a time. Give --cli another build to compare (e.g. main's).

const HOST = '127.0.0.1';
const TOKEN = 'query-pressure-bench-token-0001';
const RUNAWAY = 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n';
const PRINTF = "SELECT printf('%.*c', 500000000, 'x')";

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const cli = resolve(option('--cli', 'out/cli/warden.mjs'));
const seconds = Number(option('--seconds', '15'));
const schemaDir = resolve('schemas/conversation_files');

interface Answer {
  status: number;
  /** The start of the body (a 500 MB answer is counted, not kept). */
  head: string;
  bytes: number;
  ms: number;
}

function call(port: number, method: string, path: string, body?: unknown): Promise<Answer> {
  const started = performance.now();
  return new Promise((done, fail) => {
    const req = request({ host: HOST, port, path, method, headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' } }, (res) => {
      let head = '';
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (head.length < 300) head += chunk.toString('utf8', 0, Math.min(chunk.length, 300));
      });
      res.on('end', () => done({ status: res.statusCode ?? 0, head: head.slice(0, 300), bytes, ms: performance.now() - started }));
    });
    req.on('error', fail);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

function cliRun(argv: string[]): void {
  const run = spawnSync(process.execPath, [cli, ...argv], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`warden ${argv.join(' ')} exited with ${run.status}: ${run.stderr}`);
}

function peakRssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmHWM:'));
  return Math.round(Number(line?.split(/\s+/)[1] ?? Number.NaN) / 1024);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'warden-query-pressure-'));
  const dbPath = join(dir, 'cf.db');
  cliRun(['init', '--db', dbPath, '--schema', schemaDir]);
  cliRun(['backup', '--db', dbPath, '--schema', schemaDir]);
  const server = spawn(process.execPath, [cli, 'serve', '--db', dbPath, '--schema', schemaDir, '--host', HOST, '--port', '0', '--health-interval', '1'], {
    env: { ...process.env, WARDEN_TOKEN: TOKEN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const port = await new Promise<number>((done, fail) => {
      let out = '';
      server.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const found = /http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
        if (found) done(Number(found[1]));
      });
      server.on('exit', (code) => fail(new Error(`warden serve exited (${code}) before it listened: ${out}`)));
    });
    await call(port, 'GET', '/api/health');
    const queries = [RUNAWAY, RUNAWAY, PRINTF].map((sql) => call(port, 'POST', '/api/query', { db: 'cf', sql, timeoutMs: (seconds + 5) * 1000 }));
    const latencies: number[] = [];
    const failures: string[] = [];
    let status: Promise<Answer> | null = null;
    const until = performance.now() + seconds * 1000;
    while (performance.now() < until) {
      const health = await call(port, 'GET', '/api/health');
      latencies.push(health.ms);
      if (health.status !== 200) failures.push(`HTTP ${health.status}`);
      if (status === null && latencies.length === 20) status = call(port, 'POST', '/api/status', { db: 'cf' });
    }
    const sorted = Float64Array.from(latencies).sort();
    console.log(`warden serve (${cli}), ${seconds} s of GET /api/health back to back while two runaway queries and a 500 MB printf run:`);
    console.log(
      `  health: ${latencies.length} answers, p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms, not 200: ${failures.length}`,
    );
    const statusAnswer = status ? await status : null;
    console.log(
      `  read-only status: ${statusAnswer ? `HTTP ${statusAnswer.status} in ${statusAnswer.ms.toFixed(0)} ms` : 'not asked (too few health answers)'}`,
    );
    // The server's peak once every query has answered (the runaway ones at their time limit).
    const answers = await Promise.all(queries);
    console.log(`  server peak RSS (VmHWM), all queries answered: ${peakRssMb(server.pid!)} MB`);
    for (const [k, answer] of answers.entries()) {
      console.log(
        `  query ${k + 1} (${k < 2 ? 'runaway' : 'printf 500 MB'}): HTTP ${answer.status} after ${(answer.ms / 1000).toFixed(1)} s, ${answer.bytes.toLocaleString('en')} bytes: ${answer.head.slice(0, 160)}`,
      );
    }
  } finally {
    server.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

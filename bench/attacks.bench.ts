import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchEnv, Figure, FigureResult } from './figures';
import { percentile } from './measure';
import { type ServedHost, startWardenServe } from './serve';

// The host under attack, a figure of `npm run bench` (`-- --only attacks`), issue 22's targets:
// under each attack `/api/health` answers within 1 s at the 99th percentile, the host stays under
// 512 MB and does not die, and another database on the same host keeps answering. Each attack runs
// against a fresh `warden serve` of the bundled CLI with two databases, while one client asks
// GET /api/health back to back; then a status of the other database is asked, and the server's
// peak RSS (VmHWM of the node process itself; queries run in child processes of their own) is read.
// Only 127.0.0.1 is ever addressed.

const HOST = '127.0.0.1';
const TOKEN = 'attacks-bench-operator-token-0001';
const READ_ONLY_TOKEN = 'attacks-bench-read-only-token-01';
const AGENT_TOKEN = 'attacks-bench-agent-token-000001';
const HEALTH_P99_TARGET_MS = 1000;
const RSS_TARGET_MB = 512;
const SECONDS = 15;
const QUICK_SECONDS = 6;
const SUBSCRIBERS = 1000;
/** A hostile agent's answer: 200 MB of `{}` items under the 256 MB answer cap. */
const HOSTILE_ANSWER_BYTES = 200 * 1024 * 1024;

interface Answer {
  status: number;
  ms: number;
}

interface Attack {
  label: string;
  /** Extra arguments for `warden serve` (a fleet file). */
  serveArgs?: (dir: string) => string[];
  /** Starts the attack: what stops it, and the answers to the attack's own calls. */
  start(port: number, seconds: number): { stop(): void; answers: Promise<Answer>[] };
}

function call(port: number, method: string, path: string, body?: unknown, token = TOKEN): Promise<Answer> {
  const started = performance.now();
  return new Promise((done) => {
    const req = request({ host: HOST, port, path, method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => done({ status: res.statusCode ?? 0, ms: performance.now() - started }));
      res.on('error', () => done({ status: 0, ms: performance.now() - started }));
    });
    req.on('error', () => done({ status: 0, ms: performance.now() - started }));
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

function peakRssMb(pid: number): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmHWM:'));
    return Math.round(Number(line?.split(/\s+/)[1] ?? Number.NaN) / 1024);
  } catch {
    return Number.NaN; // the process is gone
  }
}

function serve(env: BenchEnv, dbs: string[], extra: string[]): Promise<ServedHost> {
  return startWardenServe(env, [...dbs.flatMap((db) => ['--db', db]), '--schema', env.schemaDir, '--health-interval', '1', ...extra], {
    WARDEN_TOKEN: TOKEN,
    WARDEN_READ_ONLY_TOKEN: READ_ONLY_TOKEN,
    WARDEN_ATTACKS_AGENT_TOKEN: AGENT_TOKEN,
  });
}

/** An agent on loopback that answers every call with `{"ok":true,"result":[{},{},…]}` of HOSTILE_ANSWER_BYTES. */
function hostileAgent(): Promise<{ server: Server; origin: string }> {
  const chunk = Buffer.from('{},'.repeat(64 * 1024));
  const server = createServer((req: IncomingMessage, res) => {
    req.resume();
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write('{"ok":true,"result":[');
    let sent = 0;
    const more = () => {
      while (sent < HOSTILE_ANSWER_BYTES) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', more);
      }
      res.end('{}]}');
    };
    res.on('error', () => undefined);
    more();
  });
  return new Promise((done) => server.listen(0, HOST, () => done({ server, origin: `http://${HOST}:${(server.address() as { port: number }).port}` })));
}

let agent: { server: Server; origin: string } | null = null;

const ATTACKS: Attack[] = [
  {
    label: 'two runaway queries, a 500 MB printf and ORDER BY random() over 10^8 generated rows',
    start(port, seconds) {
      const sqls = [
        'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n',
        'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n',
        "SELECT printf('%.*c', 500000000, 'x')",
        'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n LIMIT 100000000) SELECT i FROM n ORDER BY random()',
      ];
      return { stop: () => undefined, answers: sqls.map((sql) => call(port, 'POST', '/api/query', { db: 'a', sql, timeoutMs: seconds * 1000 })) };
    },
  },
  {
    label: `${SUBSCRIBERS.toLocaleString('en')} event-stream subscribers with the read-only token, half of them never reading`,
    start(port) {
      const sockets: Socket[] = [];
      for (let k = 0; k < SUBSCRIBERS; k++) {
        const req = request({ host: HOST, port, path: '/api/events', headers: { Authorization: `Bearer ${READ_ONLY_TOKEN}` } }, (res) => {
          if (k % 2 === 0) res.resume();
          else res.pause();
        });
        req.on('socket', (s) => sockets.push(s));
        req.on('error', () => undefined);
        req.end();
      }
      return {
        stop: () => {
          for (const s of sockets) s.destroy();
        },
        answers: [],
      };
    },
  },
  {
    label: 'a hostile fleet agent answering 200 MB of empty objects to a fleet status, asked 3 times',
    serveArgs: (dir) => {
      const file = join(dir, 'fleet.json');
      writeFileSync(file, JSON.stringify({ deployments: [{ name: 'hostile', url: agent!.origin, tokenEnv: 'WARDEN_ATTACKS_AGENT_TOKEN' }] }));
      return ['--fleet', file];
    },
    start(port) {
      return { stop: () => undefined, answers: [0, 1, 2].map(() => call(port, 'POST', '/api/fleetStatus', {})) };
    },
  },
];

interface Outcome {
  label: string;
  answers: number;
  p50: number;
  p99: number;
  max: number;
  failed: number;
  peakMb: number;
  alive: boolean;
  other: Answer;
  attackAnswers: string;
}

/** "3 × HTTP 200, 1 × HTTP 400" */
function summary(answers: Answer[]): string {
  if (answers.length === 0) return '—';
  const counts = new Map<number, number>();
  for (const a of answers) counts.set(a.status, (counts.get(a.status) ?? 0) + 1);
  return [...counts].map(([status, n]) => `${n} × HTTP ${status}`).join(', ');
}

async function underAttack(env: BenchEnv, dbs: string[], attack: Attack, seconds: number): Promise<Outcome> {
  const dir = mkdtempSync(join(tmpdir(), 'warden-attacks-'));
  const { port, child } = await serve(env, dbs, attack.serveArgs?.(dir) ?? []);
  try {
    await call(port, 'GET', '/api/health');
    const { stop, answers } = attack.start(port, seconds);
    const latencies: number[] = [];
    let failed = 0;
    const until = performance.now() + seconds * 1000;
    while (performance.now() < until && child.exitCode === null) {
      const health = await call(port, 'GET', '/api/health');
      latencies.push(health.ms);
      if (health.status !== 200) failed++;
    }
    const other = await call(port, 'POST', '/api/status', { db: 'b' });
    // The attack's own calls, given a little longer than the attack to answer (a query's time limit is the attack's length).
    const settled = await Promise.race([Promise.all(answers), new Promise<null>((done) => setTimeout(() => done(null), 20_000))]);
    const peakMb = peakRssMb(child.pid!);
    stop();
    const sorted = Float64Array.from(latencies).sort();
    return {
      label: attack.label,
      answers: latencies.length,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: sorted[sorted.length - 1] ?? Number.NaN,
      failed,
      peakMb,
      alive: child.exitCode === null,
      other,
      attackAnswers: settled === null ? 'not all answered within 20 s' : summary(settled),
    };
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

const ms = (v: number) => (Number.isNaN(v) ? '—' : `${v.toFixed(v < 10 ? 1 : 0)} ms`);

export const figure: Figure = {
  id: 'attacks',
  title: 'the host under attack: /api/health p99, peak RSS, another database (issue 22)',
  async run(env): Promise<FigureResult> {
    const dir = mkdtempSync(join(env.workDir, 'attacks-'));
    const dbs = ['a', 'b'].map((name) => join(dir, `${name}.db`));
    for (const db of dbs) {
      for (const command of ['init', 'backup']) {
        const run = spawnSync(process.execPath, [...env.wardenCli.slice(1), command, '--db', db, '--schema', env.schemaDir], {
          cwd: env.repoRoot,
          encoding: 'utf8',
        });
        if (run.status !== 0) throw new Error(`warden ${command} ${db} exited ${run.status}: ${run.stderr}`);
      }
    }
    agent = await hostileAgent();
    const outcomes: Outcome[] = [];
    try {
      for (const attack of ATTACKS) {
        env.log(`attack: ${attack.label} …`);
        outcomes.push(await underAttack(env, dbs, attack, env.quick ? QUICK_SECONDS : SECONDS));
      }
    } finally {
      agent.server.closeAllConnections();
      agent.server.close();
      rmSync(dir, { recursive: true, force: true });
    }
    const lines = [
      `| attack (${env.quick ? QUICK_SECONDS : SECONDS} s each; GET /api/health back to back) | health answers | p50 | p99 | max | not 200 | host peak RSS | host alive | other database's status | the attack's calls answered | targets (p99 ≤ ${HEALTH_P99_TARGET_MS} ms, ≤ ${RSS_TARGET_MB} MB, alive, other answers) |`,
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- | --- |',
      ...outcomes.map((o) => {
        const meets = o.p99 <= HEALTH_P99_TARGET_MS && o.peakMb <= RSS_TARGET_MB && o.alive && o.other.status === 200;
        return `| ${o.label} | ${o.answers} | ${ms(o.p50)} | ${ms(o.p99)} | ${ms(o.max)} | ${o.failed} | ${o.peakMb} MB | ${o.alive ? 'yes' : '**no**'} | HTTP ${o.other.status} in ${ms(o.other.ms)} | ${o.attackAnswers} | ${meets ? 'meets' : '**misses**'} |`;
      }),
    ];
    return { rows: [], sections: [lines.join('\n')] };
  },
};

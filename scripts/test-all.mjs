#!/usr/bin/env node
// Runs every suite — Vitest (unit + integration, with the coverage gate), the typecheck, the linter, the electron-vite build,
// and Playwright (e2e) — and ends with one line that sums them: "N passed, N failed[, N skipped]".
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';

const totals = { passed: 0, failed: 0, skipped: 0 };

function run(label, command, args, env = {}) {
  console.log(`\n=== ${label}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status ?? 1;
}

function readJson(file) {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } finally {
    rmSync(file, { force: true });
  }
}

// Vitest
const vitestOut = '.vitest-results.json';
const vitestExit = run('unit and integration (vitest, coverage gate)', 'npx', [
  'vitest',
  'run',
  '--coverage',
  '--reporter=default',
  '--reporter=json',
  `--outputFile=${vitestOut}`,
]);
const vitest = readJson(vitestOut);
if (vitest) {
  totals.passed += vitest.numPassedTests;
  totals.failed += vitest.numFailedTests;
  totals.skipped += vitest.numPendingTests + (vitest.numTodoTests ?? 0);
  // A run whose tests all passed can still fail (the coverage threshold, a file that did not load).
  if (vitestExit !== 0 && vitest.numFailedTests === 0) {
    console.log('vitest exited with an error although no test failed (coverage below threshold or a suite failed to load): counted as 1 failed');
    totals.failed += 1;
  }
} else {
  console.log('vitest produced no results: counted as 1 failed');
  totals.failed += 1;
}

// Types are part of the contract between engine, hosts and renderer.
// One tsconfig per runtime: the Node side has no DOM, the browser page no Node; tsconfig.json, the
// editors' view of everything, also checks the e2e specs and the renderer's tests (both sides meet there).
const typechecks = ['tsconfig.node.json', 'tsconfig.web.json', 'tsconfig.json'].map((project) =>
  run(`typecheck (${project})`, 'npx', ['tsc', '--noEmit', '-p', project]),
);
if (typechecks.every((code) => code === 0)) totals.passed += 1;
else totals.failed += 1;

// The house rules a reader should not have to check by eye: the format, no import cycle (type-only
// imports counted), each process's boundaries, and the linter's rules (biome.json; docs/style.md says why).
if (run('format and lint (biome check)', 'npx', ['biome', 'check', '.']) === 0) totals.passed += 1;
else totals.failed += 1;

// The desktop build must succeed wherever the tests run.
if (run('electron-vite build', 'npx', ['electron-vite', 'build']) === 0) totals.passed += 1;
else totals.failed += 1;

/** Each skipped spec with the reason it gave, so a skip never passes unexplained. */
function skippedWithReasons(report) {
  const lines = [];
  const walk = (suite) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        if (t.status !== 'skipped') continue;
        const reason = (t.annotations ?? []).find((a) => a.type === 'skip')?.description ?? 'no reason given';
        lines.push(`skipped: ${spec.file} › ${spec.title} — ${reason}`);
      }
    }
    (suite.suites ?? []).forEach(walk);
  };
  (report?.suites ?? []).forEach(walk);
  return lines;
}

// Playwright
const specs = existsSync('e2e') ? readdirSync('e2e').filter((f) => f.endsWith('.spec.ts')) : [];
if (specs.length) {
  const pwOut = '.playwright-results.json';
  const pwExit = run('end-to-end (playwright, chromium)', 'npx', ['playwright', 'test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: pwOut });
  const pw = readJson(pwOut);
  for (const line of skippedWithReasons(pw)) console.log(line);
  if (pw?.stats) {
    totals.passed += pw.stats.expected + (pw.stats.flaky ?? 0);
    totals.failed += pw.stats.unexpected;
    totals.skipped += pw.stats.skipped;
    if (pwExit !== 0 && pw.stats.unexpected === 0) totals.failed += 1;
  } else {
    console.log('playwright produced no results: counted as 1 failed');
    totals.failed += 1;
  }
}

console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed === 0 ? 0 : 1);

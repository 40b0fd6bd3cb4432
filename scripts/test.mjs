#!/usr/bin/env node
// Runs the test files with Node's built-in runner through tsx.
// Node 20's `--test` has no glob support, so the files are listed here.
//
// Two phases: every file in parallel, then the `*.serial.test.ts` files one at a time. A serial
// test holds cluster-wide state on purpose (e.g. a PostgreSQL transaction kept open to prove the
// gap-safe order: pg_snapshot_xmin is cluster-wide, so it holds back readers of every database),
// which would stall the suites running beside it.
// The run ends with one plain summary line over both phases: "total: N passed, N failed, N skipped".
// Usage: npm test [-- <file or folder> ...]
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function collect(path, out) {
  if (statSync(path).isFile()) {
    if (/\.test\.ts$/.test(path)) out.push(path);
    return out;
  }
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    collect(join(path, entry), out);
  }
  return out;
}

function run(files, concurrency) {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${concurrency}`, ...files],
      { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_ENV: 'test' } },
    );
    let tail = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString()).slice(-4000);
    });
    child.on('close', (code) => {
      const count = (name) => Number(new RegExp(`^ℹ ${name} (\\d+)`, 'm').exec(tail)?.[1] ?? 0);
      resolve({
        code: code ?? 1,
        pass: count('pass'),
        fail: count('fail') + count('cancelled'),
        skipped: count('skipped') + count('todo'),
      });
    });
  });
}

const args = process.argv.slice(2);
const roots = args.length > 0 ? args : ['src', 'test'];
const files = roots.flatMap((r) => collect(r, [])).sort();
if (files.length === 0) {
  console.error('no test files found under', roots.join(', '));
  process.exit(1);
}
const serial = files.filter((f) => f.endsWith('.serial.test.ts'));
const parallel = files.filter((f) => !f.endsWith('.serial.test.ts'));
const results = [];
if (parallel.length > 0) results.push(await run(parallel, process.env.TEST_CONCURRENCY ?? 2));
if (serial.length > 0) results.push(await run(serial, 1));
const sum = (k) => results.reduce((n, r) => n + r[k], 0);
console.log(`total: ${sum('pass')} passed, ${sum('fail')} failed, ${sum('skipped')} skipped`);
process.exit(results.some((r) => r.code !== 0) ? 1 : 0);

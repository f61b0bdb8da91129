#!/usr/bin/env node
// `npm test`: lint, type-check, server tests on the embedded PostgreSQL (and again on TEST_DATABASE_URL's server
// when it is set), web unit tests, then the browser journeys in Chromium. Ends with one "N passed, N failed" line.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.slice(2); // e.g. `npm test -- server` runs just that stage
const tally = { passed: 0, failed: 0, skipped: 0 };
const failures = [];
const t0 = Date.now();

function run(label, cmd, args, opts = {}) {
  const t = Date.now();
  process.stdout.write(`\n▶ ${label}\n`);
  const r = spawnSync(cmd, args, {
    stdio: 'inherit',
    cwd: root,
    ...opts,
    env: { ...process.env, ...opts.env },
  });
  const ok = r.status === 0;
  process.stdout.write(`${ok ? '✔' : '✘'} ${label} (${((Date.now() - t) / 1000).toFixed(1)} s)\n`);
  if (!ok) failures.push(label);
  return ok;
}

function vitest(label, cwd, extraArgs = [], env = {}) {
  const out = path.join(os.tmpdir(), `kefu-vitest-${process.pid}-${label.replace(/\W+/g, '_')}.json`);
  const bin = [
    path.join(root, cwd, 'node_modules/vitest/vitest.mjs'),
    path.join(root, 'node_modules/vitest/vitest.mjs'),
  ].find(fs.existsSync);
  const ok = run(
    label,
    process.execPath,
    [bin, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...extraArgs],
    { cwd: path.join(root, cwd), env },
  );
  try {
    const j = JSON.parse(fs.readFileSync(out, 'utf8'));
    tally.passed += j.numPassedTests;
    tally.failed += j.numFailedTests;
    tally.skipped += j.numPendingTests + (j.numTodoTests ?? 0);
    if (!ok && j.numFailedTests === 0) tally.failed += 1; // a suite that failed to load counts as a failure
    // A failed test fails the stage whatever vitest's exit code says.
    if (ok && (j.numFailedTests > 0 || j.numFailedTestSuites > 0)) {
      failures.push(label);
      if (j.numFailedTests === 0) tally.failed += 1;
    }
    fs.rmSync(out, { force: true });
    return ok && j.numFailedTests === 0 && j.numFailedTestSuites === 0;
  } catch {
    if (!ok) tally.failed += 1;
  }
  return ok;
}

const want = (stage) => only.length === 0 || only.includes(stage);
const npx = (bin) => path.join(root, 'node_modules/.bin', bin);

if (want('lint'))
  run('lint (biome)', npx('biome'), ['check', 'server/src', 'web/src', 'web/e2e', 'bench', 'scripts']);
if (want('typecheck')) {
  run('type-check server', npx('tsc'), ['-p', 'server', '--noEmit']);
  if (fs.existsSync(path.join(root, 'web/tsconfig.json')))
    run('type-check web', npx('tsc'), ['-p', 'web', '--noEmit']);
}
if (want('server')) {
  vitest('server tests · embedded PostgreSQL', 'server', [], { TEST_DATABASE_URL: '' });
  if (process.env.TEST_DATABASE_URL)
    vitest(`server tests · external PostgreSQL`, 'server', [], {
      TEST_DATABASE_URL: process.env.TEST_DATABASE_URL,
    });
}
if (want('web') && fs.existsSync(path.join(root, 'web/vitest.config.ts'))) vitest('web unit tests', 'web');
if (want('e2e') && fs.existsSync(path.join(root, 'web/e2e'))) {
  // The journeys run the compiled server (kefu serve → server/dist), as production does.
  if (
    run('build web app', 'npm', ['run', 'build', '-w', 'web']) &&
    run('build server', process.execPath, [path.join(root, 'scripts/build-server.mjs')])
  )
    vitest('browser journeys (Chromium)', 'web', ['--config', 'e2e/vitest.config.ts']);
}

const secs = ((Date.now() - t0) / 1000).toFixed(0);
process.stdout.write(
  `\n${failures.length ? `Failed stages: ${failures.join(', ')}\n` : ''}Total time ${secs} s\n`,
);
process.stdout.write(
  `tests: ${tally.passed} passed, ${tally.failed} failed${tally.skipped ? `, ${tally.skipped} skipped` : ''}\n`,
);
process.exit(failures.length ? 1 : 0);

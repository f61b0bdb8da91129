#!/usr/bin/env node
// Compiles the server (server/src, TypeScript) to JavaScript in server/dist once, so production runs plain
// `node server/dist/cli.js` — no TypeScript loader in the server's process. `node scripts/build-server.mjs`
// builds when the sources are newer than the build (`--force`: always); kefu.mjs and start.mjs call
// ensureServerBuilt() before they start the server.
//
// A build is whole and atomic: tsc (emit only, `--noCheck`: type-checking is `npm run typecheck`) writes into a
// fresh folder, which then replaces server/dist, so a deleted source (a migration!) never lingers in the build.
// One build at a time: a lock folder; whoever waits for it checks again afterwards. The stamp records the newest
// source time seen BEFORE compiling, so a file saved during a build makes the next start build again.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const server = path.join(root, 'server');
const src = path.join(server, 'src');
export const DIST = path.join(server, 'dist');
export const ENTRY = path.join(DIST, 'cli.js');
const STAMP = path.join(DIST, '.build.json');
const LOCK = path.join(server, '.dist.lock');
const CONFIGS = [
  path.join(server, 'tsconfig.build.json'),
  path.join(server, 'tsconfig.json'),
  path.join(root, 'tsconfig.base.json'),
];

/** KEFU_FROM_SOURCE=1: run the TypeScript sources through tsx instead of the build (development, tests). */
export const fromSource = () => /^(1|true|yes)$/i.test(process.env.KEFU_FROM_SOURCE ?? '');

/** Files tsconfig.build.json leaves out (tests and their helpers); a test checks that no built file is one. */
export const isTestOnly = (rel) =>
  /\.test\.ts$/.test(rel) ||
  rel.split(path.sep)[0] === 'test' ||
  ['permission-cases.ts', 'fixtures.ts'].includes(path.basename(rel));

/** The newest modification time (ms) of what the build reads: the server's sources and the tsconfig files. */
export function newestSource() {
  let t = 0;
  const walk = (dir) => {
    // A folder's own time moves when a file in it is added, removed or renamed.
    t = Math.max(t, fs.statSync(dir).mtimeMs);
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (isTestOnly(path.relative(src, p))) continue;
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) t = Math.max(t, fs.statSync(p).mtimeMs);
    }
  };
  walk(src);
  for (const f of CONFIGS) t = Math.max(t, fs.statSync(f).mtimeMs);
  return t;
}

/** Whether server/dist is a complete build of the current sources. */
export function isBuildCurrent() {
  try {
    const stamp = JSON.parse(fs.readFileSync(STAMP, 'utf8'));
    return fs.existsSync(ENTRY) && newestSource() <= stamp.sourcesMtime;
  } catch {
    return false;
  }
}

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

function withLock(fn) {
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let holder = 0;
      try {
        holder = Number(fs.readFileSync(path.join(LOCK, 'pid'), 'utf8'));
      } catch {}
      const age = Date.now() - (fs.statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      // A builder that died left its lock: take it over (a lock without a pid yet is only seconds old).
      if ((holder && !alive(holder)) || (!holder && age > 10_000))
        fs.rmSync(LOCK, { recursive: true, force: true });
      else sleep(200);
    }
  }
  try {
    fs.writeFileSync(path.join(LOCK, 'pid'), String(process.pid));
    return fn();
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}

function tscPath() {
  for (const dir of [server, root]) {
    const p = path.join(dir, 'node_modules/typescript/bin/tsc');
    if (fs.existsSync(p)) return p;
  }
  return null;
}

/** Builds server/dist now (under the lock). Returns false, having said why, when it cannot. */
export function buildServer({ log = (m) => process.stderr.write(`${m}\n`), force = true } = {}) {
  const tsc = tscPath();
  if (!tsc) {
    log(
      'Cannot build the server: TypeScript is not installed (run `npm install` with the dev dependencies).',
    );
    return false;
  }
  return withLock(() => {
    // Whoever held the lock before may just have built these very sources.
    if (!force && isBuildCurrent()) return true;
    // What an interrupted build left behind.
    for (const e of fs.readdirSync(server)) {
      const m = /^\.dist-(?:old-)?(\d+)$/.exec(e);
      if (m && !alive(Number(m[1]))) fs.rmSync(path.join(server, e), { recursive: true, force: true });
    }
    log('Building the server …');
    const sourcesMtime = newestSource();
    const tmp = path.join(server, `.dist-${process.pid}`);
    fs.rmSync(tmp, { recursive: true, force: true });
    const t0 = Date.now();
    const r = spawnSync(
      process.execPath,
      [tsc, '-p', path.join(server, 'tsconfig.build.json'), '--noCheck', '--outDir', tmp],
      { cwd: server, stdio: ['ignore', 'inherit', 'inherit'] },
    );
    if (r.status !== 0 || !fs.existsSync(path.join(tmp, 'cli.js'))) {
      fs.rmSync(tmp, { recursive: true, force: true });
      log(`Building the server failed (tsc exit ${r.status ?? r.signal}).`);
      return false;
    }
    fs.writeFileSync(
      path.join(tmp, '.build.json'),
      `${JSON.stringify({ sourcesMtime, builtAt: new Date().toISOString(), ms: Date.now() - t0 })}\n`,
    );
    const old = path.join(server, `.dist-old-${process.pid}`);
    if (fs.existsSync(DIST)) fs.renameSync(DIST, old);
    fs.renameSync(tmp, DIST);
    fs.rmSync(old, { recursive: true, force: true });
    return true;
  });
}

/**
 * Makes sure server/dist is current, building it if not; returns the entry point (server/dist/cli.js), or null
 * when there is no usable build. A stale build that cannot be rebuilt (no TypeScript) is used, with a warning.
 */
export function ensureServerBuilt({ log = (m) => process.stderr.write(`${m}\n`), force = false } = {}) {
  if (!force && isBuildCurrent()) return ENTRY;
  if (!fs.existsSync(src)) return fs.existsSync(ENTRY) ? ENTRY : null; // an install that ships only the build
  if (buildServer({ log, force })) return ENTRY;
  if (fs.existsSync(ENTRY)) {
    log('Using the previous server build in server/dist (older than the sources).');
    return ENTRY;
  }
  return null;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const force = process.argv.includes('--force');
  process.exit(ensureServerBuilt({ force }) ? 0 : 1);
}

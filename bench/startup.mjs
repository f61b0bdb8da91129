#!/usr/bin/env node
// Start-up time of `kefu serve`: from spawning `node scripts/kefu.mjs serve` to /api/health answering 200, on an
// embedded database that is already initialised (the first, unmeasured start creates it). Each run is stopped
// with SIGTERM and waited for before the next one starts.
//
//   KEFU_DATA_DIR=/tmp/kefu-startup node bench/startup.mjs [runs=7]                      # the build (server/dist)
//   KEFU_DATA_DIR=/tmp/kefu-startup KEFU_FROM_SOURCE=1 node bench/startup.mjs [runs=7]   # the sources through tsx
//   KEFU_DATA_DIR=/tmp/kefu-startup node bench/startup.mjs 7 --both    # the two in turn (B A B A …), same machine state
// Besides the wall time it reads (Linux /proc) the CPU seconds the kefu processes (wrapper and server, not the
// embedded PostgreSQL) had used when /api/health first answered: on a busy machine that figure moves far less.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.argv[2] ?? 7);
const both = process.argv.includes('--both');
if (!process.env.KEFU_DATA_DIR) {
  console.error('set KEFU_DATA_DIR to a data folder (it is created on the first, unmeasured start)');
  process.exit(2);
}

const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** CPU seconds (user + system) of a process and its descendants that are still running, from /proc. */
function cpuOf(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    let ticks = Number(f[11]) + Number(f[12]); // utime, stime
    for (const c of fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/))
      if (c && fs.readFileSync(`/proc/${c}/comm`, 'utf8').trim() === 'node') ticks += cpuOf(Number(c)) * 100;
    return ticks / 100; // USER_HZ
  } catch {
    return Number.NaN;
  }
}

async function once(source) {
  const port = await freePort();
  const env = { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  if (source) env.KEFU_FROM_SOURCE = '1';
  else delete env.KEFU_FROM_SOURCE;
  const t0 = performance.now();
  const child = spawn(process.execPath, [path.join(root, 'scripts/kefu.mjs'), 'serve'], {
    cwd: root,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d) => {
    err += d;
  });
  const exited = new Promise((r) => child.once('exit', r));
  let ready = null;
  let cpu = Number.NaN;
  while (ready === null && child.exitCode === null && performance.now() - t0 < 120_000) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/api/health`);
      if (r.status === 200) {
        ready = performance.now() - t0;
        cpu = cpuOf(child.pid);
      }
    } catch {
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  child.kill('SIGTERM');
  await exited;
  if (ready === null) throw new Error(`kefu serve did not answer /api/health:\n${err}`);
  return { wall: ready / 1000, cpu };
}

const modes = both ? [false, true] : [/^(1|true|yes)$/i.test(process.env.KEFU_FROM_SOURCE ?? '')];
for (const m of modes) await once(m); // initialises the data folder (and builds server/dist if stale); not counted
const results = new Map(modes.map((m) => [m, []]));
for (let i = 0; i < runs; i++) for (const m of modes) results.get(m).push(await once(m));
const stats = (xs) => {
  const v = [...xs].sort((a, b) => a - b);
  return `min ${v[0].toFixed(2)}, median ${v[Math.floor(v.length / 2)].toFixed(2)}, max ${v.at(-1).toFixed(2)}`;
};
for (const [m, rs] of results)
  console.log(
    `${m ? 'sources (tsx)      ' : 'build (server/dist)'}: ${runs} runs; spawn → /api/health s: ` +
      `${stats(rs.map((r) => r.wall))}; kefu CPU s by then: ${stats(rs.map((r) => r.cpu))}`,
  );
if (both) {
  const [b, s] = [results.get(false), results.get(true)];
  console.log(`build / sources, pair by pair: wall ${stats(b.map((r, i) => r.wall / s[i].wall))}`);
}

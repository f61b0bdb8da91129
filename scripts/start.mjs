#!/usr/bin/env node
// `npm start`: builds the web app and the server (server/dist) when their sources are newer than their builds,
// then starts Kefu with demo data, running the compiled JavaScript.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureServerBuilt, fromSource } from './build-server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const newest = (dir) => {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
};
const built = path.join(root, 'web/dist/index.html');
const src = path.join(root, 'web/src');
if (fs.existsSync(src) && (!fs.existsSync(built) || newest(src) > fs.statSync(built).mtimeMs)) {
  console.error('Building the web app …');
  const r = spawnSync('npm', ['run', 'build', '-w', 'web'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
if (!fromSource() && !ensureServerBuilt()) process.exit(1);
const child = spawn(
  process.execPath,
  [path.join(root, 'scripts/kefu.mjs'), 'serve', '--demo', ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));

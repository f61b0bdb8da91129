#!/usr/bin/env node
// Runs the kefu CLI from any folder, passing signals on so the server stops cleanly. It runs the compiled server
// (server/dist/cli.js, plain JavaScript), built first when the sources are newer (scripts/build-server.mjs).
// KEFU_FROM_SOURCE=1 runs the TypeScript sources through tsx instead (development, and the server's own tests).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureServerBuilt, fromSource } from './build-server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let args;
if (fromSource()) args = ['--import', 'tsx', path.join(root, 'server/src/cli.ts')];
else {
  const entry = ensureServerBuilt();
  if (!entry) process.exit(1);
  args = ['--enable-source-maps', entry];
}
const child = spawn(process.execPath, [...args, ...process.argv.slice(2)], { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + 15 : 1)));

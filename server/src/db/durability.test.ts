// The real server on the embedded PostgreSQL, treated roughly: killed with SIGKILL, started twice on one data folder,
// its PostgreSQL stopped underneath it. Committed writes survive, a second process is refused, jobs keep running.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineJob, enqueue, startJobs } from '../platform/jobs.ts';
import { type ServerProcess, startServer, stopServer, tempDataDir } from '../test/cli.ts';
import { createTestDb } from '../test/db.ts';
import { freePort, runningEmbeddedUrl } from './embedded.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

let dir: string;
const servers: ServerProcess[] = [];
const postmaster = () => {
  const lines = fs.readFileSync(path.join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n');
  return { pid: Number(lines[0]), port: Number(lines[3]) };
};

beforeAll(() => {
  dir = tempDataDir('kefu-durability-');
});
afterAll(async () => {
  for (const s of servers) await stopServer(s).catch(() => {});
  // Whatever PostgreSQL is still running on the folder (a failed test's) is stopped too.
  try {
    const { pid } = postmaster();
    if (pid && isAlive(pid)) {
      process.kill(pid, 'SIGINT');
      for (let i = 0; i < 100 && isAlive(pid); i++) await sleep(100);
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
  } catch {}
  fs.rmSync(dir, { recursive: true, force: true });
});

async function api(s: ServerProcess, cookie: string | null, method: string, url: string, body?: unknown) {
  const res = await fetch(`${s.url}${url}`, {
    method,
    headers: {
      ...(cookie ? { cookie } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: text ? JSON.parse(text) : null,
    cookie: res.headers
      .getSetCookie()
      .find((c) => c.startsWith('kefu_session='))
      ?.split(';')[0],
  };
}

async function signIn(s: ServerProcess) {
  const r = await api(s, null, 'POST', '/api/auth/login', { username: 'admin', password: 'Kefu2026!' });
  expect(r.status).toBe(200);
  return r.cookie!;
}

/** Polls until `check` returns true, or fails after `ms`. */
async function waitFor(what: string, check: () => Promise<boolean>, ms: number) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const healthy = async (s: ServerProcess) =>
  (await fetch(`${s.url}/api/health`, { signal: AbortSignal.timeout(3000) })).status === 200;

describe('durability of the embedded setup', () => {
  let server: ServerProcess;

  it('keeps every committed write when the server is killed with SIGKILL, and starts again cleanly', async () => {
    const first = await startServer(dir, await freePort(), { args: ['--demo'], timeoutMs: 90_000 });
    servers.push(first);
    const cookie = await signIn(first);
    const branch = await api(first, cookie, 'POST', '/api/branches', { code: 'DUR1', name: '持久营业部' });
    expect(branch.status).toBe(200);
    const depts = await api(first, cookie, 'GET', '/api/departments');
    const user = await api(first, cookie, 'POST', '/api/users', {
      username: 'survivor',
      displayName: '幸存者',
      password: 'Survive2026!',
      branchId: branch.body.id,
      departmentId: depts.body[0].id,
      roles: ['agent'],
    });
    expect(user.status).toBe(200);

    const pgBefore = postmaster();
    first.child.kill('SIGKILL');
    await first.exited;
    // The killed server's PostgreSQL is left running: that is what the next start has to deal with.
    expect(isAlive(pgBefore.pid)).toBe(true);

    server = await startServer(dir, await freePort(), { timeoutMs: 90_000 });
    servers.push(server);
    expect(isAlive(pgBefore.pid)).toBe(false);
    expect(postmaster().pid).not.toBe(pgBefore.pid);
    const again = await signIn(server);
    const branches = await api(server, again, 'GET', '/api/branches');
    const list = Array.isArray(branches.body) ? branches.body : branches.body.items;
    expect(list.map((b: any) => b.code)).toContain('DUR1');
    const login = await api(server, null, 'POST', '/api/auth/login', {
      username: 'survivor',
      password: 'Survive2026!',
    });
    expect(login.status).toBe(200);
  }, 200_000);

  it('refuses a second server on the same data folder, and the first keeps working', async () => {
    const second = await startServer(dir, await freePort(), { wait: false });
    servers.push(second);
    const killer = setTimeout(() => second.child.kill('SIGKILL'), 30_000);
    const { code } = await second.exited;
    clearTimeout(killer);
    expect(code).not.toBe(0);
    expect(second.output()).toMatch(/already in use by another Kefu process \(pid \d+\)/);
    expect(await healthy(server)).toBe(true);
    const cookie = await signIn(server);
    expect((await api(server, cookie, 'POST', '/api/branches', { code: 'DUR2', name: '第二' })).status).toBe(
      200,
    );
  }, 60_000);

  it('recovers when its PostgreSQL stops underneath it: health comes back and jobs run again', async () => {
    const before = postmaster();
    process.kill(before.pid, 'SIGINT'); // a fast shutdown, as an operator or a crash would do it
    await waitFor('the old PostgreSQL to exit', async () => !isAlive(before.pid), 20_000);
    await waitFor('the health check to recover', () => healthy(server), 30_000);
    const after = postmaster();
    expect(after.pid).not.toBe(before.pid);
    expect(after.port).toBe(before.port);

    // A job enqueued now runs: an expired session is purged by the sessions job.
    const c = new pg.Client({ connectionString: runningEmbeddedUrl(dir)! });
    await c.connect();
    try {
      const u = await c.query(`select id from users where username = 'admin'`);
      await c.query(
        `insert into sessions (id, user_id, expires_at) values ('durability-expired', $1, now() - interval '1 hour')`,
        [u.rows[0].id],
      );
      await c.query(`select graphile_worker.add_job('sessions_purge_expired', '{}'::json)`);
      await waitFor(
        'the job runner to purge the expired session',
        async () => (await c.query(`select 1 from sessions where id = 'durability-expired'`)).rowCount === 0,
        20_000,
      );
    } finally {
      await c.end();
    }
    const cookie = await signIn(server);
    expect((await api(server, cookie, 'POST', '/api/branches', { code: 'DUR3', name: '第三' })).status).toBe(
      200,
    );

    // And it still stops cleanly (exit code 0), PostgreSQL with it.
    server.child.kill('SIGTERM');
    const killer = setTimeout(() => server.child.kill('SIGKILL'), 20_000);
    const exit = await server.exited;
    clearTimeout(killer);
    expect(exit.code).toBe(0);
    await waitFor('PostgreSQL to stop with the server', async () => !isAlive(after.pid), 10_000);
  }, 90_000);
});

// A job that tells the test it ran.
const pings: string[] = [];
defineJob('test_durability_ping', async (payload: { id: string }) => {
  pings.push(payload.id);
});

describe('the job runner', () => {
  it('starts itself again when graphile-worker stops on an error (a failed cron step)', async () => {
    const t = await createTestDb();
    const messages: string[] = [];
    let runner: Awaited<ReturnType<typeof startJobs>> | undefined;
    try {
      // Cron's first step reads the known crontabs: without that table it fails and graphile-worker's runner stops.
      await t.pool.query('alter table graphile_worker._private_known_crontabs rename to known_crontabs_away');
      runner = await startJobs(t.db, t.pool, (m) => messages.push(m), { retryMs: 100, maxRetryMs: 300 });
      await waitFor(
        'the runner to fail',
        async () => messages.some((m) => m.includes('stopped on an error')),
        10_000,
      );
      await t.pool.query('alter table graphile_worker.known_crontabs_away rename to _private_known_crontabs');
      await waitFor('the runner to run again', async () => runner!.restarts() > 0, 10_000);
      await enqueue(t, 'test_durability_ping', { id: 'after-restart' });
      await waitFor('the job to run', async () => pings.includes('after-restart'), 10_000);
      expect(messages).toContain('the job runner is running again');
    } finally {
      await runner?.stop();
      await t.close();
    }
  }, 30_000);
});

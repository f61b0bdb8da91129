// Ticket writes over HTTP with concurrent signed-in agents, side by side with raw single-row INSERTs into the same
// tickets table over as many connections (the physical limit), in the same run.
//   KEFU_DATA_DIR=/tmp/kefu-bench-tickets node --import tsx bench/tickets-write.ts [ops=5000] [clients=50] [seconds=30]
// Each phase (create, update, raw insert) stops at `ops` operations or `seconds`, whichever comes first. A create is
// POST /api/tickets (ticket, SLA targets computed on the business calendar, the SLA job enqueued, event, timeline
// entry, audit row — one transaction); an update is PATCH /api/tickets/:id moving the status between open and
// waiting_customer (pause opened/closed, SLA recomputed, the job moved, event, audit row). The server is the real app
// on a loopback port in this process (pool of 20, as `kefu serve`); the demo organisation and 2 000 customers are
// loaded when the database is empty. Prints JSON and writes bench/out/tickets-write.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { buildApp } from '../server/src/app.ts';
import { loadConfig } from '../server/src/config.ts';
import { DEMO_PASSWORD, loadDemo } from '../server/src/demo/index.ts';
import { openDatabase } from '../server/src/platform/bootstrap.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OPS = Number(process.argv[2] ?? 5000);
const CLIENTS = Number(process.argv[3] ?? 50);
const SECONDS = Number(process.argv[4] ?? 30);
const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent', KEFU_JOBS: 'false' });
if (!config.databaseUrl && path.resolve(config.dataDir) === path.resolve(root, 'data'))
  throw new Error('refusing to benchmark in ./data: set KEFU_DATA_DIR=/tmp/kefu-bench-tickets');
const opened = await openDatabase(config);
const { pool } = opened;
const app = await buildApp({ db: opened.db, config });
await loadDemo(opened.owner.db, { customers: 2000 });
await app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return +s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))].toFixed(2);
};
const stats = (xs: number[], seconds: number) => ({
  ops: xs.length,
  seconds: +seconds.toFixed(2),
  opsPerSecond: +(xs.length / seconds).toFixed(1),
  p50: pct(xs, 50),
  p95: pct(xs, 95),
  p99: pct(xs, 99),
});
const count = async (q: string, params: unknown[] = []) => Number((await pool.query(q, params)).rows[0].n);

// Round trips to PostgreSQL (every query of the server's pool and the raw pool passes here).
let queries = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  queries++;
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;

/** CPU seconds used so far by this process and by the PostgreSQL server (postmaster + its backends). */
const pidFile = path.join(config.dataDir, 'pg', 'postmaster.pid');
const pgPid =
  opened.embedded && fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]) : -1;
function pgCpu() {
  let ticks = 0;
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const f = fs.readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1].split(' ');
      if (Number(d) === pgPid || Number(f[1]) === pgPid) ticks += Number(f[11]) + Number(f[12]);
    } catch {}
  }
  return ticks / 100;
}
const cpu = () => ({ node: process.cpuUsage(), pg: pgCpu() });
const cpuSince = (c0: ReturnType<typeof cpu>, ops: number) => {
  const n = process.cpuUsage(c0.node);
  const node = (n.user + n.system) / 1e6;
  const pgs = pgCpu() - c0.pg;
  return {
    nodeCpuMsPerOp: +((node * 1000) / ops).toFixed(2),
    pgCpuMsPerOp: +((pgs * 1000) / ops).toFixed(2),
  };
};

/** Runs `op` from `CLIENTS` concurrent workers until OPS operations or SECONDS have passed; latencies in ms. */
async function phase(label: string, op: (worker: number, i: number) => Promise<void>) {
  const lat: number[] = [];
  let next = 0;
  let failed = 0;
  let firstError = '';
  const c0 = cpu();
  const q0 = queries;
  const t0 = performance.now();
  const deadline = t0 + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, w) => {
      for (let i = 0; next < OPS && performance.now() < deadline; i++) {
        next++;
        const t = performance.now();
        try {
          await op(w, i);
          lat.push(performance.now() - t);
        } catch (e) {
          failed++;
          firstError ||= String((e as Error).message).slice(0, 300);
        }
      }
    }),
  );
  const s = {
    ...stats(lat, (performance.now() - t0) / 1000),
    ...cpuSince(c0, lat.length || 1),
    queriesPerOp: +((queries - q0) / (lat.length || 1)).toFixed(1),
    failed,
    ...(firstError ? { firstError } : {}),
  };
  console.error(
    label,
    JSON.stringify(s),
    'loadavg',
    os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' '),
  );
  return s;
}

const raw = new pg.Pool({ connectionString: opened.url, max: CLIENTS });
try {
  // Signed-in agents (one session each, shared by the clients of that agent) and customers of their branches.
  const users = ['agent', 'agent2', 'supervisor', 'sh_agent', 'sz_agent', 'admin'];
  const sessions: { cookie: string; customers: number[] }[] = [];
  for (const username of users) {
    const r = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: DEMO_PASSWORD }),
    });
    if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${await r.text()}`);
    const customers = (
      await pool.query(
        `select c.id from customers c join users u on u.branch_id = c.branch_id
          where u.username = $1 and c.status <> 'merged' order by random() limit 200`,
        [username],
      )
    ).rows.map((x) => Number(x.id));
    sessions.push({ cookie: (r.headers.get('set-cookie') ?? '').split(';')[0], customers });
  }
  const call = async (w: number, method: string, url: string, body: unknown) => {
    const r = await fetch(`${base}${url}`, {
      method,
      headers: { 'content-type': 'application/json', cookie: sessions[w % sessions.length].cookie },
      body: JSON.stringify(body),
    });
    const out = (await r.json()) as { id: number; version: number; status: string };
    if (r.status !== 200)
      throw new Error(`${method} ${url}: ${r.status} ${JSON.stringify(out).slice(0, 200)}`);
    return out;
  };

  const before = {
    tickets: await count('select count(*) n from tickets'),
    audit: await count(`select count(*) n from audit_log where action in ('ticket.create','ticket.update')`),
    jobs: await count(
      `select count(*) n from graphile_worker.jobs where task_identifier = 'ticket_sla_check'`,
    ),
  };
  const types = ['consultation', 'service_request', 'complaint', 'fault', 'consultation', 'service_request'];
  const mine: { id: number; version: number; status: string }[][] = Array.from({ length: CLIENTS }, () => []);
  // Warm-up: a few requests per session, not measured.
  for (let w = 0; w < sessions.length * 3; w++) {
    const s = sessions[w % sessions.length];
    await call(w, 'POST', '/api/tickets', {
      type: 'consultation',
      channel: 'phone_in',
      customerId: s.customers[w % s.customers.length],
      subject: `压测预热 ${w}`,
    });
  }
  const create = await phase('create', async (w, i) => {
    const s = sessions[w % sessions.length];
    const t = await call(w, 'POST', '/api/tickets', {
      type: types[(w + i) % types.length],
      channel: 'phone_in',
      customerId: s.customers[(w * 7 + i) % s.customers.length],
      subject: `压测工单 ${w}-${i} 咨询保证金比例`,
      description: '客户来电询问保证金比例调整后的追加保证金时间。',
    });
    mine[w].push(t);
  });
  const update = await phase('update', async (w, i) => {
    const list = mine[w];
    const t = list[i % list.length];
    const status = t.status === 'waiting_customer' ? 'open' : 'waiting_customer';
    const out = await call(w, 'PATCH', `/api/tickets/${t.id}`, { version: t.version, status });
    list[i % list.length] = out;
  });
  const after = {
    tickets: await count('select count(*) n from tickets'),
    audit: await count(`select count(*) n from audit_log where action in ('ticket.create','ticket.update')`),
    jobs: await count(
      `select count(*) n from graphile_worker.jobs where task_identifier = 'ticket_sla_check'`,
    ),
  };

  // The physical limit: one autocommitted single-row INSERT into the same table (all its indexes, the number
  // default from its sequence, the foreign keys), over CLIENTS connections.
  const ref = (
    await pool.query(`select branch_id, first_contact_owner_id from tickets order by id desc limit 1`)
  ).rows[0];
  await Promise.all(Array.from({ length: CLIENTS }, () => raw.query('select 1')));
  const rawInsert = await phase('raw insert', async (w, i) => {
    await raw.query(
      `insert into tickets (branch_id, type, channel, subject, first_contact_owner_id, assignee_id, created_by)
       values ($1, 'consultation', 'phone_in', $2, $3, $3, $3)`,
      [ref.branch_id, `raw ${w}-${i}`, ref.first_contact_owner_id],
    );
  });

  const version = (await pool.query('select version()')).rows[0].version;
  const out = {
    clients: CLIENTS,
    maxOps: OPS,
    maxSeconds: SECONDS,
    serverPool: 20,
    data: { ticketsBefore: before.tickets, customers: await count('select count(*) n from customers') },
    checks: {
      ticketsCreated: after.tickets - before.tickets,
      auditRows: after.audit - before.audit,
      slaJobsPending: after.jobs,
    },
    machine: {
      nproc: os.cpus().length,
      memoryGB: +(os.totalmem() / 2 ** 30).toFixed(1),
      loadavg: os.loadavg(),
      postgres: version,
    },
    results: {
      'create (POST /api/tickets)': create,
      'update (PATCH /api/tickets/:id, status)': update,
      'raw single-row INSERT into tickets': rawInsert,
    },
  };
  fs.mkdirSync(path.join(root, 'bench/out'), { recursive: true });
  fs.writeFileSync(path.join(root, 'bench/out/tickets-write.json'), `${JSON.stringify(out, null, 2)}\n`);
  console.log(JSON.stringify(out, null, 2));
} finally {
  await raw.end();
  await app.close();
  await opened.close();
}

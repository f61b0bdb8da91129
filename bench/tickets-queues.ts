// Ticket queue views over HTTP at a large number of tickets, each view side by side with the same query as raw
// indexed SQL (the physical limit) in the same run.
//   KEFU_DATA_DIR=/tmp/kefu-bench-tickets node --import tsx bench/tickets-queues.ts [tickets=1000000] [iterations=100] [user=agent]
// Tops the database up to `tickets` tickets with set-based SQL (INSERT … SELECT generate_series, in chunks) when it
// has fewer: 200 extra agents over the three branches (copied from the demo agents, so they share their teams),
// customers of the agent's branch, two years of tickets (id order = receipt order), the last 5 % mostly still open,
// type mix 45 % consultation / 30 % service request / 15 % fault / 5 % complaint / 5 % suggestion, 5 % of the open
// ones unassigned, and their `ticket_sla_targets` (first response, resolution, acceptance for complaints; met for
// the finished ones; due and warning times from receipt), then ANALYZE. Generated tickets get their own numbers
// ('B' + date + 7 digits): the column's default pads its sequence to 6 digits, so past 999 999 tickets it repeats
// numbers of the same day and the insert fails on tickets_number_key. Requests are sequential, after 5 warm-up
// ones. Prints JSON and writes bench/out/tickets-queues-<user>.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../server/src/app.ts';
import { loadConfig } from '../server/src/config.ts';
import { DEMO_PASSWORD, loadDemo } from '../server/src/demo/index.ts';
import { openDatabase } from '../server/src/platform/bootstrap.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TOTAL = Number(process.argv[2] ?? 1_000_000);
const N = Number(process.argv[3] ?? 100);
const user = process.argv[4] ?? 'agent';
const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent', KEFU_JOBS: 'false' });
if (!config.databaseUrl && path.resolve(config.dataDir) === path.resolve(root, 'data'))
  throw new Error('refusing to benchmark in ./data: set KEFU_DATA_DIR=/tmp/kefu-bench-tickets');
const opened = await openDatabase(config);
const { pool } = opened;
const app = await buildApp({ db: opened.db, config });
await loadDemo(opened.owner.db, { customers: 2000 });

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return +s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))].toFixed(2);
};
const stats = (xs: number[]) => ({ p50: pct(xs, 50), p95: pct(xs, 95), p99: pct(xs, 99), n: xs.length });
const one = async (q: string, params: unknown[] = []) => (await pool.query(q, params)).rows[0];
const OPEN = ['new', 'open', 'waiting_customer', 'waiting_internal', 'reopened'];

async function generate() {
  const have = Number((await one('select count(*) n from tickets')).n);
  if (have >= TOTAL) return { generated: 0, seconds: 0 };
  const t0 = performance.now();
  // 200 agents besides the demo ones, as the demo agents of each branch (same department and team).
  await pool.query(`
    insert into users (username, display_name, branch_id, department_id, team_id, password_hash)
    select 'bench_agent_' || g, '坐席' || g, u.branch_id, u.department_id, u.team_id, u.password_hash
      from generate_series(1, 200) g
      join users u on u.username = (array['agent', 'sh_agent', 'sz_agent'])[1 + g % 3]
     where not exists (select 1 from users where username = 'bench_agent_' || g)`);
  await pool.query('drop table if exists pg_temp.bench_agents, pg_temp.bench_customers');
  await pool.query(`
    create temp table bench_agents as
    select row_number() over (order by id) - 1 as idx, id, branch_id, team_id, department_id,
           row_number() over (partition by branch_id order by id) - 1 as bidx, count(*) over (partition by branch_id) as bn
      from users where username in ('agent', 'agent2', 'sh_agent', 'sz_agent') or username like 'bench_agent_%'`);
  await pool.query(`
    create temp table bench_customers as
    select branch_id, row_number() over (partition by branch_id order by id) - 1 as idx, id,
           count(*) over (partition by branch_id) as n
      from customers where status <> 'merged'`);
  await pool.query('drop table if exists pg_temp.bench_branches');
  await pool.query(
    'create temp table bench_branches as select branch_id, count(*) as n from bench_customers group by 1',
  );
  await pool.query('analyze bench_agents; analyze bench_customers; analyze bench_branches');
  const agents = Number((await one('select count(*) n from bench_agents')).n);
  const from = have + 1;
  const chunk = 200_000;
  // The whole history spans two years; ticket g of TOTAL was received at now() - (TOTAL - g) × step.
  for (let lo = from; lo <= TOTAL; lo += chunk) {
    const hi = Math.min(TOTAL, lo + chunk - 1);
    const client = await pool.connect();
    try {
      await client.query('begin');
      const ins = await client.query(
        `
        with g as (
          select g, ((g * 7919) % 100)::int as r, ((g * 104729) % 1000)::int as r2,
                 now() - ($3::int - g) * (interval '730 days' / $3::int) as at,
                 g > $3::int * 0.95 as recent
            from generate_series($1::bigint, $2::bigint) g
        ), s as (
          select g.*, a.id as agent, a.branch_id, a.team_id, a.bn,
                 case when r < 45 then 'consultation' when r < 75 then 'service_request' when r < 90 then 'fault'
                      when r < 95 then 'complaint' else 'suggestion' end as type,
                 case when not recent then case when r2 < 950 then 'closed' else 'resolved' end
                      when r2 < 150 then 'new' when r2 < 450 then 'open' when r2 < 600 then 'waiting_customer'
                      when r2 < 700 then 'waiting_internal' when r2 < 720 then 'reopened'
                      when r2 < 900 then 'resolved' else 'closed' end as status
            from g join bench_agents a on a.idx = (g.g * 31) % $4::int
        )
        insert into tickets (number, branch_id, type, priority, channel, customer_id, contact_name, subject, status,
                             needs_onsite, first_contact_owner_id, assignee_id, team_id, received_at,
                             first_responded_at, resolved_at, closed_at, created_by, created_at, updated_at)
        select 'B' || to_char(s.at, 'YYYYMMDD') || lpad(s.g::text, 7, '0'), s.branch_id, s.type, case when s.r2 % 10 = 0 then 'high' when s.r2 % 50 = 1 then 'urgent' else 'normal' end,
               (array['phone_in','phone_in','phone_in','email','counter','wechat','portal'])[(1 + s.g % 7)::int],
               case when s.g % 10 = 0 then null else c.id end, null,
               '工单 ' || s.g || (array[' 咨询保证金比例',' 开户资料补充',' 行情软件无法登录',' 手续费投诉',' 建议增加夜盘提醒'])[1 + s.r % 5],
               s.status, s.type = 'fault', s.agent,
               case when s.status in ('new','open','waiting_customer','waiting_internal','reopened') and s.r2 % 20 = 3 then null
                    else coalesce(b.id, s.agent) end,
               s.team_id, s.at,
               case when s.status <> 'new' then s.at + interval '40 minutes' end,
               case when s.status in ('resolved','closed') then s.at + interval '20 hours' end,
               case when s.status = 'closed' then s.at + interval '30 hours' end,
               s.agent, s.at, s.at
          from s
          left join bench_agents b on b.branch_id = s.branch_id and b.bidx = (s.g * 17 + 5) % s.bn
          left join bench_branches bb on bb.branch_id = s.branch_id
          left join bench_customers c on c.branch_id = s.branch_id and c.idx = (s.g * 7927) % bb.n
        returning 1`,
        [lo, hi, TOTAL, agents],
      );
      await client.query(
        `
        insert into ticket_sla_targets (ticket_id, target, minutes, days, due_at, warn_at, met_at)
        select t.id, x.target, x.minutes, x.days,
               t.received_at + coalesce(x.minutes, x.days * 1440) * interval '1 minute',
               t.received_at + coalesce(x.minutes, x.days * 1440) * 0.8 * interval '1 minute',
               case when x.target = 'first_response' then t.first_responded_at
                    when t.status in ('resolved','closed') then t.resolved_at end
          from tickets t
          cross join lateral (values
            ('first_response', case when t.type = 'complaint' then 60 else 120 end, null::int),
            ('resolution', case t.type when 'consultation' then 480 when 'complaint' then 21600
                                       when 'suggestion' then 10080 else 2880 end, null),
            ('acceptance', null, case when t.type = 'complaint' then 5 end)) x(target, minutes, days)
         where t.id > (select coalesce(max(ticket_id), 0) from ticket_sla_targets)
           and (x.target <> 'acceptance' or t.type = 'complaint')`,
      );
      await client.query('commit');
      console.error(
        `tickets ${hi}/${TOTAL} (+${ins.rowCount}) ${((performance.now() - t0) / 1000).toFixed(0)} s, loadavg ${os.loadavg()[0].toFixed(1)}`,
      );
    } catch (e) {
      await client.query('rollback');
      throw e;
    } finally {
      client.release();
    }
  }
  await pool.query('analyze users; analyze tickets; analyze ticket_sla_targets');
  return { generated: TOTAL - have, seconds: +((performance.now() - t0) / 1000).toFixed(1) };
}

try {
  const gen = await generate();
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: user, password: DEMO_PASSWORD }),
  });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  const me = await one(
    `select u.id, u.team_id, bool_or('scope.all_branches' = any(r.permissions)) as all,
            array[u.branch_id] as own from users u
       join user_roles ur on ur.user_id = u.id join roles r on r.id = ur.role_id
      where u.username = $1 group by u.id`,
    [user],
  );
  const scope = me.all ? (await one('select array_agg(id) as ids from branches')).ids : me.own;
  const data = await one(
    `select (select count(*) from tickets)::int as tickets,
            (select count(*) from tickets where status = any($1))::int as open,
            (select count(*) from ticket_sla_targets)::int as sla_targets,
            (select count(*) from customers)::int as customers,
            (select count(*) from users)::int as users`,
    [OPEN],
  );

  // Kefu's visibility (branch, or owned / assigned / transferred to the user), written out by hand.
  const visible = `(t.branch_id = any($1::bigint[]) or t.first_contact_owner_id = $2 or t.assignee_id = $2
    or exists (select 1 from ticket_transfers tv where tv.ticket_id = t.id and tv.to_user_id = $2))`;
  const open = `t.status = any('{${OPEN.join(',')}}'::text[])`;
  const sla = (cond: string) =>
    `exists (select 1 from ticket_sla_targets s where s.ticket_id = t.id and s.met_at is null and ${cond})`;
  const where: Record<string, string> = {
    mine: `(t.first_contact_owner_id = $2 or t.assignee_id = $2) and t.status = any('{${OPEN.join(',')},resolved}'::text[])`,
    team: `t.team_id = $3 and ${open}`,
    unassigned: `t.assignee_id is null and ${open}`,
    breaching_soon: `${open} and ${sla('s.warn_at <= now() and s.due_at > now()')}`,
    breached: `${open} and ${sla('s.due_at <= now()')}`,
    complaint: `t.type = 'complaint'`,
  };
  const params = [scope, me.id, me.team_id ?? -1];
  const rawList = async (w: string) => {
    const rows = (
      await pool.query(
        `select t.* from tickets t where ${visible} and ${w} order by t.id desc limit 51`,
        w.includes('$3') ? params : params.slice(0, 2),
      )
    ).rows;
    const ids = rows.map((r) => r.id);
    await Promise.all([
      pool.query('select * from ticket_sla_targets where ticket_id = any($1::bigint[])', [ids]),
      pool.query('select id, display_name from users where id = any($1::bigint[])', [
        [...new Set(rows.flatMap((r) => [r.first_contact_owner_id, r.assignee_id]))],
      ]),
    ]);
    return rows.length;
  };
  const rawCount = (w: string) =>
    pool.query(
      `select count(*) from (select 1 from tickets t where ${visible} and ${w} and t.status <> 'closed' limit 1000) x`,
      w.includes('$3') ? params : params.slice(0, 2),
    );
  const views: { kind: string; url: string; raw: () => Promise<unknown> }[] = [
    { kind: 'mine', url: '/api/tickets?view=mine', raw: () => rawList(where.mine) },
    { kind: "my team's", url: '/api/tickets?view=team', raw: () => rawList(where.team) },
    { kind: 'unassigned', url: '/api/tickets?view=unassigned', raw: () => rawList(where.unassigned) },
    {
      kind: 'breaching soon',
      url: '/api/tickets?view=breaching_soon',
      raw: () => rawList(where.breaching_soon),
    },
    { kind: 'breached', url: '/api/tickets?view=breached', raw: () => rawList(where.breached) },
    { kind: 'by type (complaints)', url: '/api/tickets?type=complaint', raw: () => rawList(where.complaint) },
    {
      kind: 'queue counts (GET /api/tickets/queues, 10 capped counts)',
      url: '/api/tickets/queues',
      raw: () =>
        Promise.all([
          rawCount(where.mine),
          rawCount(where.team),
          rawCount(where.unassigned),
          rawCount(where.breaching_soon),
          rawCount(where.breached),
          ...['consultation', 'service_request', 'complaint', 'suggestion', 'fault'].map((ty) =>
            rawCount(`t.type = '${ty}'`),
          ),
        ]),
    },
  ];

  const results: Record<string, unknown> = {};
  const floor: number[] = [];
  for (let i = 0; i < N + 5; i++) {
    const t = performance.now();
    await (await fetch(`${base}/api/auth/me`, { headers: { cookie } })).text();
    if (i >= 5) floor.push(performance.now() - t);
  }
  results['signed-in no-op (GET /api/auth/me)'] = { http: stats(floor) };
  for (const v of views) {
    const http: number[] = [];
    const raw: number[] = [];
    let rows = 0;
    for (let i = 0; i < N + 5; i++) {
      let t = performance.now();
      const r = await fetch(`${base}${v.url}`, { headers: { cookie } });
      const body = (await r.json()) as { items?: unknown[] };
      if (r.status !== 200) throw new Error(`${v.kind}: ${r.status} ${JSON.stringify(body).slice(0, 300)}`);
      const httpMs = performance.now() - t;
      t = performance.now();
      await v.raw();
      const rawMs = performance.now() - t;
      if (i >= 5) {
        http.push(httpMs);
        raw.push(rawMs);
        rows = body.items?.length ?? Object.keys(body).length;
      }
    }
    const counts = v.url.endsWith('/queues')
      ? await (await fetch(`${base}${v.url}`, { headers: { cookie } })).json()
      : undefined;
    results[v.kind] = { http: stats(http), rawSql: stats(raw), rows, ...(counts ? { counts } : {}) };
    console.error(v.kind, JSON.stringify(results[v.kind]), 'loadavg', os.loadavg()[0].toFixed(1));
  }

  const version = (await pool.query('select version()')).rows[0].version;
  const out = {
    user,
    scope: me.all ? 'all branches' : `branches ${scope.join(',')}`,
    data,
    generation: gen,
    iterations: N,
    machine: {
      nproc: os.cpus().length,
      memoryGB: +(os.totalmem() / 2 ** 30).toFixed(1),
      loadavg: os.loadavg(),
      postgres: version,
    },
    results,
  };
  fs.mkdirSync(path.join(root, 'bench/out'), { recursive: true });
  fs.writeFileSync(
    path.join(root, 'bench/out', `tickets-queues-${user}.json`),
    `${JSON.stringify(out, null, 2)}\n`,
  );
  console.log(JSON.stringify(out, null, 2));
} finally {
  await app.close();
  await opened.close();
}

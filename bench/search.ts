// Search and customer-page latency over HTTP on a large database, each query kind side by side with the same
// lookup as raw indexed SQL (the physical limit) in the same run.
//   KEFU_DATA_DIR=/tmp/kefu-bench node --import tsx bench/search.ts [iterations=200] [user=agent]
// Fill the database first: node --import tsx bench/demo-data.ts 1000000. The server runs in this process (the
// real app on a real port); requests are sequential. Prints JSON and writes bench/out/search.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../server/src/app.ts';
import { loadConfig } from '../server/src/config.ts';
import { DEMO_PASSWORD } from '../server/src/demo/foundation.ts';
import { openDatabase } from '../server/src/platform/bootstrap.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const N = Number(process.argv[2] ?? 200);
const user = process.argv[3] ?? 'agent';
const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent', KEFU_JOBS: 'false' });
const opened = await openDatabase(config);
const { pool } = opened;
const app = await buildApp({ db: opened.db, config });
await app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return +s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))].toFixed(2);
};
const stats = (xs: number[]) => ({ p50: pct(xs, 50), p95: pct(xs, 95), p99: pct(xs, 99), n: xs.length });

try {
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: user, password: DEMO_PASSWORD }),
  });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  const me = (await pool.query(`select branch_id from users where username = $1`, [user])).rows[0];
  const allBranches = (
    await pool.query(
      `select bool_or('scope.all_branches' = any(r.permissions)) as all from users u
         join user_roles ur on ur.user_id = u.id join roles r on r.id = ur.role_id where u.username = $1`,
      [user],
    )
  ).rows[0].all as boolean;
  const scope = allBranches
    ? (await pool.query('select array_agg(id) as ids from branches')).rows[0].ids
    : [me.branch_id];
  const counts = (
    await pool.query(
      `select (select count(*) from customers)::int as customers, (select count(*) from interactions)::int as interactions`,
    )
  ).rows[0];

  // Sample values from the data, in the user's branches.
  const sample = async (q: string, params: unknown[] = []) =>
    (await pool.query(q, params)).rows.map((r) => Object.values(r)[0] as string);
  const inScope = `branch_id = any($1::bigint[])`;
  const common2 = await sample(
    `select g from (select substr(name, 1, 2) g, count(*) n from customers where ${inScope} and length(name) = 3
       group by 1 order by 2 desc limit 20) x`,
    [scope],
  );
  const rare2 = await sample(
    `select g from (select substr(name, 2, 2) g, count(*) n from customers where ${inScope} and length(name) = 3
       group by 1 order by count(*), 1 limit 20) x`,
    [scope],
  );
  const randomRows = `from customers tablesample system (1) where ${inScope} and kind = 'individual'`;
  const name3 = await sample(`select name ${randomRows} and length(name) = 3 limit 20`, [scope]);
  const phoneFrag = await sample(`select substr(phone, 4, 6) ${randomRows} limit 20`, [scope]);
  const codes = await sample(`select code ${randomRows} limit 20`, [scope]);
  const idNumbers = await sample(`select id_number ${randomRows} limit 20`, [scope]);
  const contacts = await sample(
    `select cc.name from customer_contacts cc join customers c on c.id = cc.customer_id where c.${inScope} limit 20`,
    [scope],
  );
  const ids = (await pool.query(`select id ${randomRows} limit 50`, [scope])).rows.map((r) => r.id as number);

  const scoped = `customers.branch_id = any($2::bigint[]) and customers.status <> 'merged'`;
  const nameSql = `select id from customers where ${scoped} and search_grams @> $3::text[] and search_text like $1 order by id desc limit 51`;
  const grams = (s: string, n: number) => {
    const cps = Array.from(s.toLowerCase());
    return [...new Set(cps.slice(0, cps.length - n + 1).map((_, i) => cps.slice(i, i + n).join('')))];
  };
  type Kind = {
    kind: string;
    values: string[];
    body: (v: string) => object;
    raw: (v: string) => [string, unknown[]];
  };
  const kinds: Kind[] = [
    {
      kind: 'name, common 2 characters',
      values: common2,
      body: (v) => ({ q: v, limit: 50 }),
      raw: (v) => [nameSql, [`%${v}%`, scope, grams(v, 2)]],
    },
    {
      kind: 'name, rare 2 characters',
      values: rare2,
      body: (v) => ({ q: v, limit: 50 }),
      raw: (v) => [nameSql, [`%${v}%`, scope, grams(v, 2)]],
    },
    {
      kind: 'name, 3 characters',
      values: name3,
      body: (v) => ({ q: v, limit: 50 }),
      raw: (v) => [nameSql, [`%${v}%`, scope, grams(v, 2)]],
    },
    {
      kind: 'phone fragment (6 digits)',
      values: phoneFrag,
      body: (v) => ({ q: v, limit: 50 }),
      raw: (v) => [
        `select id from customers where ${scoped} and search_grams @> $3::text[] and phone_digits like $1 order by id desc limit 51`,
        [`%${v}%`, scope, grams(v, 4)],
      ],
    },
    {
      kind: 'exact customer code',
      values: codes,
      body: (v) => ({ q: v, limit: 50 }),
      raw: (v) => [`select id from customers where ${scoped} and code = $1 limit 51`, [v, scope]],
    },
    {
      kind: 'exact ID number',
      values: idNumbers,
      body: (v) => ({ q: v, limit: 50 }),
      raw: (v) => [`select id from customers where ${scoped} and id_number = $1 limit 51`, [v, scope]],
    },
    {
      kind: 'contact name',
      values: contacts,
      body: (v) => ({ q: v, limit: 50 }),
      raw: (v) => [nameSql, [`%${v}%`, scope, grams(v, 2)]],
    },
    {
      kind: 'filtered list (active, risk C4/C5, newest first)',
      values: ['C4', 'C5'],
      body: (v) => ({
        filters: [
          { field: 'status', op: 'eq', value: 'active' },
          { field: 'riskLevel', op: 'in', value: [v, 'C5'] },
        ],
        sort: 'updatedAt',
        limit: 50,
      }),
      raw: (v) => [
        `select id from customers where ${scoped} and status = 'active' and risk_level = any($1::text[])
          order by updated_at desc, id desc limit 51`,
        [[v, 'C5'], scope],
      ],
    },
  ];

  const results: Record<string, unknown> = {};

  // The fixed cost of any signed-in request (session, user and roles are read for each): the floor under every
  // number below.
  const floor: number[] = [];
  for (let i = 0; i < N + 10; i++) {
    const t = performance.now();
    const r = await fetch(`${base}/api/auth/me`, { headers: { cookie } });
    await r.text();
    if (i >= 10) floor.push(performance.now() - t);
  }
  results['signed-in no-op (GET /api/auth/me)'] = { http: stats(floor) };
  for (const k of kinds) {
    if (!k.values.length) continue;
    const http: number[] = [];
    const raw: number[] = [];
    let hits = 0;
    for (let i = 0; i < N + 10; i++) {
      const v = k.values[i % k.values.length];
      let t = performance.now();
      const r = await fetch(`${base}/api/customers/search`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify(k.body(v)),
      });
      const body = (await r.json()) as { items?: unknown[] };
      if (r.status !== 200) throw new Error(`${k.kind}: ${r.status} ${JSON.stringify(body).slice(0, 300)}`);
      const httpMs = performance.now() - t;
      const [q, params] = k.raw(v);
      t = performance.now();
      await pool.query(q, params);
      const rawMs = performance.now() - t;
      if (i >= 10) {
        // the first rounds warm the caches
        http.push(httpMs);
        raw.push(rawMs);
        hits += body.items?.length ?? 0;
      }
    }
    results[k.kind] = { http: stats(http), rawSql: stats(raw), meanHits: +(hits / N).toFixed(1) };
    console.error(k.kind, JSON.stringify(results[k.kind]));
  }

  // Opening a customer: the profile and the first page of the timeline, fetched together as the page does.
  const page: number[] = [];
  const pageRaw: number[] = [];
  for (let i = 0; i < N + 10; i++) {
    const id = ids[i % ids.length];
    let t = performance.now();
    const [a, b] = await Promise.all([
      fetch(`${base}/api/customers/${id}`, { headers: { cookie } }),
      fetch(`${base}/api/customers/${id}/interactions`, { headers: { cookie } }),
    ]);
    await Promise.all([a.text(), b.text()]);
    if (a.status !== 200 || b.status !== 200) throw new Error(`customer page: ${a.status} ${b.status}`);
    const httpMs = performance.now() - t;
    t = performance.now();
    await Promise.all([
      pool.query('select * from customers where id = $1', [id]),
      pool.query('select * from customer_contacts where customer_id = $1', [id]),
      pool.query(
        'select * from interactions where customer_id = $1 order by occurred_at desc, id desc limit 21',
        [id],
      ),
    ]);
    const rawMs = performance.now() - t;
    if (i >= 10) {
      page.push(httpMs);
      pageRaw.push(rawMs);
    }
  }
  results['customer page (profile + first timeline page)'] = { http: stats(page), rawSql: stats(pageRaw) };

  const version = (await pool.query('select version()')).rows[0].version;
  const out = {
    user,
    scope: allBranches ? 'all branches' : `branch ${me.branch_id}`,
    data: counts,
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
  fs.writeFileSync(path.join(root, 'bench/out', `search-${user}.json`), `${JSON.stringify(out, null, 2)}\n`);
  console.log(JSON.stringify(out, null, 2));
} finally {
  await app.close();
  await opened.close();
}

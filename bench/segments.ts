// Segment evaluation at a million customers: each rule counted through Kefu (the rule tree compiled by
// modules/segments into one query, branch-scoped, bounded) beside the same rule as hand-written raw SQL in the
// same run, plus the preview (first 20 members) and, with --tiers, the Pareto curve and a tier recomputation.
//   KEFU_DATA_DIR=/tmp/kefu-seg-bench node --import tsx bench/segments.ts [iterations=5] [--tiers]
// Fill the database first: node --import tsx bench/demo-data.ts 1000000. Figures (3 months per customer) are
// added here when customer_metrics is empty. Prints JSON and writes bench/out/segments.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../server/src/config.ts';
import { loadDemoMetrics } from '../server/src/modules/metrics/demo.ts';
import { refreshCurrentMetrics } from '../server/src/modules/metrics/service.ts';
import { countRule, previewRule } from '../server/src/modules/segments/service.ts';
import { BROKERAGE_TIERS } from '../server/src/modules/tiers/demo.ts';
import { paretoCurve, recomputeTiers } from '../server/src/modules/tiers/service.ts';
import { actorFromSession, createSession } from '../server/src/platform/auth.ts';
import { openDatabase } from '../server/src/platform/bootstrap.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const N = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 5);
const withTiers = process.argv.includes('--tiers');
const opened = await openDatabase(loadConfig({ ...process.env, LOG_LEVEL: 'silent', KEFU_JOBS: 'false' }));
const { db, pool } = opened;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return +s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))].toFixed(1);
};
const stats = (xs: number[]) => ({ p50: pct(xs, 50), max: pct(xs, 100), n: xs.length });
async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const r = await fn();
  return [performance.now() - t0, r];
}
async function actor(username: string) {
  const u = await db
    .selectFrom('users')
    .select('id')
    .where('username', '=', username)
    .executeTakeFirstOrThrow();
  const s = await createSession(db, u.id, 1, { ip: null, userAgent: 'bench' });
  return (await actorFromSession(db, s.token, 1))!;
}

const out: Record<string, unknown> = { loadavg: os.loadavg().map((x) => +x.toFixed(1)) };
try {
  const counts = (
    await pool.query(`select (select count(*) from customers)::int as customers,
                             (select count(*) from customer_metrics)::int as metrics`)
  ).rows[0];
  out.customers = counts.customers;
  if (counts.metrics === 0) {
    const [fill] = await time(() => loadDemoMetrics(db));
    const [refresh, n] = await time(() => refreshCurrentMetrics(db));
    await pool.query('analyze customer_metrics, customer_metrics_current, customers');
    out.setup = { metricsFillMs: Math.round(fill), refreshCurrentMs: Math.round(refresh), refreshed: n };
    console.error('metrics ready', out.setup);
  }

  const admin = { db, actor: await actor('admin'), ip: null };
  const branch = { db, actor: await actor('supervisor'), ip: null }; // BJ01 only
  const bj = (await pool.query(`select id from branches where code = 'BJ01'`)).rows[0].id as number;

  type Case = { name: string; rule: any; raw: string };
  const cases: Case[] = [
    {
      name: 'assets ≥ 5 000 000 and trading days ≥ 10',
      rule: {
        op: 'and',
        rules: [
          { field: 'metric.assets', op: 'gte', value: 5_000_000 },
          { field: 'metric.tradingDays', op: 'gte', value: 10 },
        ],
      },
      raw: `from customers c join customer_metrics_current m on m.customer_id = c.id
            where m.assets >= 5000000 and m.trading_days >= 10 and c.status <> 'merged'`,
    },
    {
      name: '(assets ≥ 1 000 000 and revenue 12m ≥ 5 000) or (hedger and tag 套保客户)',
      rule: {
        op: 'or',
        rules: [
          {
            op: 'and',
            rules: [
              { field: 'metric.assets', op: 'gte', value: 1_000_000 },
              { field: 'metric.revenue12m', op: 'gte', value: 5000 },
            ],
          },
          {
            op: 'and',
            rules: [
              { field: 'purpose', op: 'eq', value: 'hedger' },
              { field: 'tags', op: 'hasAny', value: ['套保客户'] },
            ],
          },
        ],
      },
      raw: `from customers c left join customer_metrics_current m on m.customer_id = c.id
            where ((m.assets >= 1000000 and m.revenue_12m >= 5000)
                   or (c.purpose = 'hedger' and c.tags && array['套保客户'])) and c.status <> 'merged'`,
    },
    {
      name: 'risk C4/C5 and no contact for 90 days',
      rule: {
        op: 'and',
        rules: [
          { field: 'riskLevel', op: 'in', value: ['C4', 'C5'] },
          { field: 'daysSinceContact', op: 'gte', value: 90 },
        ],
      },
      raw: `from customers c where c.risk_level in ('C4', 'C5')
            and extract(epoch from (now() - c.last_contact_at)) / 86400 >= 90 and c.status <> 'merged'`,
    },
  ];

  const results = [];
  for (const c of cases) {
    const row: Record<string, unknown> = { rule: c.name };
    for (const [label, ctx, scope] of [
      ['all branches', admin, ''],
      ['one branch (BJ01)', branch, ` and c.branch_id = ${bj}`],
    ] as const) {
      const kefu: number[] = [];
      const raw: number[] = [];
      let kefuCount = 0;
      let rawCount = 0;
      for (let i = 0; i < N; i++) {
        const [a, r] = await time(() => countRule(ctx, c.rule));
        kefu.push(a);
        kefuCount = r.value;
        const [b, q] = await time(() => pool.query(`select count(*)::int as n ${c.raw}${scope}`));
        raw.push(b);
        rawCount = q.rows[0].n;
      }
      const [preview] = await time(() => previewRule(ctx, c.rule, 20));
      row[label] = {
        count: kefuCount,
        rawCount,
        kefuMs: stats(kefu),
        rawMs: stats(raw),
        previewMs: Math.round(preview),
      };
    }
    results.push(row);
    console.error(JSON.stringify(row));
  }
  out.segments = results;

  if (withTiers) {
    await db.updateTable('tier_settings').set({ basis: 'customers', metric: 'revenue_12m' }).execute();
    await db.deleteFrom('value_tiers').execute();
    await db
      .insertInto('value_tiers')
      .values(
        BROKERAGE_TIERS.tiers.map((t, i) => ({
          code: t.code,
          name: t.name,
          position: i,
          cutoff: t.cutoff,
          rule: t.rule ? JSON.stringify(t.rule) : null,
        })),
      )
      .execute();
    const [pareto, curve] = await time(() => paretoCurve(admin));
    const [first, r1] = await time(() => recomputeTiers(db));
    const [second, r2] = await time(() => recomputeTiers(db));
    // The same assignment as hand-written SQL (ranking by 12-month revenue, share before each customer, the four
    // brokerage tiers with their purpose rules), counted per tier without writing — what any tiering has to compute.
    const rawTierSql = `
      select tier, count(*)::int as n from (
        select case
                 when v > 0 and share < 0.05 and purpose in ('hedger', 'both') then '套保大户'
                 when v > 0 and share < 0.05 and purpose in ('speculator', 'both') then '多品种投机大户'
                 when v > 0 and share < 0.3 then '中户'
                 else '散户' end as tier
          from (select c.purpose, coalesce(m.revenue_12m, 0) as v,
                       (row_number() over (order by coalesce(m.revenue_12m, 0) desc, c.id) - 1)::numeric
                         / nullif(count(*) over (), 0) as share
                  from customers c left join customer_metrics_current m on m.customer_id = c.id
                 where c.status not in ('closed', 'merged')) x) y
       group by tier`;
    const [rawMs, rawRows] = await time(() => pool.query(rawTierSql));
    const kefuCounts = await pool.query(
      `select tier, count(*)::int as n from customers where status not in ('closed', 'merged') group by tier`,
    );
    const asMap = (rows: { tier: string; n: number }[]) =>
      Object.fromEntries(rows.map((r) => [r.tier, r.n]).sort());
    out.tiers = {
      paretoMs: Math.round(pareto),
      points: curve.points.length,
      recomputeFirstMs: Math.round(first),
      firstChanged: r1.changed,
      recomputeAgainMs: Math.round(second),
      againChanged: r2.changed,
      rawAssignmentMs: Math.round(rawMs),
      rawCounts: asMap(rawRows.rows),
      kefuCounts: asMap(kefuCounts.rows),
    };
    console.error(JSON.stringify(out.tiers));
  }
  out.loadavgAfter = os.loadavg().map((x) => +x.toFixed(1));
  fs.mkdirSync(path.join(root, 'bench/out'), { recursive: true });
  fs.writeFileSync(path.join(root, 'bench/out/segments.json'), JSON.stringify(out, null, 2));
  console.log(JSON.stringify(out, null, 2));
} finally {
  await opened.close();
}

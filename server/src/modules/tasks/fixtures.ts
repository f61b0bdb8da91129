// Test helpers of the service-program modules: many customers in one statement, metrics, ids of demo users.
import { sql } from 'kysely';
import type { TestApp } from '../../test/app.ts';
import { branchId, userId } from '../../test/fixtures.ts';

let batch = 0;

/**
 * Inserts `n` active customers in one statement (code PREFIX-000001 …) in a branch, owned by a user, with an
 * optional tier and status; returns their ids in code order.
 */
export async function insertCustomers(
  t: TestApp,
  n: number,
  opts: {
    branch?: string;
    owner?: string | null;
    tier?: string | null;
    prefix?: string;
    status?: string;
  } = {},
): Promise<number[]> {
  const b = await branchId(t, opts.branch ?? 'BJ01');
  const owner = opts.owner === null ? null : await userId(t, opts.owner ?? 'manager');
  const prefix = opts.prefix ?? `S${Date.now().toString(36).toUpperCase()}${++batch}`;
  const r = await sql<{ id: number }>`
    insert into customers (code, kind, name, status, branch_id, owner_id, tier)
    select ${prefix} || '-' || lpad(g::text, 6, '0'), 'individual', '客户' || g, ${opts.status ?? 'active'},
           ${b}, ${owner}, ${opts.tier ?? null}
      from generate_series(1, ${n}) g
    returning id`.execute(t.db);
  return r.rows.map((x) => Number(x.id)).sort((a, c) => a - c);
}

/** Sets the current metrics of customers directly (what the metrics refresh would compute). */
export async function setCurrentMetrics(
  t: TestApp,
  rows: { id: number; assets?: number; tradingDays?: number; revenue12m?: number }[],
) {
  for (const r of rows)
    await sql`
      insert into customer_metrics_current (customer_id, period, assets, trading_days, revenue_12m)
      values (${r.id}, '2026-10', ${r.assets ?? null}, ${r.tradingDays ?? null}, ${r.revenue12m ?? 0})
      on conflict (customer_id) do update set assets = excluded.assets, trading_days = excluded.trading_days,
        revenue_12m = excluded.revenue_12m`.execute(t.db);
}

/** The signed-in actor of a demo user, for calling services directly (same as a request would have). */
export async function actorOf(t: TestApp, username: string) {
  const { actorFromSession } = await import('../../platform/auth.ts');
  const cookie = await t.login(username);
  const actor = await actorFromSession(t.db, cookie.split('=')[1], 8);
  if (!actor) throw new Error(`no actor for ${username}`);
  return actor;
}

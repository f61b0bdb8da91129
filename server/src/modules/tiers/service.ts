// Value tiers (客户分级) by Pareto analysis of contribution: customers ranked by a metric (12-month revenue by
// default); each tier takes the customers whose rank falls inside its cumulative cut-off — by share of customers
// ("the top 20 % of customers") or by share of the metric ("the customers making the first 80 % of revenue") —
// optionally narrowed by a rule (e.g. 套保大户 = top 5 % and purpose hedger). Tiers are tried in order; the first
// that matches wins. Recomputation is one set-based statement that updates changed customers only and records
// each change in customer_tier_changes and the customer's history.
import { type Expression, expressionBuilder, type SqlBool, sql } from 'kysely';
import type { Database } from '../../db/index.ts';
import type { DB } from '../../db/types.ts';
import { audit } from '../../platform/audit.ts';
import { type AuthedCtx, type Ctx, systemCtx, withTx } from '../../platform/context.ts';
import { badRequest, forbidden } from '../../platform/errors.ts';
import { branchScope, can, requirePermission, scopeToBranch } from '../../platform/permissions.ts';
import { decodeCursor, encodeCursor } from '../../platform/schemas.ts';
import { applyTiers, loadCustomFields } from '../customers/index.ts';
import { checkRule, compileRule, type RuleGroup } from '../segments/index.ts';

export type TierDef = { code: string; name: string; cutoff: number; rule?: RuleGroup | null };
export type TierConfig = {
  basis: 'customers' | 'revenue';
  metric: 'revenue_12m' | 'revenue' | 'volume_12m' | 'assets';
  tiers: TierDef[];
};

export async function loadTierConfig(db: Ctx['db']): Promise<TierConfig> {
  const s = await db.selectFrom('tier_settings').selectAll().executeTakeFirst();
  const tiers = await db.selectFrom('value_tiers').selectAll().orderBy('position').execute();
  return {
    basis: s?.basis ?? 'customers',
    metric: s?.metric ?? 'revenue_12m',
    tiers: tiers.map((t) => ({
      code: t.code,
      name: t.name,
      cutoff: Number(t.cutoff),
      rule: (t.rule as RuleGroup | null) ?? null,
    })),
  };
}

export async function getTierConfig(ctx: AuthedCtx) {
  if (!can(ctx.actor, 'customer.read') && !can(ctx.actor, 'tier.manage'))
    throw forbidden('Permission customer.read is required');
  return loadTierConfig(ctx.db);
}

/** Tier configuration and recomputation act on every branch: tier.manage with all-branch scope. */
function requireTierAdmin(ctx: AuthedCtx) {
  requirePermission(ctx.actor, 'tier.manage');
  if (branchScope(ctx.actor) !== 'all')
    throw forbidden('Value tiers are company-wide: changing them needs all-branch scope');
}

export async function setTierConfig(ctx: AuthedCtx, input: TierConfig) {
  requireTierAdmin(ctx);
  const errors: Record<string, string> = {};
  const defs = await loadCustomFields(ctx);
  const eb = expressionBuilder<DB, 'customers'>();
  const codes = new Set<string>();
  input.tiers.forEach((t, i) => {
    if (codes.has(t.code)) errors[`tiers.${i}.code`] = 'DUPLICATE';
    codes.add(t.code);
    if (i > 0 && t.cutoff < input.tiers[i - 1].cutoff) errors[`tiers.${i}.cutoff`] = 'NOT_ASCENDING';
    if (t.rule)
      for (const [k, v] of Object.entries(checkRule(t.rule, defs, eb as any))) errors[`tiers.${i}.${k}`] = v;
  });
  if (Object.keys(errors).length)
    throw badRequest('TIERS_INVALID', 'The tier configuration is not valid', errors);
  await withTx(ctx, async (tx) => {
    const before = await loadTierConfig(tx.db);
    await tx.db
      .updateTable('tier_settings')
      .set({ basis: input.basis, metric: input.metric, updated_at: sql`now()` })
      .execute();
    await tx.db.deleteFrom('value_tiers').execute();
    if (input.tiers.length)
      await tx.db
        .insertInto('value_tiers')
        .values(
          input.tiers.map((t, i) => ({
            code: t.code,
            name: t.name,
            position: i,
            cutoff: t.cutoff,
            rule: t.rule ? JSON.stringify(t.rule) : null,
          })),
        )
        .execute();
    await audit(tx, { action: 'tiers.configured', entity: 'value_tiers', before, after: input });
  });
  return loadTierConfig(ctx.db);
}

const METRIC_SQL = {
  revenue_12m: sql`coalesce(m.revenue_12m, 0)`,
  revenue: sql`coalesce(m.revenue, 0)`,
  volume_12m: sql`coalesce(m.volume_12m, 0)`,
  assets: sql`coalesce(m.assets, 0)`,
};

/**
 * Recomputes every customer's tier in one transaction: the ranking, the tier of each customer, the update of
 * those whose tier changed, their tier-change rows and history rows — all set-based.
 */
export async function recomputeTiers(db: Database, by?: AuthedCtx) {
  // On demand the request's context (actor, IP) is used for the audit and history rows; the job acts as the system.
  const ctx: Ctx = by ?? systemCtx(db);
  const actor = by?.actor ?? null;
  const cfg = await loadTierConfig(db);
  if (cfg.tiers.length === 0) return { runId: null, customers: 0, changed: 0 };
  const defs = await loadCustomFields(ctx);
  const eb = expressionBuilder<any, any>();
  const v = METRIC_SQL[cfg.metric];
  const rules = cfg.tiers.map((t) =>
    t.rule?.rules.length ? (compileRule(eb, t.rule!, defs) as Expression<SqlBool>) : sql<SqlBool>`true`,
  );
  // Share of what lies before a customer in the ranking: 0 for the first, so "top 20 %" = share < 0.2.
  const share =
    cfg.basis === 'customers'
      ? sql`(rn - 1)::numeric / nullif(n, 0)`
      : sql`case when total > 0 then (cum - v) / total end`;
  const choose = sql.join(
    cfg.tiers.map((t, i) =>
      t.cutoff >= 1
        ? sql`when r${sql.raw(String(i))} then ${t.code}`
        : sql`when v > 0 and ${share} < ${t.cutoff} and r${sql.raw(String(i))} then ${t.code}`,
    ),
    sql` `,
  );
  return withTx(ctx, async (tx) => {
    const run = await tx.db
      .insertInto('tier_runs')
      .values({ actor_id: actor?.id ?? null })
      .returning('id')
      .executeTakeFirstOrThrow();
    const assigned = sql<{ id: number; old_tier: string | null; new_tier: string | null }>`
      with ranked as (
        select customers.id, customers.branch_id, customers.tier as old_tier, ${v} as v,
               row_number() over (order by ${v} desc, customers.id) as rn,
               count(*) over () as n,
               sum(${v}) over (order by ${v} desc, customers.id rows unbounded preceding) as cum,
               sum(${v}) over () as total,
               ${sql.join(
                 rules.map((r, i) => sql`coalesce(${r}, false) as r${sql.raw(String(i))}`),
                 sql`, `,
               )}
          from customers left join customer_metrics_current m on m.customer_id = customers.id
         where customers.status not in ('closed', 'merged')
      )
      select id, old_tier, case ${choose} end as new_tier from ranked`;
    // The customers module writes the tiers and their history; the tier-change log (this module's) is written
    // from the changed customers in the same statement.
    const { customers, changed } = await applyTiers(tx, assigned, {
      actor,
      alsoFrom: (ch) => sql`
        insert into customer_tier_changes (customer_id, branch_id, run_id, old_tier, new_tier)
        select id, branch_id, ${run.id}, old_tier, new_tier from ${ch}`,
    });
    await tx.db
      .updateTable('tier_runs')
      .set({ finished_at: sql`now()`, customers, changed })
      .where('id', '=', run.id)
      .execute();
    await audit(tx, {
      action: 'tiers.recomputed',
      entity: 'tier_run',
      entityId: run.id,
      meta: { customers, changed, basis: cfg.basis, metric: cfg.metric },
    });
    return { runId: run.id, customers, changed };
  });
}

export async function recomputeTiersNow(ctx: AuthedCtx) {
  requireTierAdmin(ctx);
  return recomputeTiers(ctx.db as Database, ctx);
}

/**
 * The Pareto curve over the caller's customers: cumulative share of customers (x) against cumulative share of the
 * metric (y), ranked by the metric, downsampled to at most 200 points; with the tiers' cut-offs and counts.
 */
export async function paretoCurve(ctx: AuthedCtx) {
  if (!can(ctx.actor, 'tier.manage') && !can(ctx.actor, 'report.read'))
    throw forbidden('Permission report.read is required');
  const cfg = await loadTierConfig(ctx.db);
  const v = METRIC_SQL[cfg.metric];
  const scope = branchScope(ctx.actor);
  const where = sql`customers.status not in ('closed', 'merged')
    ${scope === 'all' ? sql`` : sql`and customers.branch_id = any(${scope}::bigint[])`}`;
  const tot = await sql<{ n: number; total: string }>`
    select count(*)::int as n, coalesce(sum(${v}), 0)::text as total
      from customers left join customer_metrics_current m on m.customer_id = customers.id where ${where}`.execute(
    ctx.db,
  );
  const n = tot.rows[0].n;
  const total = Number(tot.rows[0].total);
  const step = Math.max(1, Math.ceil(n / 199));
  const rows = await sql<{ rn: number; cum: string }>`
    select rn::int, cum::text from (
      select row_number() over (order by ${v} desc, customers.id) as rn,
             sum(${v}) over (order by ${v} desc, customers.id rows unbounded preceding) as cum
        from customers left join customer_metrics_current m on m.customer_id = customers.id where ${where}
    ) x where rn % ${step} = 0 or rn = ${n} order by rn`.execute(ctx.db);
  const points = [
    { customerShare: 0, valueShare: 0 },
    ...rows.rows.map((r) => ({
      customerShare: n ? r.rn / n : 0,
      valueShare: total > 0 ? Number(r.cum) / total : 0,
    })),
  ];
  const byTier = await sql<{ tier: string | null; customers: number; value: string }>`
    select customers.tier, count(*)::int as customers, coalesce(sum(${v}), 0)::text as value
      from customers left join customer_metrics_current m on m.customer_id = customers.id where ${where}
     group by customers.tier`.execute(ctx.db);
  return {
    basis: cfg.basis,
    metric: cfg.metric,
    customers: n,
    total,
    points,
    cutoffs: cfg.tiers.map((t) => ({ code: t.code, name: t.name, cutoff: t.cutoff })),
    tiers: byTier.rows.map((r) => ({
      tier: r.tier,
      customers: r.customers,
      value: Number(r.value),
      valueShare: total > 0 ? Number(r.value) / total : 0,
    })),
  };
}

/** Tier changes of customers in the caller's branches, newest first. */
export async function listTierChanges(
  ctx: AuthedCtx,
  q: { customerId?: number; runId?: number; cursor?: string; limit: number },
) {
  requirePermission(ctx.actor, 'customer.read');
  let qb = scopeToBranch(
    ctx.db
      .selectFrom('customer_tier_changes as t')
      .innerJoin('customers', 'customers.id', 't.customer_id')
      .select([
        't.id',
        't.customer_id',
        'customers.code',
        'customers.name',
        't.branch_id',
        't.run_id',
        't.old_tier',
        't.new_tier',
        't.changed_at',
      ]),
    ctx.actor,
    't.branch_id',
  );
  if (q.customerId) qb = qb.where('t.customer_id', '=', q.customerId);
  if (q.runId) qb = qb.where('t.run_id', '=', q.runId);
  const after = decodeCursor(q.cursor);
  if (after && Number.isSafeInteger(after[0])) qb = qb.where('t.id', '<', after[0] as number);
  const rows = await qb
    .orderBy('t.id', 'desc')
    .limit(q.limit + 1)
    .execute();
  const items = rows.slice(0, q.limit);
  return {
    items: items.map((r) => ({
      id: r.id,
      customerId: r.customer_id,
      customerCode: r.code,
      customerName: r.name,
      branchId: r.branch_id,
      runId: r.run_id,
      oldTier: r.old_tier,
      newTier: r.new_tier,
      changedAt: r.changed_at.toISOString(),
    })),
    nextCursor: rows.length > q.limit && items.length ? encodeCursor([items[items.length - 1].id]) : null,
  };
}

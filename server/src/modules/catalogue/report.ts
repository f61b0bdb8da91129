// Fulfilment rate of entitlements: how many of the fulfilments that fell due were done, per package, item,
// manager (the task's assignee) or branch, limited to the caller's branches.
import { sql } from 'kysely';
import type { AuthedCtx } from '../../platform/context.ts';
import { forbidden } from '../../platform/errors.ts';
import { can, scopeToBranch } from '../../platform/permissions.ts';

export type FulfilmentBy = 'package' | 'item' | 'manager' | 'branch';

const GROUPS = {
  package: { id: 'f.package_id', label: 'p.name' },
  item: { id: 'f.item_id', label: 'i.name' },
  manager: { id: 't.assignee_id', label: 'u.display_name' },
  branch: { id: 'f.branch_id', label: 'br.name' },
} as const;

export async function fulfilmentReport(
  ctx: AuthedCtx,
  q: { by: FulfilmentBy; periodKey?: string; from?: string; to?: string; packageId?: number },
) {
  if (!can(ctx.actor, 'report.read') && !can(ctx.actor, 'service.manage'))
    throw forbidden('Permission report.read is required');
  const g = GROUPS[q.by];
  let qb = ctx.db
    .selectFrom('service_fulfilments as f')
    .innerJoin('service_packages as p', 'p.id', 'f.package_id')
    .innerJoin('service_items as i', 'i.id', 'f.item_id')
    .innerJoin('branches as br', 'br.id', 'f.branch_id')
    // lateral: one unique-index probe per fulfilment whatever the (possibly stale) statistics say
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('tasks')
          .select(['tasks.status', 'tasks.assignee_id'])
          .where('tasks.source_kind', '=', 'entitlement')
          .whereRef('tasks.source_id', '=', 'f.id')
          .whereRef('tasks.customer_id', '=', 'f.customer_id')
          .limit(1) // keeps the subquery from being flattened into a join
          .as('t'),
      (j) => j.onTrue(),
    )
    .leftJoin('users as u', 'u.id', 't.assignee_id')
    .select([
      sql<number | null>`${sql.ref(g.id)}`.as('key'),
      sql<string | null>`min(${sql.ref(g.label)})`.as('label'),
      sql<number>`count(*)::int`.as('total'),
      sql<number>`count(*) filter (where t.status = 'done')::int`.as('done'),
      sql<number>`count(*) filter (where t.status = 'open')::int`.as('open'),
      sql<number>`count(*) filter (where t.status = 'open' and f.due_at < now())::int`.as('overdue'),
      sql<number>`count(*) filter (where t.status = 'cancelled')::int`.as('cancelled'),
      sql<string>`coalesce(sum(i.unit_cost) filter (where t.status = 'done'), 0)::text`.as('cost'),
    ])
    .groupBy(sql.ref(g.id));
  if (q.periodKey) qb = qb.where('f.period_key', '=', q.periodKey);
  if (q.from) qb = qb.where('f.due_at', '>=', new Date(q.from));
  if (q.to) qb = qb.where('f.due_at', '<', new Date(q.to));
  if (q.packageId) qb = qb.where('f.package_id', '=', q.packageId);
  const rows = await scopeToBranch(qb, ctx.actor, 'f.branch_id')
    .orderBy(sql`count(*)`, 'desc')
    .limit(1000)
    .execute();
  const rate = (done: number, total: number) => (total ? Math.round((done / total) * 10000) / 10000 : null);
  const items = rows.map((r) => ({
    key: r.key == null ? null : Number(r.key),
    label: r.label,
    total: r.total,
    done: r.done,
    open: r.open,
    overdue: r.overdue,
    cancelled: r.cancelled,
    rate: rate(r.done, r.total),
    cost: Number(r.cost),
  }));
  const total = items.reduce((a, r) => a + r.total, 0);
  const done = items.reduce((a, r) => a + r.done, 0);
  return { by: q.by, items, total, done, rate: rate(done, total) };
}

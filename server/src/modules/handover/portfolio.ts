// Account managers (客户经理制): a manager's portfolio — customers by tier and key customers, open and overdue
// tasks, how long since customers were contacted, entitlements due this period, open tickets — and the key
// customer flag (one-to-one service). Everything is limited to the viewer's branches.
import { sql } from 'kysely';
import { audit } from '../../platform/audit.ts';
import { type AuthedCtx, withTx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { branchScope, requirePermission } from '../../platform/permissions.ts';
import { insertHistory, lockCustomer } from '../customers/index.ts';
import { END_OF_WEEK } from '../tasks/index.ts';

export async function managerPortfolio(ctx: AuthedCtx, managerId: number) {
  requirePermission(ctx.actor, 'customer.read');
  const scope = branchScope(ctx.actor);
  const m = await ctx.db
    .selectFrom('users')
    .select(['id', 'display_name', 'branch_id', 'status'])
    .where('id', '=', managerId)
    .$if(scope !== 'all' && managerId !== ctx.actor.id, (q) => q.where('branch_id', 'in', scope as number[]))
    .executeTakeFirst();
  if (!m) throw notFound('USER_NOT_FOUND', 'User not found');
  const inScope = scope === 'all' ? sql`` : sql`and c.branch_id = any(${scope}::bigint[])`;
  const owned = sql`customers c where c.owner_id = ${managerId} and c.status not in ('merged', 'closed') ${inScope}`;
  const [summary, tiers, tasks, due, attention] = await Promise.all([
    sql<{
      total: number;
      key_customers: number;
      never: number;
      over30: number;
      over90: number;
      last_contact: Date | null;
    }>`select count(*)::int as total,
              count(*) filter (where c.key_customer)::int as key_customers,
              count(*) filter (where c.last_contact_at is null)::int as never,
              count(*) filter (where c.last_contact_at < now() - interval '30 days')::int as over30,
              count(*) filter (where c.last_contact_at < now() - interval '90 days')::int as over90,
              max(c.last_contact_at) as last_contact
         from ${owned}`.execute(ctx.db),
    sql<{ tier: string | null; customers: number }>`
      select c.tier, count(*)::int as customers from ${owned} group by 1 order by 2 desc`.execute(ctx.db),
    sql<{ open: number; overdue: number; week: number }>`
      select count(*)::int as open,
             count(*) filter (where t.due_at < now())::int as overdue,
             count(*) filter (where t.due_at < ${END_OF_WEEK})::int as week
        from tasks t where t.assignee_id = ${managerId} and t.status = 'open'
        ${scope === 'all' ? sql`` : sql`and t.branch_id = any(${scope}::bigint[])`}`.execute(ctx.db),
    sql<{ due: number; done: number }>`
      select count(*) filter (where t.status = 'open')::int as due,
             count(*) filter (where t.status = 'done')::int as done
        from tasks t where t.assignee_id = ${managerId} and t.source_kind = 'entitlement'
         and t.due_at >= now() - interval '1 day' and t.due_at < now() + interval '92 days'
        ${scope === 'all' ? sql`` : sql`and t.branch_id = any(${scope}::bigint[])`}`.execute(ctx.db),
    sql<{
      id: number;
      code: string;
      name: string;
      tier: string | null;
      key_customer: boolean;
      last_contact_at: Date | null;
    }>`
      select c.id, c.code, c.name, c.tier, c.key_customer, c.last_contact_at from ${owned}
       order by c.key_customer desc, c.last_contact_at asc nulls first, c.id limit 20`.execute(ctx.db),
  ]);
  const hasTickets = (
    await sql<{ t: string | null }>`select to_regclass('tickets')::text as t`.execute(ctx.db)
  ).rows[0].t;
  const tickets = hasTickets
    ? (
        await sql<{ n: number }>`
          select count(*)::int as n from tickets t join customers c on c.id = t.customer_id
           where c.owner_id = ${managerId} and t.status not in ('resolved', 'closed') ${inScope}`.execute(
          ctx.db,
        )
      ).rows[0].n
    : null;
  const s = summary.rows[0];
  return {
    manager: { id: m.id, name: m.display_name, branchId: m.branch_id, status: m.status },
    customers: {
      total: s.total,
      keyCustomers: s.key_customers,
      byTier: tiers.rows.map((r) => ({ tier: r.tier, customers: r.customers })),
    },
    lastContact: {
      latest: s.last_contact ? s.last_contact.toISOString() : null,
      never: s.never,
      over30Days: s.over30,
      over90Days: s.over90,
    },
    tasks: tasks.rows[0],
    entitlementsDue: { open: due.rows[0].due, done: due.rows[0].done },
    openTickets: tickets,
    attention: attention.rows.map((r) => ({
      id: Number(r.id),
      code: r.code,
      name: r.name,
      tier: r.tier,
      keyCustomer: r.key_customer,
      lastContactAt: r.last_contact_at ? r.last_contact_at.toISOString() : null,
    })),
  };
}

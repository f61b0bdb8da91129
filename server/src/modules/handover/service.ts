// Handover (交接): when an account manager leaves or moves, their customers are reassigned in bulk — to one person,
// spread evenly across several, or by tier — in ONE transaction of set-based statements (no per-customer loop):
//
//   1. lock the customers (select … for update)            4. customer history rows (insert … select)
//   2. handover_items: who goes where (insert … select,    5. their open tasks follow them (update … from)
//      window function for the even spread)                6. one follow-up call task each (insert … select)
//   3. customers.owner_id (update … from handover_items)   7. the notice to customers: one batch job, queued
//
// If anything fails, nothing happened: every customer keeps the old owner. The report shows who went where and
// which follow-ups are done.
import { type RawBuilder, sql } from 'kysely';
import type { Database } from '../../db/index.ts';
import { audit } from '../../platform/audit.ts';
import { type AuthedCtx, withTx } from '../../platform/context.ts';
import { badRequest, notFound } from '../../platform/errors.ts';
import { defineJob, enqueue } from '../../platform/jobs.ts';
import { branchScope, requirePermission } from '../../platform/permissions.ts';
import { decodeCursor, encodeCursor } from '../../platform/schemas.ts';
import { reassignOwners, recordInteractions } from '../customers/index.ts';
import { createGeneratedTasks, reassignOpenTasks } from '../tasks/index.ts';

export type HandoverInput = {
  fromUserId: number;
  mode: 'one' | 'even' | 'by_tier';
  /** mode one: the new owner; by_tier: the owner of customers whose tier is not in tierMap. */
  toUserId?: number | null;
  /** mode even: the team to spread over; by_tier: spread over these when a tier is not mapped. */
  toUserIds?: number[];
  /** mode by_tier: tier → new owner. */
  tierMap?: Record<string, number>;
  /** Only these customers of the old owner (default: all). */
  customerIds?: number[];
  notify?: boolean;
  note?: string | null;
  /** Follow-up calls are due this many days after the handover (default 7). */
  followUpDays?: number;
};

type Plan = { targets: number[]; assign: RawBuilder<number> };

/** Targets: active users, not the old owner, in the actor's branches (a branch-scoped handover stays in its branch). */
async function checkTargets(ctx: AuthedCtx, input: HandoverInput): Promise<Plan> {
  const list = (input.toUserIds ?? []).filter((x, i, a) => a.indexOf(x) === i);
  const map = input.tierMap ?? {};
  let targets: number[];
  let assign: RawBuilder<number>;
  const even = (ids: number[]) => sql<number>`(${ids}::bigint[])[1 + ((c.rn - 1) % ${ids.length})]`;
  if (input.mode === 'one') {
    if (input.toUserId == null)
      throw badRequest('TARGET_REQUIRED', 'Name the new owner', { toUserId: 'REQUIRED' });
    targets = [input.toUserId];
    assign = sql<number>`${input.toUserId}::bigint`;
  } else if (input.mode === 'even') {
    if (list.length === 0)
      throw badRequest('TARGET_REQUIRED', 'Name the people to spread over', { toUserIds: 'REQUIRED' });
    targets = list;
    assign = even(list);
  } else {
    const mapped = Object.entries(map);
    if (mapped.length === 0)
      throw badRequest('TARGET_REQUIRED', 'Map tiers to people', { tierMap: 'REQUIRED' });
    const fallback = input.toUserId != null ? [input.toUserId] : list;
    if (fallback.length === 0)
      throw badRequest('TARGET_REQUIRED', 'Name who takes customers of unmapped tiers', {
        toUserId: 'REQUIRED',
      });
    targets = [...new Set([...mapped.map(([, u]) => u), ...fallback])];
    assign = sql<number>`coalesce((${JSON.stringify(map)}::jsonb ->> c.tier)::bigint, ${
      fallback.length === 1 ? sql`${fallback[0]}::bigint` : even(fallback)
    })`;
  }
  if (targets.includes(input.fromUserId))
    throw badRequest('TARGET_INVALID', 'The new owner must be someone else', { toUserId: 'SAME_AS_FROM' });
  const scope = branchScope(ctx.actor);
  const ok = await ctx.db
    .selectFrom('users')
    .select('id')
    .where('id', 'in', targets)
    .where('status', '=', 'active')
    .$if(scope !== 'all', (q) => q.where('branch_id', 'in', scope as number[]))
    .execute();
  if (ok.length !== targets.length)
    throw badRequest('TARGET_INVALID', 'Every new owner must be an active user of your branches', {
      toUserIds: 'TARGET_INVALID',
    });
  return { targets, assign };
}

/** The old owner's customers (in the actor's branches), numbered for the even spread: the handover's source. */
function sourceCustomers(ctx: AuthedCtx, input: HandoverInput) {
  const scope = branchScope(ctx.actor);
  return sql`(
    select c.id, c.branch_id, c.owner_id, c.tier, row_number() over (order by c.id) as rn
      from customers c
     where c.owner_id = ${input.fromUserId} and c.status <> 'merged'
       ${scope === 'all' ? sql`` : sql`and c.branch_id = any(${scope}::bigint[])`}
       ${input.customerIds?.length ? sql`and c.id = any(${input.customerIds}::bigint[])` : sql``}
  ) c`;
}

async function checkFrom(ctx: AuthedCtx, fromUserId: number) {
  const scope = branchScope(ctx.actor);
  const from = await ctx.db
    .selectFrom('users')
    .select(['id', 'display_name', 'branch_id'])
    .where('id', '=', fromUserId)
    .$if(scope !== 'all', (q) => q.where('branch_id', 'in', scope as number[]))
    .executeTakeFirst();
  if (!from) throw notFound('USER_NOT_FOUND', 'User not found');
  return from;
}

/** What a handover would do, without doing it: how many customers go to whom. */
export async function previewHandover(ctx: AuthedCtx, input: HandoverInput) {
  requirePermission(ctx.actor, 'handover.run');
  await checkFrom(ctx, input.fromUserId);
  const plan = await checkTargets(ctx, input);
  const rows = await sql<{ user_id: number; name: string; customers: number }>`
    select a.to_user_id as user_id, u.display_name as name, count(*)::int as customers
      from (select ${plan.assign} as to_user_id from ${sourceCustomers(ctx, input)}) a
      join users u on u.id = a.to_user_id
     group by 1, 2 order by 1`.execute(ctx.db);
  return {
    customers: rows.rows.reduce((n, r) => n + r.customers, 0),
    byTarget: rows.rows.map((r) => ({ userId: Number(r.user_id), name: r.name, customers: r.customers })),
  };
}

export async function runHandover(ctx: AuthedCtx, input: HandoverInput) {
  requirePermission(ctx.actor, 'handover.run');
  const id = await withTx(ctx, async (tx) => {
    const t = { ...ctx, db: tx.db } as AuthedCtx;
    const from = await checkFrom(t, input.fromUserId);
    const plan = await checkTargets(t, input);
    const scope = branchScope(ctx.actor);
    const h = await tx.db
      .insertInto('handovers')
      .values({
        from_user_id: input.fromUserId,
        branch_id: scope === 'all' ? null : ctx.actor.branchId,
        mode: input.mode,
        targets: JSON.stringify({
          toUserId: input.toUserId ?? null,
          toUserIds: input.toUserIds ?? [],
          tierMap: input.tierMap ?? {},
          customerIds: input.customerIds ?? null,
        }),
        notify: !!input.notify,
        note: input.note ?? null,
        created_by: ctx.actor.id,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    // 1. Lock the customers being moved, so no concurrent change slips between the steps.
    await sql`select c.id from customers c
               where c.id in (select id from ${sourceCustomers(t, input)}) order by c.id for update`.execute(
      tx.db,
    );
    // 2. Who goes where.
    const items = await sql`
      insert into handover_items (handover_id, customer_id, branch_id, from_user_id, to_user_id)
      select ${h.id}, c.id, c.branch_id, c.owner_id, ${plan.assign} from ${sourceCustomers(t, input)}`.execute(
      tx.db,
    );
    const moved = Number(items.numAffectedRows ?? 0);
    if (moved === 0) throw badRequest('NO_CUSTOMERS', 'This user owns no customers you can hand over');
    // 3. The new owners, with a history row on each customer (the customers module's write).
    const moves = sql<{ customer_id: number; from_user_id: number | null; to_user_id: number }>`
      select customer_id, from_user_id, to_user_id from handover_items where handover_id = ${h.id}`;
    await reassignOwners(t, moves, 'handover');
    // 4. Their open tasks (entitlement visits, callbacks …) follow them to the new owner.
    await reassignOpenTasks(t, moves);
    // 5. One follow-up call per customer for the new owner (unique per handover and customer).
    await createGeneratedTasks(
      t,
      sql`
        select '交接回访 / Handover follow-up call: ' || c.name as title,
               ${`客户经理交接：原客户经理 ${from.display_name}。请致电客户，介绍自己并确认联系方式。`}::text as description,
               'call' as kind, hi.customer_id, hi.branch_id, hi.to_user_id as assignee_id,
               null::bigint as department_id, now() + make_interval(days => ${input.followUpDays ?? 7}) as due_at,
               'handover' as source_kind, ${h.id}::bigint as source_id, ${ctx.actor.id}::bigint as created_by
          from handover_items hi join customers c on c.id = hi.customer_id
         where hi.handover_id = ${h.id}`,
      'as_given',
    );
    await tx.db.updateTable('handovers').set({ customers: moved }).where('id', '=', h.id).execute();
    // 6. The notice to the customers, if configured: one batch job, queued only if all of this commits.
    if (input.notify)
      await enqueue(tx, 'handover_notify', { handoverId: h.id }, { jobKey: `handover_notify:${h.id}` });
    await audit(tx, {
      action: 'handover.run',
      entity: 'handover',
      entityId: h.id,
      branchId: scope === 'all' ? null : ctx.actor.branchId,
      meta: { fromUserId: input.fromUserId, mode: input.mode, customers: moved, targets: plan.targets },
    });
    return h.id;
  });
  return handoverReport(ctx, id);
}

const visibleHandovers = (ctx: AuthedCtx) => {
  const scope = branchScope(ctx.actor);
  const qb = ctx.db
    .selectFrom('handovers as h')
    .innerJoin('users as f', 'f.id', 'h.from_user_id')
    .selectAll('h')
    .select('f.display_name as from_name');
  return scope === 'all' ? qb : qb.where('h.branch_id', 'in', scope);
};

const canSee = (ctx: AuthedCtx) => {
  if (!ctx.actor.permissions.has('handover.run') && !ctx.actor.permissions.has('report.read'))
    requirePermission(ctx.actor, 'handover.run');
};

/** Who went where and which follow-ups are done (within the caller's branches). */
export async function handoverReport(ctx: AuthedCtx, id: number) {
  canSee(ctx);
  const h = await visibleHandovers(ctx).where('h.id', '=', id).executeTakeFirst();
  if (!h) throw notFound('HANDOVER_NOT_FOUND', 'Handover not found');
  const scope = branchScope(ctx.actor);
  const rows = await sql<{
    user_id: number;
    name: string;
    customers: number;
    done: number;
    open: number;
    cancelled: number;
  }>`
    select hi.to_user_id as user_id, u.display_name as name, count(*)::int as customers,
           count(*) filter (where t.status = 'done')::int as done,
           count(*) filter (where t.status = 'open')::int as open,
           count(*) filter (where t.status = 'cancelled')::int as cancelled
      from handover_items hi
      join users u on u.id = hi.to_user_id
      -- lateral: one unique-index probe per customer whatever the (possibly stale) statistics say
      left join lateral (select t.status from tasks t where t.source_kind = 'handover'
                            and t.source_id = hi.handover_id and t.customer_id = hi.customer_id limit 1) t on true
     where hi.handover_id = ${id}
       ${scope === 'all' ? sql`` : sql`and hi.branch_id = any(${scope}::bigint[])`}
     group by 1, 2 order by 1`.execute(ctx.db);
  const sum = (k: 'customers' | 'done' | 'open' | 'cancelled') => rows.rows.reduce((n, r) => n + r[k], 0);
  return {
    id: h.id,
    fromUserId: h.from_user_id,
    fromName: h.from_name,
    branchId: h.branch_id,
    mode: h.mode,
    notify: h.notify,
    note: h.note,
    createdAt: h.created_at.toISOString(),
    createdBy: h.created_by,
    customers: sum('customers'),
    followUps: { done: sum('done'), open: sum('open'), cancelled: sum('cancelled') },
    byTarget: rows.rows.map((r) => ({
      userId: Number(r.user_id),
      name: r.name,
      customers: r.customers,
      done: r.done,
      open: r.open,
      cancelled: r.cancelled,
    })),
  };
}

export async function listHandovers(
  ctx: AuthedCtx,
  q: { fromUserId?: number; cursor?: string; limit: number },
) {
  canSee(ctx);
  let qb = visibleHandovers(ctx);
  if (q.fromUserId) qb = qb.where('h.from_user_id', '=', q.fromUserId);
  const after = decodeCursor(q.cursor);
  if (after && Number.isSafeInteger(after[0])) qb = qb.where('h.id', '<', after[0] as number);
  const rows = await qb
    .orderBy('h.id', 'desc')
    .limit(q.limit + 1)
    .execute();
  const items = rows.slice(0, q.limit);
  return {
    items: items.map((h) => ({
      id: h.id,
      fromUserId: h.from_user_id,
      fromName: h.from_name,
      branchId: h.branch_id,
      mode: h.mode,
      customers: h.customers,
      notify: h.notify,
      createdAt: h.created_at.toISOString(),
    })),
    nextCursor: rows.length > q.limit && items.length ? encodeCursor([items[items.length - 1].id]) : null,
  };
}

/** The customers of a handover, each with its new owner and follow-up task. */
export async function handoverItems(ctx: AuthedCtx, id: number, q: { cursor?: string; limit: number }) {
  canSee(ctx);
  const h = await visibleHandovers(ctx).where('h.id', '=', id).executeTakeFirst();
  if (!h) throw notFound('HANDOVER_NOT_FOUND', 'Handover not found');
  const scope = branchScope(ctx.actor);
  let qb = ctx.db
    .selectFrom('handover_items as hi')
    .innerJoin('customers as c', 'c.id', 'hi.customer_id')
    .innerJoin('users as u', 'u.id', 'hi.to_user_id')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('tasks')
          .select(['tasks.id', 'tasks.status', 'tasks.completed_at'])
          .where('tasks.source_kind', '=', 'handover')
          .whereRef('tasks.source_id', '=', 'hi.handover_id')
          .whereRef('tasks.customer_id', '=', 'hi.customer_id')
          .limit(1) // keeps the subquery from being flattened into a join
          .as('t'),
      (j) => j.onTrue(),
    )
    .select([
      'hi.customer_id',
      'c.code',
      'c.name',
      'c.tier',
      'hi.to_user_id',
      'u.display_name as to_name',
      't.id as task_id',
      't.status as task_status',
      't.completed_at',
    ])
    .where('hi.handover_id', '=', id);
  if (scope !== 'all') qb = qb.where('hi.branch_id', 'in', scope);
  const after = decodeCursor(q.cursor);
  if (after && Number.isSafeInteger(after[0])) qb = qb.where('hi.customer_id', '>', after[0] as number);
  const rows = await qb
    .orderBy('hi.customer_id')
    .limit(q.limit + 1)
    .execute();
  const items = rows.slice(0, q.limit);
  return {
    items: items.map((r) => ({
      customerId: r.customer_id,
      customerCode: r.code,
      customerName: r.name,
      tier: r.tier,
      toUserId: r.to_user_id,
      toName: r.to_name,
      taskId: r.task_id,
      taskStatus: r.task_status,
      completedAt: r.completed_at ? r.completed_at.toISOString() : null,
    })),
    nextCursor:
      rows.length > q.limit && items.length ? encodeCursor([items[items.length - 1].customer_id]) : null,
  };
}

/**
 * The notice to the customers of a handover ("your account manager is now …"): recorded as one outbound system
 * interaction per customer in one statement. Sending it by SMS is the channel gateway's job (modules to come read
 * these rows); running the job twice records nothing twice.
 */
export async function notifyHandoverCustomers(db: Database, handoverId: number) {
  return db.transaction().execute(async (trx) => {
    const due = await sql<{ customer_id: number; to_user_id: number; summary: string }>`
      select hi.customer_id, hi.to_user_id,
             '客户经理变更通知：您的新客户经理为 ' || u.display_name || coalesce('，电话 ' || u.phone, '') || '。' as summary
        from handover_items hi join users u on u.id = hi.to_user_id
       where hi.handover_id = ${handoverId}
         and not exists (select 1 from interactions i where i.customer_id = hi.customer_id and i.source = 'system'
                          and i.summary like '客户经理变更通知%' and i.occurred_at >= (select created_at from handovers where id = ${handoverId}))
       order by hi.customer_id`.execute(trx);
    // Recorded, not yet sent: on the timeline but not a contact until a gateway delivers it.
    const ids = await recordInteractions(
      { db: trx },
      due.rows.map((r) => ({
        customerId: r.customer_id,
        channel: 'sms' as const,
        direction: 'outbound' as const,
        staffId: r.to_user_id,
        summary: r.summary,
        countsAsContact: false,
      })),
    );
    return ids.length;
  });
}

defineJob('handover_notify', async (payload: { handoverId: number }, { db, log }) => {
  const n = await notifyHandoverCustomers(db, payload.handoverId);
  log('handover notices recorded', { handoverId: payload.handoverId, customers: n });
});

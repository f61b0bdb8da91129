// Visit plans (走访): an account manager plans visits (customer, purpose, date, the time window that suits the
// customer — some receive visits only in the evening), checks in (time and, where the browser gives it, the
// location), records findings and follow-ups (tasks). A completed visit writes a 'visit' interaction on the
// customer's timeline. Views per week and month, overdue visits flagged, counts per manager.
import { sql } from 'kysely';
import { audit } from '../../platform/audit.ts';
import { type AuthedCtx, withTx } from '../../platform/context.ts';
import { badRequest, conflict, notFound } from '../../platform/errors.ts';
import { branchScope, requirePermission, scopeToBranch } from '../../platform/permissions.ts';
import { localToday } from '../../platform/time.ts';
import { updateVersioned } from '../../platform/versioned.ts';
import { assertCustomerVisible, recordInteraction } from '../customers/index.ts';
import { createTask } from '../tasks/index.ts';

const TODAY = localToday();
const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
const hm = (v: string | null) => (v ? v.slice(0, 5) : null);

const base = (ctx: AuthedCtx) =>
  scopeToBranch(
    ctx.db
      .selectFrom('visits as v')
      .innerJoin('customers as c', 'c.id', 'v.customer_id')
      .innerJoin('users as m', 'm.id', 'v.manager_id')
      .selectAll('v')
      .select([
        'c.name as customer_name',
        'c.code as customer_code',
        'm.display_name as manager_name',
        sql<boolean>`v.status in ('planned','checked_in') and v.planned_date < ${TODAY}`.as('overdue'),
        sql<string>`to_char(v.planned_date, 'YYYY-MM-DD')`.as('planned_day'),
      ]),
    ctx.actor,
    'v.branch_id',
  );

type Row = Awaited<ReturnType<ReturnType<typeof base>['executeTakeFirstOrThrow']>>;

const visitOut = (r: Row) => ({
  id: r.id,
  customerId: r.customer_id,
  customerName: r.customer_name,
  customerCode: r.customer_code,
  branchId: r.branch_id,
  managerId: r.manager_id,
  managerName: r.manager_name,
  purpose: r.purpose,
  plannedDate: r.planned_day,
  windowFrom: hm(r.window_from),
  windowTo: hm(r.window_to),
  status: r.status,
  overdue: r.overdue,
  checkedInAt: iso(r.checked_in_at),
  checkInLocation:
    r.check_in_lat == null
      ? null
      : { lat: r.check_in_lat, lng: r.check_in_lng!, accuracy: r.check_in_accuracy },
  findings: r.findings,
  completedAt: iso(r.completed_at),
  interactionId: r.interaction_id,
  createdAt: r.created_at.toISOString(),
  version: r.version,
});

async function load(ctx: AuthedCtx, id: number) {
  const r = await base(ctx).where('v.id', '=', id).executeTakeFirst();
  if (!r) throw notFound('VISIT_NOT_FOUND', 'Visit not found');
  return r;
}

export async function getVisit(ctx: AuthedCtx, id: number) {
  requirePermission(ctx.actor, 'visit.read');
  return visitOut(await load(ctx, id));
}

export async function listVisits(
  ctx: AuthedCtx,
  q: {
    view?: 'week' | 'month' | 'overdue' | 'all';
    date?: string;
    managerId?: number;
    customerId?: number;
    status?: 'planned' | 'checked_in' | 'done' | 'cancelled';
    /** Planned on or after this day (the stats' range, so each count links to the visits behind it). */
    from?: string;
    /** Planned on or before this day. */
    to?: string;
    limit: number;
  },
) {
  requirePermission(ctx.actor, 'visit.read');
  if (q.from && q.to && q.from > q.to)
    throw badRequest('RANGE_INVALID', 'from must not be after to', { to: 'RANGE_INVALID' });
  let qb = base(ctx);
  const anchor = q.date ? sql`${q.date}::date` : TODAY;
  if (q.view === 'week')
    qb = qb.where(
      sql<boolean>`v.planned_date >= date_trunc('week', ${anchor})::date and v.planned_date < (date_trunc('week', ${anchor}) + interval '7 days')::date`,
    );
  if (q.view === 'month')
    qb = qb.where(
      sql<boolean>`v.planned_date >= date_trunc('month', ${anchor})::date and v.planned_date < (date_trunc('month', ${anchor}) + interval '1 month')::date`,
    );
  if (q.view === 'overdue')
    qb = qb.where('v.status', 'in', ['planned', 'checked_in']).where(sql<boolean>`v.planned_date < ${TODAY}`);
  if (q.managerId) qb = qb.where('v.manager_id', '=', q.managerId);
  if (q.customerId) qb = qb.where('v.customer_id', '=', q.customerId);
  if (q.status) qb = qb.where('v.status', '=', q.status);
  if (q.from) qb = qb.where(sql<boolean>`v.planned_date >= ${q.from}::date`);
  if (q.to) qb = qb.where(sql<boolean>`v.planned_date <= ${q.to}::date`);
  const rows = await qb
    .orderBy('v.planned_date')
    .orderBy('v.window_from')
    .orderBy('v.id')
    .limit(q.limit)
    .execute();
  return rows.map(visitOut);
}

export type VisitInput = {
  customerId: number;
  purpose: string;
  plannedDate: string;
  windowFrom?: string | null;
  windowTo?: string | null;
  managerId?: number;
};

export async function planVisit(ctx: AuthedCtx, input: VisitInput) {
  requirePermission(ctx.actor, 'visit.write');
  if (input.windowFrom && input.windowTo && input.windowFrom >= input.windowTo)
    throw badRequest('WINDOW_INVALID', 'The window must end after it starts', { windowTo: 'WINDOW_INVALID' });
  const id = await withTx(ctx, async (tx) => {
    const c = await assertCustomerVisible(tx as AuthedCtx, input.customerId);
    const managerId = input.managerId ?? ctx.actor.id;
    if (managerId !== ctx.actor.id) {
      const scope = branchScope(ctx.actor);
      const u = await tx.db
        .selectFrom('users')
        .select(['branch_id', 'status'])
        .where('id', '=', managerId)
        .executeTakeFirst();
      if (u?.status !== 'active' || (scope !== 'all' && u.branch_id !== c.branch_id))
        throw badRequest('MANAGER_INVALID', 'The manager is not an active user of the customer’s branch', {
          managerId: 'MANAGER_INVALID',
        });
    }
    const row = await tx.db
      .insertInto('visits')
      .values({
        customer_id: input.customerId,
        branch_id: c.branch_id,
        manager_id: managerId,
        purpose: input.purpose,
        planned_date: input.plannedDate,
        window_from: input.windowFrom ?? null,
        window_to: input.windowTo ?? null,
        created_by: ctx.actor.id,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(tx, {
      action: 'visit.planned',
      entity: 'visit',
      entityId: row.id,
      branchId: c.branch_id,
      after: row,
    });
    return row.id;
  });
  return getVisit(ctx, id);
}

/** A visit's locked write through updateVersioned: the caller's branches only; a visit carries no client version. */
const visitRecord = (ctx: AuthedCtx, id: number) => ({
  table: 'visits' as const,
  id,
  version: undefined,
  branchScope: { actor: ctx.actor, column: 'visits.branch_id' },
  notFound: ['VISIT_NOT_FOUND', 'Visit not found'] as [string, string],
});

async function lockVisit(ctx: AuthedCtx, id: number) {
  const v = await scopeToBranch(
    ctx.db.selectFrom('visits').selectAll().where('id', '=', id).forUpdate(),
    ctx.actor,
    'visits.branch_id',
  ).executeTakeFirst();
  if (!v) throw notFound('VISIT_NOT_FOUND', 'Visit not found');
  return v;
}

export async function checkIn(
  ctx: AuthedCtx,
  id: number,
  input: { lat?: number; lng?: number; accuracy?: number },
) {
  requirePermission(ctx.actor, 'visit.write');
  if ((input.lat == null) !== (input.lng == null))
    throw badRequest('LOCATION_INVALID', 'Give both latitude and longitude, or neither', {
      lng: 'LOCATION_INVALID',
    });
  await withTx(ctx, async (tx) => {
    await updateVersioned(tx, {
      ...visitRecord(ctx, id),
      patch: (v) => {
        if (v.status !== 'planned') throw conflict('VISIT_NOT_PLANNED', `The visit is ${v.status}`);
        return {
          status: 'checked_in' as const,
          checked_in_at: new Date(),
          check_in_lat: input.lat ?? null,
          check_in_lng: input.lng ?? null,
          check_in_accuracy: input.accuracy ?? null,
        };
      },
      audit: {
        action: 'visit.checked_in',
        entity: 'visit',
        branchId: (v) => v.branch_id,
        record: () => ({ after: { lat: input.lat ?? null, lng: input.lng ?? null } }),
      },
    });
  });
  return getVisit(ctx, id);
}

/** Findings, follow-up tasks, and the 'visit' interaction on the timeline, in one transaction. */
export async function completeVisit(
  ctx: AuthedCtx,
  id: number,
  input: {
    findings: string;
    followUps: { title: string; dueAt?: string | null; assigneeId?: number | null }[];
  },
) {
  requirePermission(ctx.actor, 'visit.write');
  if (input.followUps.length) requirePermission(ctx.actor, 'task.write');
  const taskIds = await withTx(ctx, async (tx) => {
    const actx = tx as AuthedCtx;
    const v = await lockVisit(actx, id);
    if (v.status === 'done' || v.status === 'cancelled')
      throw conflict('VISIT_CLOSED', `The visit is ${v.status}`);
    // The contact happened when the manager checked in at the customer's (or now, for a visit without check-in).
    const interactionId = await recordInteraction(tx, {
      customerId: v.customer_id,
      channel: 'visit',
      direction: 'outbound',
      occurredAt: v.checked_in_at ?? null,
      staffId: v.manager_id,
      summary: `走访：${v.purpose}\n${input.findings}`,
      outcome: 'done',
      createdBy: ctx.actor.id,
    });
    await tx.db
      .updateTable('visits')
      .set({
        status: 'done',
        findings: input.findings,
        completed_at: new Date(),
        interaction_id: interactionId,
        updated_at: sql`now()`,
        version: sql`version + 1`,
      })
      .where('id', '=', id)
      .execute();
    const ids: number[] = [];
    for (const f of input.followUps) {
      const task = await createTask(actx, {
        title: f.title,
        kind: 'follow_up',
        customerId: v.customer_id,
        assigneeId: f.assigneeId ?? v.manager_id,
        dueAt: f.dueAt ?? null,
        sourceKind: 'visit',
        sourceId: id,
      });
      ids.push(task.id);
    }
    await audit(tx, {
      action: 'visit.completed',
      entity: 'visit',
      entityId: id,
      branchId: v.branch_id,
      after: { findings: input.findings, taskIds: ids, interactionId },
    });
    return ids;
  });
  return { ...(await getVisit(ctx, id)), followUpTaskIds: taskIds };
}

export async function cancelVisit(ctx: AuthedCtx, id: number, input: { reason?: string | null }) {
  requirePermission(ctx.actor, 'visit.write');
  await withTx(ctx, async (tx) => {
    await updateVersioned(tx, {
      ...visitRecord(ctx, id),
      patch: (v) => {
        if (v.status === 'done' || v.status === 'cancelled')
          throw conflict('VISIT_CLOSED', `The visit is ${v.status}`);
        return { status: 'cancelled' as const };
      },
      audit: {
        action: 'visit.cancelled',
        entity: 'visit',
        branchId: (v) => v.branch_id,
        record: (v) => ({
          before: { status: v.status },
          after: { status: 'cancelled', reason: input.reason ?? null },
        }),
      },
    });
  });
  return getVisit(ctx, id);
}

/** Visit counts per manager for a date range (planned in it): planned, done, cancelled, overdue. */
export async function visitStats(ctx: AuthedCtx, q: { from: string; to: string }) {
  requirePermission(ctx.actor, 'visit.read');
  const scope = branchScope(ctx.actor);
  const res = await sql<any>`
    select v.manager_id, u.display_name,
           count(*)::int as total,
           count(*) filter (where v.status = 'done')::int as done,
           count(*) filter (where v.status = 'cancelled')::int as cancelled,
           count(*) filter (where v.status in ('planned','checked_in') and v.planned_date < ${TODAY})::int as overdue
      from visits v join users u on u.id = v.manager_id
     where v.planned_date between ${q.from}::date and ${q.to}::date
       and ${scope === 'all' ? sql`true` : sql`v.branch_id = any(${scope}::bigint[])`}
     group by v.manager_id, u.display_name order by u.display_name`.execute(ctx.db);
  return res.rows.map((r) => ({
    managerId: r.manager_id,
    managerName: r.display_name,
    total: r.total,
    done: r.done,
    cancelled: r.cancelled,
    overdue: r.overdue,
  }));
}

// General tasks (任务): a piece of work for a person or a department's desk, optionally about a customer, with a
// due time and an outcome when done. Entitlement fulfilment, handover follow-ups, and later campaigns, visits and
// retention work create their tasks through `createTask` (one) or set-based inserts with the same columns (many).
import { type SqlBool, sql } from 'kysely';
import { audit } from '../../platform/audit.ts';
import { type AuthedCtx, withTx } from '../../platform/context.ts';
import { badRequest, conflict, notFound } from '../../platform/errors.ts';
import { assertInScope, branchScope, requirePermission, scopeToBranch } from '../../platform/permissions.ts';
import { decodeCursor, encodeCursor } from '../../platform/schemas.ts';
import { localNow, zoneSql } from '../../platform/time.ts';
import { updateVersioned } from '../../platform/versioned.ts';
import type { TaskKind, TaskSource, TaskStatus } from './tables.ts';

export type TaskInput = {
  title: string;
  description?: string | null;
  kind?: TaskKind;
  customerId?: number | null;
  /** Without a customer: the branch the task belongs to (default: the actor's). */
  branchId?: number | null;
  assigneeId?: number | null;
  departmentId?: number | null;
  dueAt?: string | Date | null;
  sourceKind?: TaskSource;
  sourceId?: number | null;
};

export type TaskView = 'mine' | 'overdue' | 'week' | 'all';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** Shanghai midnight starting next Monday: the end of "this week". */
export const END_OF_WEEK = sql<Date>`((date_trunc('week', ${localNow()}) + interval '7 days') at time zone ${zoneSql()})`;

function baseQuery(ctx: AuthedCtx) {
  return scopeToBranch(
    ctx.db
      .selectFrom('tasks')
      .leftJoin('customers', 'customers.id', 'tasks.customer_id')
      .leftJoin('users as assignee', 'assignee.id', 'tasks.assignee_id')
      .selectAll('tasks')
      .select([
        'customers.name as customer_name',
        'customers.code as customer_code',
        'assignee.display_name as assignee_name',
      ]),
    ctx.actor,
    'tasks.branch_id',
  );
}

type TaskRow = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

export function taskOut(r: TaskRow) {
  return {
    id: r.id,
    title: r.title,
    description: r.description,
    kind: r.kind,
    customerId: r.customer_id,
    customerName: r.customer_name ?? null,
    customerCode: r.customer_code ?? null,
    branchId: r.branch_id,
    assigneeId: r.assignee_id,
    assigneeName: r.assignee_name ?? null,
    departmentId: r.department_id,
    dueAt: iso(r.due_at),
    status: r.status,
    outcome: r.outcome,
    sourceKind: r.source_kind,
    sourceId: r.source_id,
    createdAt: r.created_at.toISOString(),
    completedAt: iso(r.completed_at),
    completedBy: r.completed_by,
    overdue: r.status === 'open' && !!r.due_at && r.due_at.getTime() < Date.now(),
    version: r.version,
  };
}

async function loadTask(ctx: AuthedCtx, id: number) {
  const row = await baseQuery(ctx).where('tasks.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('TASK_NOT_FOUND', 'Task not found');
  return row;
}

export async function getTask(ctx: AuthedCtx, id: number) {
  requirePermission(ctx.actor, 'task.read');
  return taskOut(await loadTask(ctx, id));
}

/** The assignee must be an active user the actor can see: of the task's branch, or any branch for head office. */
async function checkAssignee(ctx: AuthedCtx, assigneeId: number, branchId: number) {
  const u = await ctx.db
    .selectFrom('users')
    .select(['users.branch_id', 'users.status'])
    .where('users.id', '=', assigneeId)
    .executeTakeFirst();
  const scope = branchScope(ctx.actor);
  const ok =
    u && u.status === 'active' && (scope === 'all' || (u.branch_id === branchId && scope.includes(branchId)));
  if (!ok)
    throw badRequest('ASSIGNEE_INVALID', 'The assignee is not an active user of this branch', {
      assigneeId: 'ASSIGNEE_INVALID',
    });
}

/**
 * Creates one task in the caller's transaction (or its own) with its audit row. Checks: the customer is visible to
 * the actor, the branch is in scope, the assignee is an active user of that branch. Other modules call this.
 */
export async function createTask(ctx: AuthedCtx, input: TaskInput) {
  requirePermission(ctx.actor, 'task.write');
  const id = await withTx(ctx, async (tx) => {
    let branchId = input.branchId ?? ctx.actor.branchId;
    if (input.customerId != null) {
      const c = await scopeToBranch(
        tx.db
          .selectFrom('customers')
          .select(['id', 'branch_id'])
          .where('customers.id', '=', input.customerId),
        ctx.actor,
        'customers.branch_id',
      ).executeTakeFirst();
      if (!c)
        throw badRequest('CUSTOMER_NOT_FOUND', 'No such customer', { customerId: 'CUSTOMER_NOT_FOUND' });
      branchId = c.branch_id;
    } else {
      assertInScope(ctx.actor, branchId, 'BRANCH_NOT_FOUND');
    }
    const assigneeId = input.assigneeId ?? (input.departmentId == null ? ctx.actor.id : null);
    if (assigneeId != null) await checkAssignee({ ...ctx, db: tx.db }, assigneeId, branchId);
    if (input.departmentId != null) {
      const d = await tx.db
        .selectFrom('departments')
        .select('id')
        .where('id', '=', input.departmentId)
        .executeTakeFirst();
      if (!d)
        throw badRequest('DEPARTMENT_INVALID', 'No such department', { departmentId: 'DEPARTMENT_INVALID' });
    }
    const row = await tx.db
      .insertInto('tasks')
      .values({
        title: input.title,
        description: input.description ?? null,
        kind: input.kind ?? 'other',
        customer_id: input.customerId ?? null,
        branch_id: branchId,
        assignee_id: assigneeId,
        department_id: input.departmentId ?? null,
        due_at: input.dueAt ?? null,
        source_kind: input.sourceKind ?? 'manual',
        source_id: input.sourceId ?? null,
        created_by: ctx.actor.id,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(tx, {
      action: 'task.created',
      entity: 'task',
      entityId: row.id,
      branchId,
      after: row,
    });
    return row.id;
  });
  return getTask(ctx, id);
}

export type TaskQuery = {
  view?: TaskView;
  status?: TaskStatus;
  assigneeId?: number;
  customerId?: number;
  branchId?: number;
  sourceKind?: TaskSource;
  sourceId?: number;
  cursor?: string;
  limit: number;
};

/** "Mine" = assigned to me, or to my department's desk and not yet picked up by a person. */
const mine = (ctx: AuthedCtx) =>
  sql<SqlBool>`(tasks.assignee_id = ${ctx.actor.id} or (tasks.assignee_id is null and tasks.department_id = ${ctx.actor.departmentId}))`;

export async function listTasks(ctx: AuthedCtx, q: TaskQuery) {
  requirePermission(ctx.actor, 'task.read');
  const view = q.view ?? 'mine';
  let qb = baseQuery(ctx);
  if (view !== 'all') {
    qb = qb.where(mine(ctx)).where('tasks.status', '=', q.status ?? 'open');
    if (view === 'overdue') qb = qb.where('tasks.due_at', '<', sql<Date>`now()`);
    if (view === 'week') qb = qb.where('tasks.due_at', '<', END_OF_WEEK);
  } else if (q.status) qb = qb.where('tasks.status', '=', q.status);
  if (q.assigneeId) qb = qb.where('tasks.assignee_id', '=', q.assigneeId);
  if (q.customerId) qb = qb.where('tasks.customer_id', '=', q.customerId);
  if (q.branchId) qb = qb.where('tasks.branch_id', '=', q.branchId);
  if (q.sourceKind) qb = qb.where('tasks.source_kind', '=', q.sourceKind);
  if (q.sourceId) qb = qb.where('tasks.source_id', '=', q.sourceId);
  const dueKey = sql`coalesce(tasks.due_at, 'infinity'::timestamptz)`;
  const after = decodeCursor(q.cursor);
  if (after && after.length === 2 && typeof after[0] === 'string' && Number.isSafeInteger(after[1]))
    qb = qb.where(sql<SqlBool>`(${dueKey}, tasks.id) > (${after[0]}::timestamptz, ${after[1] as number})`);
  const rows = await qb
    .select(sql<string>`${dueKey}::text`.as('due_key'))
    .orderBy(dueKey)
    .orderBy('tasks.id')
    .limit(q.limit + 1)
    .execute();
  const more = rows.length > q.limit;
  const items = rows.slice(0, q.limit);
  const last = items[items.length - 1];
  return {
    items: items.map(taskOut),
    nextCursor: more && last ? encodeCursor([last.due_key, last.id]) : null,
  };
}

/** Counts for the "my tasks" tabs. */
export async function myTaskCounts(ctx: AuthedCtx) {
  requirePermission(ctx.actor, 'task.read');
  const r = await scopeToBranch(
    ctx.db
      .selectFrom('tasks')
      .select([
        sql<number>`count(*)::int`.as('open'),
        sql<number>`count(*) filter (where tasks.due_at < now())::int`.as('overdue'),
        sql<number>`count(*) filter (where tasks.due_at < ${END_OF_WEEK})::int`.as('week'),
      ])
      .where(mine(ctx))
      .where('tasks.status', '=', 'open'),
    ctx.actor,
    'tasks.branch_id',
  ).executeTakeFirstOrThrow();
  return r;
}

/** What every locked write of a task shares: the caller's branches only, its 404 and its 409. */
const taskRecord = (ctx: AuthedCtx, id: number, version: number | undefined) => ({
  table: 'tasks' as const,
  id,
  version,
  branchScope: { actor: ctx.actor, column: 'tasks.branch_id' },
  notFound: ['TASK_NOT_FOUND', 'Task not found'] as [string, string],
  conflict: { message: 'Someone else changed this task; reload and try again' },
});

function assertOpen(t: { status: string }) {
  if (t.status !== 'open') throw conflict('TASK_CLOSED', 'The task is already done or cancelled');
}

export async function updateTask(
  ctx: AuthedCtx,
  id: number,
  input: Partial<Pick<TaskInput, 'title' | 'description' | 'kind' | 'assigneeId' | 'dueAt'>> & {
    version: number;
  },
) {
  requirePermission(ctx.actor, 'task.write');
  await withTx(ctx, async (tx) => {
    const t = { ...ctx, db: tx.db };
    await updateVersioned(t, {
      ...taskRecord(ctx, id, input.version),
      patch: async (before) => {
        assertOpen(before);
        if (input.assigneeId != null && input.assigneeId !== before.assignee_id)
          await checkAssignee(t, input.assigneeId, before.branch_id);
        return {
          ...(input.title !== undefined && { title: input.title }),
          ...(input.description !== undefined && { description: input.description }),
          ...(input.kind !== undefined && { kind: input.kind }),
          ...(input.assigneeId !== undefined && { assignee_id: input.assigneeId }),
          ...(input.dueAt !== undefined && { due_at: input.dueAt }),
        };
      },
      audit: {
        action: 'task.updated',
        entity: 'task',
        branchId: (before) => before.branch_id,
        record: 'full',
      },
    });
  });
  return getTask(ctx, id);
}

/** Completes (done, with its outcome) or cancels an open task. */
export async function closeTask(
  ctx: AuthedCtx,
  id: number,
  status: 'done' | 'cancelled',
  input: { outcome?: string | null; version?: number },
) {
  requirePermission(ctx.actor, 'task.write');
  await withTx(ctx, async (tx) => {
    await updateVersioned(
      { ...ctx, db: tx.db },
      {
        ...taskRecord(ctx, id, input.version),
        patch: (before) => {
          assertOpen(before);
          return {
            status,
            outcome: input.outcome ?? null,
            completed_at: sql`now()`,
            completed_by: ctx.actor.id,
          };
        },
        audit: {
          action: status === 'done' ? 'task.completed' : 'task.cancelled',
          entity: 'task',
          branchId: (before) => before.branch_id,
          record: (before) => ({
            before: { status: before.status },
            after: { status, outcome: input.outcome ?? null },
          }),
        },
      },
    );
  });
  return getTask(ctx, id);
}

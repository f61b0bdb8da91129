// Work the system generates (entitlement visits, regulatory callbacks, re-assessments, handover follow-ups, risk
// notices to chase): the one writer of such tasks, with the routing rule every generator shares. Set-based — a
// generator hands over a query of rows, not a loop — so a nightly run of 100 000 rows stays one statement.
import { type RawBuilder, sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import type { TaskKind, TaskSource } from './tables.ts';

/**
 * The columns a generator's query yields, one row per task:
 * `title`, `description` (or null), `kind`, `customer_id`, `branch_id`, `assignee_id` (the person the work is for —
 * usually the customer's owner — or null), `department_id` (a desk, or null), `due_at`, `source_kind`, `source_id`
 * (the generating record), `created_by` (or null).
 */
export type GeneratedTaskRows = RawBuilder<{
  title: string;
  description: string | null;
  kind: TaskKind;
  customer_id: number;
  branch_id: number;
  assignee_id: number | null;
  department_id: number | null;
  due_at: Date | string | null;
  source_kind: TaskSource;
  source_id: number;
  created_by: number | null;
}>;

/**
 * How a generated task finds its person:
 * - `routed` (the default): the row's assignee (the customer's owner), else an active supervisor of the branch; when
 *   there is neither, the customer-service desk (department CS, else the first department) — a task always has an
 *   assignee or a desk.
 * - `as_given`: the row's assignee and department exactly (the generator decided, e.g. "owner" or "department" in a
 *   service package's item).
 */
export type TaskRouting = 'routed' | 'as_given';

/** An active supervisor of the branch (the fallback assignee of routed work), as SQL. */
const branchSupervisor = (branch: RawBuilder<unknown>) =>
  sql`(select u.id from users u join user_roles ur on ur.user_id = u.id join roles r on r.id = ur.role_id
        where r.code = 'supervisor' and u.status = 'active' and u.branch_id = ${branch}
        order by u.id limit 1)`;
const serviceDesk = sql`(select id from departments order by (code = 'CS') desc, id limit 1)`;

/**
 * Inserts the generated tasks in the caller's transaction and returns what was created. Idempotent: a task that
 * exists already for the same source (the unique keys on source_kind, source_id and customer) is skipped, so a
 * generator may run any number of times. The generator audits its own run.
 */
export async function createGeneratedTasks(
  ctx: Pick<Ctx, 'db'>,
  rows: GeneratedTaskRows,
  routing: TaskRouting = 'routed',
): Promise<{ id: number; sourceId: number; customerId: number }[]> {
  const assignee =
    routing === 'routed'
      ? sql`coalesce(g.assignee_id, ${branchSupervisor(sql.ref('g.branch_id'))})`
      : sql`g.assignee_id`;
  const department =
    routing === 'routed'
      ? sql`coalesce(g.department_id, case when x.assignee is null then ${serviceDesk} end)`
      : sql`g.department_id`;
  const r = await sql<{ id: number; source_id: number; customer_id: number }>`
    insert into tasks (title, description, kind, customer_id, branch_id, assignee_id, department_id, due_at,
                       source_kind, source_id, created_by)
    select left(g.title, 200), g.description, g.kind, g.customer_id, g.branch_id, x.assignee, ${department},
           g.due_at, g.source_kind, g.source_id, g.created_by
      from (${rows}) g
      cross join lateral (select ${assignee} as assignee) x
    on conflict do nothing
    returning id::int, source_id::int, customer_id::int`.execute(ctx.db);
  return r.rows.map((x) => ({ id: x.id, sourceId: x.source_id, customerId: x.customer_id }));
}

/**
 * Open tasks of each customer assigned to `from_user_id` move to `to_user_id` (a handover: the customers' work
 * follows them to the new owner). `moves` is a query yielding `customer_id`, `from_user_id`, `to_user_id`.
 * Returns how many moved.
 */
export async function reassignOpenTasks(
  ctx: Pick<Ctx, 'db'>,
  moves: RawBuilder<{ customer_id: number; from_user_id: number | null; to_user_id: number }>,
): Promise<number> {
  const r = await sql`
    update tasks t set assignee_id = m.to_user_id, updated_at = now(), version = t.version + 1
      from (${moves}) m
     where t.customer_id = m.customer_id and t.assignee_id = m.from_user_id and t.status = 'open'`.execute(
    ctx.db,
  );
  return Number(r.numAffectedRows ?? 0);
}

/**
 * The generated work of a record is over (the callback was made, the notice confirmed): its open tasks become
 * `done` (the work was done, by `by`) or `cancelled` (no longer needed), with the outcome. Chosen by task id or by
 * the generating record. Returns how many closed.
 */
export async function closeGeneratedTasks(
  ctx: Pick<Ctx, 'db'>,
  which: { taskId: number } | { sourceKind: TaskSource; sourceId: number },
  close: { status: 'done' | 'cancelled'; outcome: string; by?: number | null },
): Promise<number> {
  let q = ctx.db
    .updateTable('tasks')
    .set({
      status: close.status,
      outcome: close.outcome,
      completed_at: new Date(),
      completed_by: close.by ?? null,
      version: sql`version + 1`,
      updated_at: sql`now()`,
    })
    .where('status', '=', 'open');
  q =
    'taskId' in which
      ? q.where('id', '=', which.taskId)
      : q.where('source_kind', '=', which.sourceKind).where('source_id', '=', which.sourceId);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

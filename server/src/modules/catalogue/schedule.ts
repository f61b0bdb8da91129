// Scheduled fulfilment: every recurring item of an active package creates, for each entitled customer and the
// current period, one fulfilment row and one task for the right person (the customer's owner, or the owner
// department's desk). One transaction of two set-based statements per (binding, item):
//
//   insert into service_fulfilments … select … on conflict (customer_id, item_id, period_key) do nothing returning id
//   then the tasks module's createGeneratedTasks for those fulfilments (on conflict do nothing)
//
// so running it twice, concurrently, or again after a crash mid-run creates nothing twice: each step commits
// whole or not at all, and a (customer, item, period) that already has its fulfilment is skipped.
import { sql } from 'kysely';
import type { Database } from '../../db/index.ts';
import { audit } from '../../platform/audit.ts';
import { type AuthedCtx, systemCtx } from '../../platform/context.ts';
import { defineJob } from '../../platform/jobs.ts';
import { requirePermission } from '../../platform/permissions.ts';
import { segmentCustomerQueryForSystem } from '../segments/index.ts';
import { createGeneratedTasks } from '../tasks/index.ts';
import { periodOf } from './periods.ts';

export type ScheduleResult = { steps: number; created: number; periods: Record<string, string> };

export async function runServiceSchedule(
  db: Database,
  opts: {
    at?: Date;
    packageId?: number;
    onStep?: (step: number, created: number) => void | Promise<void>;
    /** On demand: the request's context, for the audit row (actor, IP). */
    by?: AuthedCtx;
  } = {},
): Promise<ScheduleResult> {
  const at = opts.at ?? new Date();
  const ctx = opts.by ?? systemCtx(db);
  const work = await db
    .selectFrom('package_bindings as b')
    .innerJoin('service_packages as p', 'p.id', 'b.package_id')
    .innerJoin('service_package_items as pi', 'pi.package_id', 'p.id')
    .innerJoin('service_items as i', 'i.id', 'pi.item_id')
    .select([
      'b.id as binding_id',
      'b.package_id',
      'b.tier',
      'b.segment_id',
      'i.id as item_id',
      'i.name',
      'i.standard',
      'i.frequency',
      'i.task_kind',
      'i.assign_to',
      'i.owner_department_id',
    ])
    .where('p.active', '=', true)
    .where('i.active', '=', true)
    .where('i.creates_tasks', '=', true)
    .$if(opts.packageId != null, (q) => q.where('p.id', '=', opts.packageId!))
    .orderBy('b.id')
    .orderBy('i.id')
    .execute();
  let created = 0;
  let steps = 0;
  const periods: Record<string, string> = {};
  for (const w of work) {
    const period = periodOf(w.frequency, at);
    periods[w.frequency] = period.key;
    const entitled =
      w.tier != null
        ? db.selectFrom('customers').select('customers.id').where('customers.tier', '=', w.tier)
        : await segmentCustomerQueryForSystem(ctx, w.segment_id!);
    const byOwner = w.assign_to === 'owner';
    // The fulfilments and their tasks commit together: a crash between the two leaves neither, and the next run
    // (which skips what exists) does the step again.
    const step = async (db: Database) => {
      const due = await sql<{ id: number }>`
      insert into service_fulfilments (customer_id, branch_id, package_id, item_id, period_key, due_at)
      select c.id, c.branch_id, ${w.package_id}, ${w.item_id}, ${period.key}, ${period.end}::timestamptz
        from customers c
       where c.id in (${entitled})
         and c.status not in ('closed', 'merged')
         and ${byOwner ? sql`c.owner_id is not null` : sql`${w.owner_department_id}::bigint is not null`}
      on conflict (customer_id, item_id, period_key) do nothing
      returning id::int`.execute(db);
      // The item's work for each new fulfilment: for the owner, or for the item's department desk, as the item says.
      const tasks = due.rows.length
        ? await createGeneratedTasks(
            { db },
            sql`
            select ${w.name}::text as title, ${w.standard}::text as description, ${w.task_kind}::text as kind,
                   f.customer_id, f.branch_id, ${byOwner ? sql`c.owner_id` : sql`null::bigint`} as assignee_id,
                   ${byOwner ? sql`null::bigint` : sql`${w.owner_department_id}::bigint`} as department_id,
                   ${period.end}::timestamptz as due_at, 'entitlement' as source_kind, f.id as source_id,
                   null::bigint as created_by
              from service_fulfilments f join customers c on c.id = f.customer_id
             where f.id = any(${due.rows.map((r) => r.id)}::bigint[])`,
            'as_given',
          )
        : [];
      return tasks.length;
    };
    const n = db.isTransaction ? await step(db) : await db.transaction().execute(step);
    created += n;
    steps++;
    await opts.onStep?.(steps, n);
  }
  if (created > 0)
    await audit(ctx, {
      action: 'service_schedule.ran',
      entity: 'service_schedule',
      meta: { at: at.toISOString(), steps, created, periods },
    });
  return { steps, created, periods };
}

/** On demand (service.manage): the same run the nightly job does. */
export async function runScheduleNow(ctx: AuthedCtx, input: { packageId?: number }) {
  requirePermission(ctx.actor, 'service.manage');
  return runServiceSchedule(ctx.db as Database, { packageId: input.packageId, by: ctx });
}

// Every day at 00:20 (server time): creates the tasks of periods that have started.
defineJob(
  'service_schedule',
  async (_payload, { db, log }) => {
    const r = await runServiceSchedule(db);
    if (r.created) log('service tasks created', r);
  },
  '20 0 * * *',
);

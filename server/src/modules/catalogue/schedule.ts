// Scheduled fulfilment: every recurring item of an active package creates, for each entitled customer and the
// current period, one fulfilment row and one task for the right person (the customer's owner, or the owner
// department's desk). One set-based statement per (binding, item):
//
//   with f as (insert into service_fulfilments … select … on conflict (customer_id, item_id, period_key) do nothing
//              returning …)
//   insert into tasks … select … from f on conflict do nothing
//
// so running it twice, concurrently, or again after a crash mid-run creates nothing twice: each statement commits
// whole or not at all, and a (customer, item, period) that already has its fulfilment is skipped.
import { sql } from 'kysely';
import type { Database } from '../../db/index.ts';
import { audit } from '../../platform/audit.ts';
import { type AuthedCtx, systemCtx } from '../../platform/context.ts';
import { defineJob } from '../../platform/jobs.ts';
import { requirePermission } from '../../platform/permissions.ts';
import { segmentCustomerQueryForSystem } from '../segments/service.ts';
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
    const res = await sql<{ n: number }>`
      with f as (
        insert into service_fulfilments (customer_id, branch_id, package_id, item_id, period_key, due_at)
        select c.id, c.branch_id, ${w.package_id}, ${w.item_id}, ${period.key}, ${period.end}::timestamptz
          from customers c
         where c.id in (${entitled})
           and c.status not in ('closed', 'merged')
           and ${byOwner ? sql`c.owner_id is not null` : sql`${w.owner_department_id}::bigint is not null`}
        on conflict (customer_id, item_id, period_key) do nothing
        returning id, customer_id, branch_id
      ), t as (
        insert into tasks (title, description, kind, customer_id, branch_id, assignee_id, department_id, due_at,
                           source_kind, source_id)
        select ${w.name}, ${w.standard}, ${w.task_kind}, f.customer_id, f.branch_id,
               ${byOwner ? sql`c.owner_id` : sql`null::bigint`},
               ${byOwner ? sql`null::bigint` : sql`${w.owner_department_id}::bigint`},
               ${period.end}::timestamptz, 'entitlement', f.id
          from f join customers c on c.id = f.customer_id
        on conflict do nothing
        returning 1
      )
      select count(*)::int as n from t`.execute(db);
    const n = res.rows[0]?.n ?? 0;
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

// SLA targets of a ticket, counted in business time on its calendar from stored facts only — when the request was
// received, the pauses while waiting on the customer, the calendar — so a restart, a clock jump or downtime never
// loses or doubles a warning or escalation. Each warning/breach is an insert into ticket_events guarded by a unique
// index on (ticket_id, kind, target): its side effects (notifications, reassignment, priority) run in the same
// transaction only when that insert happened. A per-ticket job (deterministic job key) wakes at the next moment
// something is due, and a sweeper every minute catches anything a lost job would have missed.
import { sql } from 'kysely';
import type { Database } from '../../db/index.ts';
import type { Ctx } from '../../platform/context.ts';
import { defineJob, enqueue } from '../../platform/jobs.ts';
import { timeZone } from '../../platform/time.ts';
import {
  addBusinessTime,
  addDays,
  businessMinutesBetween,
  type CalendarSpec,
  defaultCalendarId,
  isProvisional,
  loadCalendarSpec,
  type Pause,
  parseHm,
  type SlaUnit,
} from '../calendar/index.ts';
import { notify, supervisorsOf } from './notify.ts';
import { PRIORITIES, type Priority, type SlaTarget, type TicketType } from './tables.ts';

type Db = Ctx['db'] | Database;

/**
 * Used when no calendar has been set up: Monday–Friday 09:00–12:00, 13:00–17:30 in the firm's time zone, the
 * statutory holidays and no arrangement (so every deadline on it is provisional).
 */
const DAY = [
  [parseHm('09:00'), parseHm('12:00')],
  [parseHm('13:00'), parseHm('17:30')],
] as [number, number][];
export const FALLBACK_CALENDAR: CalendarSpec = {
  get timezone() {
    return timeZone(); // read when used, not at import
  },
  week: { 1: DAY, 2: DAY, 3: DAY, 4: DAY, 5: DAY },
  days: {},
  statutory: 'CN',
  arrangedYears: [],
};
export const DEFAULT_ACCEPTANCE_DAYS = 3;

export async function matchPolicy(db: Db, t: { type: TicketType; priority: Priority; tier: string | null }) {
  return db
    .selectFrom('sla_policies')
    .selectAll()
    .where('active', '=', true)
    .where((eb) => eb.or([eb('ticket_type', 'is', null), eb('ticket_type', '=', t.type)]))
    .where((eb) => eb.or([eb('priority', 'is', null), eb('priority', '=', t.priority)]))
    .where((eb) =>
      t.tier == null
        ? eb('customer_tier', 'is', null)
        : eb.or([eb('customer_tier', 'is', null), eb('customer_tier', '=', t.tier)]),
    )
    .orderBy(
      sql`(ticket_type is not null)::int * 4 + (priority is not null)::int * 2 + (customer_tier is not null)::int`,
      'desc',
    )
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
}

/** Writes a new ticket's targets from its policy (complaints always get an acceptance deadline). */
export async function initTargets(
  db: Db,
  ticket: { id: number; type: TicketType; needs_onsite: boolean },
  policy: Awaited<ReturnType<typeof matchPolicy>>,
) {
  const rows: {
    target: SlaTarget;
    minutes: number | null;
    days: number | null;
    unit: SlaUnit;
    warn_share: string;
  }[] = [];
  const share = policy?.warn_share ?? '0.80';
  const hours = { days: null, unit: 'working_hours' as const, warn_share: share };
  if (policy) {
    rows.push({ target: 'first_response', minutes: policy.first_response_minutes, ...hours });
    if (policy.onsite_minutes && ticket.needs_onsite)
      rows.push({ target: 'onsite', minutes: policy.onsite_minutes, ...hours });
    rows.push({ target: 'resolution', minutes: policy.resolution_minutes, ...hours });
  }
  // Complaints are accepted within 3 trading days (交易日) unless the policy counts otherwise.
  if (ticket.type === 'complaint')
    rows.push({
      target: 'acceptance',
      minutes: null,
      days: policy?.acceptance_days ?? DEFAULT_ACCEPTANCE_DAYS,
      unit: policy?.acceptance_unit ?? 'trading_days',
      warn_share: share,
    });
  if (rows.length)
    await db
      .insertInto('ticket_sla_targets')
      .values(rows.map((r) => ({ ticket_id: ticket.id, ...r })))
      .execute();
}

export async function calendarFor(db: Db, calendarId: number | null): Promise<CalendarSpec> {
  const id = calendarId ?? (await defaultCalendarId(db));
  return id ? loadCalendarSpec(db, id) : FALLBACK_CALENDAR;
}

export async function pausesOf(db: Db, ticketId: number): Promise<Pause[]> {
  const rows = await db
    .selectFrom('ticket_pauses')
    .select(['started_at', 'ended_at'])
    .where('ticket_id', '=', ticketId)
    .orderBy('started_at')
    .execute();
  return rows.map((p) => ({ from: p.started_at, to: p.ended_at }));
}

/**
 * The due and warning instants of one target, from the stored facts; provisional when counted into a year whose
 * holiday arrangement is not entered yet.
 */
export function computeTarget(
  t: { minutes: number | null; days: number | null; unit?: SlaUnit; warn_share: string | number },
  start: Date,
  cal: CalendarSpec,
  pauses: Pause[],
): { due: Date | null; warn: Date | null; provisional: boolean } {
  const share = Number(t.warn_share);
  if (t.days != null) {
    // Whole days (e.g. acceptance within 3 trading days) are not paused by waiting on the customer.
    const unit = t.unit && t.unit !== 'working_hours' ? t.unit : 'working_days';
    const due = addDays(start, t.days, unit, cal);
    const warn = addBusinessTime(start, businessMinutesBetween(start, due, cal) * share, cal);
    return { due, warn, provisional: isProvisional(cal, start, due) };
  }
  const minutes = t.minutes ?? 0;
  const due = addBusinessTime(start, minutes, cal, pauses);
  return {
    due,
    warn: addBusinessTime(start, minutes * share, cal, pauses),
    provisional: isProvisional(cal, start, due),
  };
}

export const slaJobKey = (ticketId: number) => `ticket_sla:${ticketId}`;

/** Recomputes every open target of a ticket (after a pause starts or ends) and schedules its next check. */
export async function recomputeTargets(db: Db, ticketId: number) {
  const ticket = await db
    .selectFrom('tickets')
    .select(['id', 'received_at', 'calendar_id'])
    .where('id', '=', ticketId)
    .executeTakeFirstOrThrow();
  const cal = await calendarFor(db, ticket.calendar_id);
  const pauses = await pausesOf(db, ticketId);
  const targets = await db
    .selectFrom('ticket_sla_targets')
    .selectAll()
    .where('ticket_id', '=', ticketId)
    .where('met_at', 'is', null)
    .execute();
  for (const t of targets) {
    const { due, warn, provisional } = computeTarget(t, ticket.received_at, cal, pauses);
    await db
      .updateTable('ticket_sla_targets')
      .set({ due_at: due, warn_at: warn, provisional })
      .where('ticket_id', '=', ticketId)
      .where('target', '=', t.target)
      .execute();
  }
  await scheduleNextCheck(db, ticketId);
}

/** Enqueues (or moves) the ticket's one SLA job to the next moment a warning or breach may fall due. */
export async function scheduleNextCheck(db: Db, ticketId: number, now = new Date()) {
  const next = await db
    .selectFrom('ticket_sla_targets as t')
    .select(
      // A target whose breach is recorded needs nothing more; otherwise its warning (if not yet given) or its breach.
      sql<Date | null>`min(case when not exists (select 1 from ticket_events e where e.ticket_id = t.ticket_id and e.kind = 'sla_breach' and e.target = t.target)
        then least(
          case when not exists (select 1 from ticket_events e where e.ticket_id = t.ticket_id and e.kind = 'sla_warning' and e.target = t.target) then t.warn_at end,
          t.due_at) end)`.as('at'),
    )
    .where('t.ticket_id', '=', ticketId)
    .where('t.met_at', 'is', null)
    .executeTakeFirst();
  if (!next?.at) return null;
  const runAt = next.at < now ? now : next.at;
  await enqueue({ db }, 'ticket_sla_check', { ticketId }, { runAt, jobKey: slaJobKey(ticketId) });
  return runAt;
}

export type TargetState = 'met' | 'met_late' | 'breached' | 'warning' | 'running' | 'paused';
export function targetState(
  t: { due_at: Date | null; warn_at: Date | null; met_at: Date | null },
  now = new Date(),
): TargetState {
  if (t.met_at) return t.due_at && t.met_at > t.due_at ? 'met_late' : 'met';
  if (!t.due_at) return 'paused';
  if (now >= t.due_at) return 'breached';
  if (t.warn_at && now >= t.warn_at) return 'warning';
  return 'running';
}

const TARGET_LABEL: Record<SlaTarget, string> = {
  first_response: '首次响应',
  onsite: '上门',
  resolution: '解决',
  acceptance: '投诉受理',
};

/**
 * Records the warnings and breaches that have fallen due by `now` and acts on each exactly once. Safe to run any
 * number of times, concurrently, late, or after a restart.
 */
export async function evaluateSla(db: Database, ticketId: number, now = new Date()) {
  return db.transaction().execute(async (tx) => {
    const ticket = await tx
      .selectFrom('tickets')
      .selectAll()
      .where('id', '=', ticketId)
      .forUpdate()
      .executeTakeFirst();
    if (!ticket || ticket.status === 'resolved' || ticket.status === 'closed')
      return { warnings: 0, breaches: 0 };
    const targets = await tx
      .selectFrom('ticket_sla_targets')
      .selectAll()
      .where('ticket_id', '=', ticketId)
      .where('met_at', 'is', null)
      .execute();
    let warnings = 0;
    let breaches = 0;
    const policy = ticket.sla_policy_id
      ? await tx
          .selectFrom('sla_policies')
          .selectAll()
          .where('id', '=', ticket.sla_policy_id)
          .executeTakeFirst()
      : undefined;
    for (const t of targets) {
      const label = `${ticket.number} ${TARGET_LABEL[t.target]}`;
      const breached = t.due_at != null && t.due_at <= now;
      // A warning only makes sense before the breach; after downtime that skipped it, the breach says it all.
      if (t.warn_at && t.warn_at <= now && !breached) {
        const ins = await tx
          .insertInto('ticket_events')
          .values({
            ticket_id: ticketId,
            kind: 'sla_warning',
            target: t.target,
            data: JSON.stringify({ dueAt: t.due_at, warnAt: t.warn_at }),
          })
          .onConflict((oc) =>
            oc
              .columns(['ticket_id', 'kind', 'target'])
              .where('kind', 'in', ['sla_warning', 'sla_breach'])
              .doNothing(),
          )
          .returning('id')
          .executeTakeFirst();
        if (ins) {
          warnings++;
          await notify(tx, [ticket.assignee_id, ticket.first_contact_owner_id], {
            kind: 'warning',
            ticketId,
            title: `${label}即将超时`,
            params: { number: ticket.number, target: t.target, dueAt: t.due_at?.toISOString() ?? null },
            body: t.due_at ? `due ${t.due_at.toISOString()}` : null,
          });
        }
      }
      if (breached) {
        const ins = await tx
          .insertInto('ticket_events')
          .values({
            ticket_id: ticketId,
            kind: 'sla_breach',
            target: t.target,
            data: JSON.stringify({ dueAt: t.due_at }),
          })
          .onConflict((oc) =>
            oc
              .columns(['ticket_id', 'kind', 'target'])
              .where('kind', 'in', ['sla_warning', 'sla_breach'])
              .doNothing(),
          )
          .returning('id')
          .executeTakeFirst();
        if (!ins) continue;
        breaches++;
        const supervisors = await supervisorsOf(tx, ticket.branch_id);
        await notify(tx, [...supervisors, ticket.assignee_id, ticket.first_contact_owner_id], {
          kind: 'breach',
          ticketId,
          title: `${label}已超时`,
          params: { number: ticket.number, target: t.target, dueAt: t.due_at?.toISOString() ?? null },
          body: t.due_at ? `due ${t.due_at.toISOString()}` : null,
        });
        await tx
          .insertInto('ticket_events')
          .values({
            ticket_id: ticketId,
            kind: 'escalated',
            target: t.target,
            data: JSON.stringify({ notified: supervisors }),
          })
          .execute();
        const changes: Record<string, unknown> = {};
        // Priority is raised, and the work reassigned, on the ticket's first breach only (not once per target).
        const firstBreach =
          breaches === 1 &&
          !(await tx
            .selectFrom('ticket_events')
            .select('id')
            .where('ticket_id', '=', ticketId)
            .where('kind', '=', 'sla_breach')
            .where('target', '<>', t.target)
            .executeTakeFirst());
        if (policy?.breach_raise_priority && firstBreach) {
          const i = PRIORITIES.indexOf(ticket.priority);
          if (i < PRIORITIES.length - 1) {
            changes.priority = PRIORITIES[i + 1];
            await tx
              .insertInto('ticket_events')
              .values({
                ticket_id: ticketId,
                kind: 'priority_raised',
                target: t.target,
                data: JSON.stringify({ from: ticket.priority, to: PRIORITIES[i + 1], reason: 'sla_breach' }),
              })
              .execute();
            ticket.priority = PRIORITIES[i + 1];
          }
        }
        if (
          firstBreach &&
          policy?.breach_reassign_to_id &&
          policy.breach_reassign_to_id !== ticket.assignee_id
        ) {
          changes.assignee_id = policy.breach_reassign_to_id;
          await tx
            .insertInto('ticket_transfers')
            .values({
              ticket_id: ticketId,
              from_user_id: ticket.assignee_id,
              from_team_id: ticket.team_id,
              from_department_id: ticket.department_id,
              to_user_id: policy.breach_reassign_to_id,
              to_team_id: ticket.team_id,
              to_department_id: ticket.department_id,
              reason: `SLA breach (${t.target}): escalated`,
              by_id: null,
            })
            .execute();
          await notify(tx, [policy.breach_reassign_to_id], {
            kind: 'assigned',
            ticketId,
            title: `${ticket.number} 超时升级转给您处理`,
            params: { number: ticket.number, subject: ticket.subject },
          });
          ticket.assignee_id = policy.breach_reassign_to_id;
        }
        if (Object.keys(changes).length)
          await tx
            .updateTable('tickets')
            .set({ ...changes, updated_at: sql`now()`, version: sql`version + 1` })
            .where('id', '=', ticketId)
            .execute();
      }
    }
    await scheduleNextCheck(tx, ticketId, now);
    return { warnings, breaches };
  });
}

/** Finds every ticket with a warning or breach due by `now` and not yet recorded, and evaluates it. */
export async function sweepSla(db: Database, now = new Date(), limit = 500) {
  const rows = await db
    .selectFrom('ticket_sla_targets as t')
    .innerJoin('tickets', 'tickets.id', 't.ticket_id')
    .select('t.ticket_id')
    .distinct()
    .where('t.met_at', 'is', null)
    .where('tickets.status', 'not in', ['resolved', 'closed'])
    .where((eb) =>
      eb.or([
        eb.and([
          eb('t.due_at', '<=', now),
          sql<boolean>`not exists (select 1 from ticket_events e where e.ticket_id = t.ticket_id and e.kind = 'sla_breach' and e.target = t.target)`,
        ]),
        eb.and([
          eb('t.warn_at', '<=', now),
          sql<boolean>`not exists (select 1 from ticket_events e where e.ticket_id = t.ticket_id and e.kind in ('sla_warning','sla_breach') and e.target = t.target)`,
        ]),
      ]),
    )
    .limit(limit)
    .execute();
  let warnings = 0;
  let breaches = 0;
  for (const r of rows) {
    const res = await evaluateSla(db, r.ticket_id, now);
    warnings += res.warnings;
    breaches += res.breaches;
  }
  return { tickets: rows.length, warnings, breaches };
}

defineJob('ticket_sla_check', async (payload: { ticketId: number }, { db }) => {
  await evaluateSla(db, Number(payload.ticketId));
});
defineJob(
  'ticket_sla_sweep',
  async (_payload, { db, log }) => {
    const res = await sweepSla(db);
    if (res.warnings || res.breaches) log('SLA sweep', res);
  },
  '* * * * *',
);

// The service desk and the yearly holiday arrangement (节假日安排): deadlines counted into a year without one are
// provisional and are recomputed by a job when the arrangement is saved; from 1 November the administrators are
// told (once per calendar, year and person) that next year's arrangement is still missing.
import { sql } from 'kysely';
import type { Database } from '../../db/index.ts';
import type { Ctx } from '../../platform/context.ts';
import { defineJob, enqueue } from '../../platform/jobs.ts';
import { arrangementWarnings, defaultCalendarId, onCalendarYearSaved } from '../calendar/index.ts';
import { recomputeTargets } from './sla.ts';

type Db = Ctx['db'] | Database;

/**
 * Recomputes the open targets of open tickets on a calendar that were provisional or fall due in or after the
 * saved year. Returns how many tickets were recomputed.
 */
export async function recomputeForCalendarYear(db: Db, calendarId: number, year: number) {
  const isDefault = (await defaultCalendarId(db)) === calendarId;
  const from = new Date(Date.UTC(year, 0, 1) - 86_400_000);
  const rows = await db
    .selectFrom('tickets')
    .select('tickets.id')
    .where('tickets.status', 'not in', ['resolved', 'closed'])
    .where((eb) =>
      isDefault
        ? eb.or([eb('tickets.calendar_id', '=', calendarId), eb('tickets.calendar_id', 'is', null)])
        : eb('tickets.calendar_id', '=', calendarId),
    )
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('ticket_sla_targets as s')
          .select(sql`1`.as('x'))
          .whereRef('s.ticket_id', '=', 'tickets.id')
          .where('s.met_at', 'is', null)
          .where((w) => w.or([w('s.provisional', '=', true), w('s.due_at', '>=', from)])),
      ),
    )
    .orderBy('tickets.id')
    .execute();
  for (const r of rows) await recomputeTargets(db, r.id);
  return rows.length;
}

onCalendarYearSaved(async (db, e) => {
  await enqueue({ db }, 'ticket_sla_recalendar', e, {
    jobKey: `ticket_sla_recalendar:${e.calendarId}:${e.year}`,
  });
});

defineJob('ticket_sla_recalendar', async (p: { calendarId: number; year: number }, { db, log }) => {
  const n = await recomputeForCalendarYear(db, Number(p.calendarId), Number(p.year));
  if (n) log('SLA deadlines recomputed after a holiday arrangement was saved', { ...p, tickets: n });
});

/** Active users who administer settings (the holiday arrangement is theirs to enter). */
async function settingsAdmins(db: Db): Promise<number[]> {
  const rows = await db
    .selectFrom('users')
    .select('users.id')
    .where('users.status', '=', 'active')
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('user_roles')
          .innerJoin('roles', 'roles.id', 'user_roles.role_id')
          .select(sql`1`.as('x'))
          .whereRef('user_roles.user_id', '=', 'users.id')
          .where(sql<boolean>`'admin.settings' = any(roles.permissions)`),
      ),
    )
    .execute();
  return rows.map((r) => r.id);
}

export const arrangementTitle = (w: { year: number; calendarName: string }) =>
  `${w.year}年节假日安排尚未录入（${w.calendarName}）`;

/** Notifies every settings administrator once of each missing arrangement. Returns the notifications written. */
export async function remindArrangements(db: Db, now = new Date()) {
  const warnings = await arrangementWarnings(db, now);
  if (!warnings.length) return 0;
  const admins = await settingsAdmins(db);
  let n = 0;
  for (const w of warnings) {
    const title = arrangementTitle(w);
    for (const userId of admins) {
      const seen = await db
        .selectFrom('notifications')
        .select('id')
        .where('user_id', '=', userId)
        .where('ticket_id', 'is', null)
        .where('title', '=', title)
        .executeTakeFirst();
      if (seen) continue;
      await db
        .insertInto('notifications')
        .values({
          user_id: userId,
          kind: 'arrangement_missing',
          ticket_id: null,
          title,
          body: null,
          params: JSON.stringify({ year: w.year, calendar: w.calendarName, calendarId: w.calendarId }),
        })
        .execute();
      n++;
    }
  }
  return n;
}

defineJob(
  'calendar_arrangement_reminder',
  async (_p, { db, log }) => {
    const n = await remindArrangements(db);
    if (n) log('Holiday arrangement reminders', { notifications: n });
  },
  '0 1 * * *',
);

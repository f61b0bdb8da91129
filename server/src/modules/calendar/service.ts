// Business calendars: administered with admin.settings, read by anyone signed in, loaded as a CalendarSpec for SLAs.
import { sql } from 'kysely';
import type { Database } from '../../db/index.ts';
import { audit } from '../../platform/audit.ts';
import { type AuthedCtx, type Ctx, withTx } from '../../platform/context.ts';
import { badRequest, notFound } from '../../platform/errors.ts';
import { can, requirePermission } from '../../platform/permissions.ts';
import { timeZone } from '../../platform/time.ts';
import { updateVersioned } from '../../platform/versioned.ts';
import {
  addBusinessTime,
  addDays,
  businessMinutesBetween,
  type CalendarSpec,
  isProvisional,
  parseHm,
  yearFacts,
} from './engine.ts';

/** Hours as the API and the database hold them: [['09:00','12:00'], ['13:00','17:30']]. */
export type HourPairs = [string, string][];
export type WeekHours = Partial<Record<'1' | '2' | '3' | '4' | '5' | '6' | '7', HourPairs>>;

export type CalendarInput = { name: string; timezone?: string; weekHours: WeekHours; isDefault?: boolean };
export type CalendarDayInput = {
  day: string;
  kind: 'holiday' | 'workday';
  name?: string | null;
  hours?: HourPairs | null;
};

export function checkHours(h: HourPairs, field: string) {
  let last = -1;
  for (const [a, b] of h) {
    let x: number;
    let y: number;
    try {
      x = parseHm(a);
      y = parseHm(b);
    } catch {
      throw badRequest('HOURS_INVALID', 'Times are HH:MM', { [field]: 'HOURS_INVALID' });
    }
    if (y <= x || x < last)
      throw badRequest('HOURS_INVALID', 'Working hours must be ordered, non-overlapping ranges', {
        [field]: 'HOURS_INVALID',
      });
    last = y;
  }
}

function checkTimezone(tz: string) {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw badRequest('TIMEZONE_INVALID', `Unknown time zone ${tz}`, { timezone: 'TIMEZONE_INVALID' });
  }
}

const toRanges = (h: HourPairs | null | undefined) =>
  (h ?? []).map(([a, b]) => [parseHm(a), parseHm(b)] as [number, number]);

const calendarOut = (c: any) => ({
  id: c.id,
  name: c.name,
  timezone: c.timezone,
  weekHours: c.week_hours as WeekHours,
  isDefault: c.is_default,
  version: c.version,
  updatedAt: c.updated_at.toISOString(),
});

export async function listCalendars(ctx: AuthedCtx) {
  const rows = await ctx.db.selectFrom('calendars').selectAll().orderBy('id').execute();
  return rows.map(calendarOut);
}

export async function getCalendar(ctx: AuthedCtx, id: number) {
  const c = await ctx.db.selectFrom('calendars').selectAll().where('id', '=', id).executeTakeFirst();
  if (!c) throw notFound('CALENDAR_NOT_FOUND', 'Calendar not found');
  return calendarOut(c);
}

function checkWeek(w: WeekHours) {
  for (const [d, h] of Object.entries(w)) checkHours(h ?? [], `weekHours.${d}`);
}

export async function createCalendar(ctx: AuthedCtx, input: CalendarInput) {
  requirePermission(ctx.actor, 'admin.settings');
  checkTimezone(input.timezone ?? timeZone());
  checkWeek(input.weekHours);
  return withTx(ctx, async (tx) => {
    if (input.isDefault) await tx.db.updateTable('calendars').set({ is_default: false }).execute();
    const row = await tx.db
      .insertInto('calendars')
      .values({
        name: input.name,
        timezone: input.timezone ?? timeZone(),
        week_hours: JSON.stringify(input.weekHours),
        is_default: input.isDefault ?? false,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(tx, {
      action: 'calendar.create',
      entity: 'calendar',
      entityId: row.id,
      after: calendarOut(row),
    });
    return calendarOut(row);
  });
}

export async function updateCalendar(
  ctx: AuthedCtx,
  id: number,
  input: Partial<CalendarInput> & { version: number },
) {
  requirePermission(ctx.actor, 'admin.settings');
  if (input.timezone) checkTimezone(input.timezone);
  if (input.weekHours) checkWeek(input.weekHours);
  return withTx(ctx, async (tx) => {
    const { after: row } = await updateVersioned(tx, {
      table: 'calendars',
      id,
      version: input.version,
      notFound: ['CALENDAR_NOT_FOUND', 'Calendar not found'],
      conflict: { message: 'The calendar was changed by someone else', current: calendarOut },
      patch: async () => {
        if (input.isDefault)
          await tx.db.updateTable('calendars').set({ is_default: false }).where('id', '<>', id).execute();
        return {
          ...(input.name !== undefined && { name: input.name }),
          ...(input.timezone !== undefined && { timezone: input.timezone }),
          ...(input.weekHours !== undefined && { week_hours: JSON.stringify(input.weekHours) }),
          ...(input.isDefault !== undefined && { is_default: input.isDefault }),
        };
      },
      audit: { action: 'calendar.update', entity: 'calendar' },
    });
    return calendarOut(row);
  });
}

const dayOut = (d: any) => ({
  day: d.day as string,
  kind: d.kind,
  name: d.name,
  hours: (d.hours as HourPairs) ?? null,
});

export async function listCalendarDays(ctx: AuthedCtx, id: number, year: number) {
  await getCalendar(ctx, id);
  const rows = await ctx.db
    .selectFrom('calendar_days')
    .select([sql<string>`to_char(day, 'YYYY-MM-DD')`.as('day'), 'kind', 'name', 'hours'])
    .where('calendar_id', '=', id)
    .where(sql`extract(year from day)`, '=', year)
    .orderBy('day')
    .execute();
  return rows.map(dayOut);
}

type YearSavedListener = (db: Ctx['db'], e: { calendarId: number; year: number }) => Promise<void>;
const yearSavedListeners: YearSavedListener[] = [];
/**
 * Called inside the transaction that saves a year's arrangement (e.g. the service desk recomputes the deadlines
 * that were provisional). The calendar module knows nothing of who listens.
 */
export function onCalendarYearSaved(fn: YearSavedListener) {
  yearSavedListeners.push(fn);
}

/** Replaces one year's holidays and make-up working days (the yearly arrangement) of a calendar. */
export async function setCalendarYear(ctx: AuthedCtx, id: number, year: number, days: CalendarDayInput[]) {
  requirePermission(ctx.actor, 'admin.settings');
  const seen = new Set<string>();
  days.forEach((d, i) => {
    if (!d.day.startsWith(`${year}-`) || Number.isNaN(Date.parse(`${d.day}T00:00:00Z`)))
      throw badRequest('DAY_INVALID', `Day ${d.day} is not in ${year}`, { [`days.${i}.day`]: 'DAY_INVALID' });
    if (seen.has(d.day))
      throw badRequest('DAY_DUPLICATE', `Day ${d.day} twice`, { [`days.${i}.day`]: 'DAY_DUPLICATE' });
    seen.add(d.day);
    if (d.hours) checkHours(d.hours, `days.${i}.hours`);
  });
  return withTx(ctx, async (tx) => {
    let before: Awaited<ReturnType<typeof listCalendarDays>> = [];
    let after: typeof before = [];
    await updateVersioned(tx, {
      table: 'calendars',
      id,
      version: undefined,
      columns: ['id'],
      notFound: ['CALENDAR_NOT_FOUND', 'Calendar not found'],
      // The year's days are rows of their own; the calendar row only takes the new version.
      patch: async () => {
        before = await listCalendarDays(tx as AuthedCtx, id, year);
        await tx.db
          .deleteFrom('calendar_days')
          .where('calendar_id', '=', id)
          .where(sql`extract(year from day)`, '=', year)
          .execute();
        if (days.length)
          await tx.db
            .insertInto('calendar_days')
            .values(
              days.map((d) => ({
                calendar_id: id,
                day: d.day,
                kind: d.kind,
                name: d.name ?? null,
                hours: d.hours ? JSON.stringify(d.hours) : null,
              })),
            )
            .execute();
        return {};
      },
      audit: {
        action: 'calendar.year.set',
        entity: 'calendar',
        meta: { year },
        record: async () => {
          after = await listCalendarDays(tx as AuthedCtx, id, year);
          return { before, after };
        },
      },
    });
    // An empty list is no arrangement: the year falls back to the statutory holidays (and stays provisional).
    if (days.length)
      await tx.db
        .insertInto('calendar_years')
        .values({ calendar_id: id, year })
        .onConflict((oc) => oc.columns(['calendar_id', 'year']).doUpdateSet({ arranged_at: sql`now()` }))
        .execute();
    else
      await tx.db
        .deleteFrom('calendar_years')
        .where('calendar_id', '=', id)
        .where('year', '=', year)
        .execute();
    for (const fn of yearSavedListeners) await fn(tx.db, { calendarId: id, year });
    return after;
  });
}

/** The calendar as the engine needs it (all its exception days; a calendar holds a few dozen a year). */
export async function loadCalendarSpec(db: Ctx['db'] | Database, id: number): Promise<CalendarSpec> {
  const c = await db.selectFrom('calendars').selectAll().where('id', '=', id).executeTakeFirst();
  if (!c) throw notFound('CALENDAR_NOT_FOUND', 'Calendar not found');
  const days = await db
    .selectFrom('calendar_days')
    .select([sql<string>`to_char(day, 'YYYY-MM-DD')`.as('day'), 'kind', 'hours'])
    .where('calendar_id', '=', id)
    .execute();
  const years = await db.selectFrom('calendar_years').select('year').where('calendar_id', '=', id).execute();
  const week: CalendarSpec['week'] = {};
  for (const [d, h] of Object.entries(c.week_hours as WeekHours)) week[Number(d)] = toRanges(h);
  return {
    timezone: c.timezone,
    week,
    statutory: 'CN',
    arrangedYears: years.map((y) => y.year),
    days: Object.fromEntries(
      days.map((d) => [
        d.day,
        { working: d.kind === 'workday', hours: d.hours ? toRanges(d.hours as HourPairs) : null },
      ]),
    ),
  };
}

/** The default calendar's id (the one marked default, else the first). */
export async function defaultCalendarId(db: Ctx['db'] | Database): Promise<number | null> {
  const c = await db
    .selectFrom('calendars')
    .select('id')
    .orderBy('is_default', 'desc')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return c?.id ?? null;
}

/** Every day of a year with both its facts — worked? traded? — and whether the year's arrangement is entered. */
export async function getCalendarYear(ctx: AuthedCtx, id: number, year: number) {
  const spec = await loadCalendarSpec(ctx.db, id);
  const row = await ctx.db
    .selectFrom('calendar_years')
    .select('arranged_at')
    .where('calendar_id', '=', id)
    .where('year', '=', year)
    .executeTakeFirst();
  return {
    year,
    arranged: !!row,
    arrangedAt: row?.arranged_at.toISOString() ?? null,
    days: yearFacts(spec, year),
  };
}

/** The local date parts of an instant in a zone. */
function localParts(tz: string, at: Date) {
  const [y, m, d] = new Intl.DateTimeFormat('en-CA', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  })
    .format(at)
    .split('-')
    .map(Number);
  return { year: y, month: m, day: d };
}

export type ArrangementWarning = { calendarId: number; calendarName: string; year: number; since: string };

/**
 * Calendars missing an arrangement administrators must enter: the current year's always, and from 1 November
 * (in the calendar's zone) next year's — until it is saved. Computed on read from the stored facts.
 */
export async function arrangementWarnings(
  db: Ctx['db'] | Database,
  now = new Date(),
): Promise<ArrangementWarning[]> {
  const cals = await db.selectFrom('calendars').select(['id', 'name', 'timezone']).orderBy('id').execute();
  if (!cals.length) return [];
  const years = await db.selectFrom('calendar_years').select(['calendar_id', 'year']).execute();
  const has = new Set(years.map((y) => `${y.calendar_id}:${y.year}`));
  const out: ArrangementWarning[] = [];
  for (const c of cals) {
    const p = localParts(c.timezone, now);
    if (!has.has(`${c.id}:${p.year}`))
      out.push({ calendarId: c.id, calendarName: c.name, year: p.year, since: `${p.year}-01-01` });
    if (p.month >= 11 && !has.has(`${c.id}:${p.year + 1}`))
      out.push({ calendarId: c.id, calendarName: c.name, year: p.year + 1, since: `${p.year}-11-01` });
  }
  return out;
}

/** The warnings for the signed-in user: administrators of settings see them, others have nothing to do. */
export async function myArrangementWarnings(ctx: AuthedCtx) {
  if (!can(ctx.actor, 'admin.settings')) return [];
  return arrangementWarnings(ctx.db);
}

/** Preview for administrators: when does `minutes` of business time (or `days` days of a unit) from `start` end? */
export async function computeDeadline(
  ctx: AuthedCtx,
  id: number,
  input: {
    start: string;
    minutes?: number;
    days?: number;
    unit?: 'working_days' | 'trading_days' | 'calendar_days';
    pauses?: { from: string; to: string | null }[];
  },
) {
  const spec = await loadCalendarSpec(ctx.db, id);
  const start = new Date(input.start);
  if (Number.isNaN(start.getTime()))
    throw badRequest('VALUE_INVALID', 'start is not a time', { start: 'VALUE_INVALID' });
  const pauses = (input.pauses ?? []).map((p) => ({
    from: new Date(p.from),
    to: p.to ? new Date(p.to) : null,
  }));
  const due =
    input.days != null
      ? addDays(start, input.days, input.unit ?? 'working_days', spec)
      : addBusinessTime(start, input.minutes ?? 0, spec, pauses);
  return {
    dueAt: due?.toISOString() ?? null,
    businessMinutesUntilDue: due ? businessMinutesBetween(start, due, spec, pauses) : null,
    provisional: isProvisional(spec, start, due),
  };
}

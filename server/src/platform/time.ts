// The firm's time zone, for everything that depends on where a day begins: "today", this week, a month, a year's
// boundaries, a date stamped on a record, and the zone of a calendar that names none. It is KEFU_TIMEZONE
// (config.ts; its default is the one place the zone is written — a guard test keeps it so). A calendar carries its
// own zone (`calendars.timezone`): deadlines on that calendar use it (zoneOf), not the firm's.
import { type Expression, type OperationNode, type RawBuilder, sql } from 'kysely';
import { timeZoneFromEnv } from '../config.ts';

let zone: string | undefined;

/** The firm's time zone (KEFU_TIMEZONE), read once; loadConfig has checked it at start. */
export function timeZone(): string {
  zone ??= timeZoneFromEnv(process.env);
  return zone;
}

/** A calendar's own zone, or the firm's when it names none. */
export const zoneOf = (calendar?: { timezone?: string | null } | null): string =>
  calendar?.timezone || timeZone();

/**
 * The firm's zone as an SQL string literal whose value is read when a query is compiled, not when the fragment is
 * built: a module-level fragment (tasks' END_OF_WEEK, visits' TODAY) then reads no configuration at import, so
 * a bad KEFU_TIMEZONE is reported by loadConfig like any other setting. (Kysely never copies a value node.)
 */
const firmZone: Expression<string> = {
  get expressionType() {
    return undefined;
  },
  toOperationNode: () =>
    Object.freeze({
      kind: 'ValueNode',
      immediate: true,
      get value() {
        return timeZone();
      },
    }) as unknown as OperationNode,
};

/**
 * A zone (the firm's unless told) as an SQL string literal, for `… at time zone ${zoneSql()}`. A literal rather
 * than a bound parameter: an expression written twice in one query (in the select list and in group by) must be
 * the same text to PostgreSQL, and two parameters are not. The zone is a checked IANA name, quoted by Kysely.
 */
export const zoneSql = (tz?: string): Expression<string> => (tz === undefined ? firmZone : sql.lit(tz));

/** now() as the firm's wall-clock time (timestamp without time zone). */
export const localNow = (): RawBuilder<Date> => sql<Date>`(now() at time zone ${zoneSql()})`;

/** Today's date in the firm's zone. */
export const localToday = (): RawBuilder<string> => sql<string>`(now() at time zone ${zoneSql()})::date`;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock fields of an instant in a zone (month 0–11, weekday 1 = Monday … 7 = Sunday). */
export function localParts(at: Date | number, tz: string = timeZone()) {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, f);
  }
  const p: Record<string, number> = {};
  for (const x of f.formatToParts(new Date(at))) if (x.type !== 'literal') p[x.type] = Number(x.value);
  const weekday = new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay() || 7;
  return {
    year: p.year,
    month: p.month - 1,
    day: p.day,
    hour: p.hour,
    minute: p.minute,
    second: p.second,
    weekday,
  };
}

/** The zone's offset from UTC at an instant, in ms (east positive). */
export function zoneOffsetMs(at: number, tz: string = timeZone()): number {
  const p = localParts(at, tz);
  const asUtc = Date.UTC(p.year, p.month, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(at / 1000) * 1000;
}

/**
 * The instant of a wall-clock time in a zone: year, month (0–11, may overflow like Date.UTC's), day (may
 * overflow), and the time of day in ms. A time a summer-time change skips resolves forward.
 */
export function localInstant(
  y: number,
  m: number,
  d: number,
  timeOfDayMs = 0,
  tz: string = timeZone(),
): Date {
  const naive = Date.UTC(y, m, d) + timeOfDayMs;
  let guess = naive - zoneOffsetMs(naive, tz);
  guess = naive - zoneOffsetMs(guess, tz);
  return new Date(guess);
}

/** The instant of a local date `YYYY-MM-DD` at `HH:MM[:SS]` (default midnight) in a zone. */
export function localDateTime(date: string, time = '00:00:00', tz: string = timeZone()): Date {
  const [y, m, d] = date.split('-').map(Number);
  const [h, min, s] = time.split(':').map(Number);
  return localInstant(y, m - 1, d, ((h * 60 + min) * 60 + (s || 0)) * 1000, tz);
}

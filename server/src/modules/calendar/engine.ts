// Business time (工作时间): pure arithmetic over a calendar's working hours, public holidays, make-up working days
// (调休) and pauses, in the calendar's time zone. No database, no clock — every deadline follows from stored facts.
// A day has two facts: whether it is worked (工作日: the calendar's hours, holidays, make-up days) and whether the
// exchanges trade (交易日: Monday–Friday that is no holiday — a make-up working Saturday or Sunday never trades).
// Years without an entered State Council arrangement fall back to the statutory holidays (statutory.ts).
import { statutoryMap } from './statutory.ts';

/** Minutes after local midnight, [start, end). */
export type MinuteRange = [number, number];

export type CalendarSpec = {
  /** IANA zone name (platform/time.ts zoneOf: the calendar's own, else KEFU_TIMEZONE). */
  timezone: string;
  /** Working hours per ISO weekday: 1 = Monday … 7 = Sunday. A missing or empty day is not worked. */
  week: Partial<Record<number, MinuteRange[]>>;
  /** Exceptions by local date 'YYYY-MM-DD': a holiday (not worked) or a make-up working day (worked). */
  days: Record<string, { working: boolean; hours?: MinuteRange[] | null }>;
  /** Hours of a make-up working day that has none of its own; default: the first worked weekday's. */
  makeUpHours?: MinuteRange[];
  /** 'CN': in a year not in `arrangedYears`, the PRC statutory holidays are the only holidays. */
  statutory?: 'CN' | null;
  /** Years whose holidays and make-up days (the yearly arrangement) are entered in `days`. */
  arrangedYears?: number[];
};

/** How a target counts: business time in working hours, or whole working / trading / calendar days. */
export type SlaUnit = 'working_hours' | 'working_days' | 'trading_days' | 'calendar_days';
export const SLA_UNITS = ['working_hours', 'working_days', 'trading_days', 'calendar_days'] as const;

/** A pause of the clock (e.g. waiting on the customer); `to` null = still paused. */
export type Pause = { from: Date; to: Date | null };

const MINUTE = 60_000;
const DAY_SEARCH_LIMIT = 3 * 366; // a target that cannot be met within three years is a misconfiguration

/** 'HH:MM' → minutes. '24:00' is allowed as the end of a day. */
export function parseHm(s: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(s);
  if (!m) throw new Error(`Bad time ${s}`);
  const v = Number(m[1]) * 60 + Number(m[2]);
  if (Number(m[2]) > 59 || v > 24 * 60) throw new Error(`Bad time ${s}`);
  return v;
}
export const formatHm = (v: number) =>
  `${String(Math.floor(v / 60)).padStart(2, '0')}:${String(v % 60).padStart(2, '0')}`;

const fmtCache = new Map<string, Intl.DateTimeFormat>();
function partsFormatter(tz: string) {
  let f = fmtCache.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    fmtCache.set(tz, f);
  }
  return f;
}

/** The zone's offset from UTC at an instant, in ms (China's zone: always +8 h, no summer time). */
export function zoneOffset(tz: string, at: number): number {
  const p: Record<string, number> = {};
  for (const x of partsFormatter(tz).formatToParts(new Date(at)))
    if (x.type !== 'literal') p[x.type] = Number(x.value);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour === 24 ? 0 : p.hour, p.minute, p.second);
  return asUtc - Math.floor(at / 1000) * 1000;
}

/** Local date of an instant as a day number (days since 1970-01-01 in local terms). */
function localDayNumber(tz: string, at: number): number {
  return Math.floor((at + zoneOffset(tz, at)) / 86_400_000);
}

/** The instant of a local wall time (day number + minutes) in the zone; DST gaps resolve forward. */
export function localToInstant(tz: string, dayNumber: number, minutes: number): number {
  const naive = dayNumber * 86_400_000 + minutes * MINUTE;
  let guess = naive - zoneOffset(tz, naive);
  guess = naive - zoneOffset(tz, guess);
  return guess;
}

export function dayKey(dayNumber: number): string {
  return new Date(dayNumber * 86_400_000).toISOString().slice(0, 10);
}
export function dayNumberOf(key: string): number {
  return Math.floor(Date.parse(`${key}T00:00:00Z`) / 86_400_000);
}
const isoWeekday = (dayNumber: number) => {
  const d = new Date(dayNumber * 86_400_000).getUTCDay();
  return d === 0 ? 7 : d;
};

const yearOf = (dayNumber: number) => new Date(dayNumber * 86_400_000).getUTCFullYear();

/** Whether the year's arrangement is entered (a calendar without statutory rules counts as always arranged). */
export function isArranged(cal: CalendarSpec, year: number): boolean {
  if (!cal.statutory) return true;
  return (cal.arrangedYears ?? []).includes(year);
}

/** The exception of a day: entered, or in a year without an arrangement the statutory holiday. */
function exceptionOf(cal: CalendarSpec, dayNumber: number): CalendarSpec['days'][string] | undefined {
  const key = dayKey(dayNumber);
  const ex = cal.days[key];
  if (ex) return ex;
  const year = yearOf(dayNumber);
  if (!isArranged(cal, year) && statutoryMap(year).has(key)) return { working: false };
  return undefined;
}

/** The name of the statutory holiday on a day, if the day is one and its year has no arrangement. */
export function statutoryHolidayName(cal: CalendarSpec, dayNumber: number): string | null {
  const year = yearOf(dayNumber);
  if (isArranged(cal, year) || cal.days[dayKey(dayNumber)]) return null;
  return statutoryMap(year).get(dayKey(dayNumber)) ?? null;
}

/** The working hours of one local day (empty if not worked). */
export function hoursOfDay(cal: CalendarSpec, dayNumber: number): MinuteRange[] {
  const ex = exceptionOf(cal, dayNumber);
  if (ex && !ex.working) return [];
  const weekday = cal.week[isoWeekday(dayNumber)] ?? [];
  if (ex?.working) {
    if (ex.hours?.length) return ex.hours;
    if (weekday.length) return weekday;
    if (cal.makeUpHours?.length) return cal.makeUpHours;
    for (let d = 1; d <= 7; d++) if (cal.week[d]?.length) return cal.week[d]!;
    return [];
  }
  return weekday;
}

export const isWorkingDay = (cal: CalendarSpec, dayNumber: number) => hoursOfDay(cal, dayNumber).length > 0;

/** The exchanges trade Monday to Friday except holidays; a make-up working weekend day (调休) does not trade. */
export function isTradingDay(cal: CalendarSpec, dayNumber: number): boolean {
  if (isoWeekday(dayNumber) > 5) return false;
  const ex = exceptionOf(cal, dayNumber);
  return !ex || ex.working;
}

/** The working intervals of a local day as instants, in order. */
function dayIntervals(cal: CalendarSpec, dayNumber: number): [number, number][] {
  return hoursOfDay(cal, dayNumber)
    .map(([a, b]) => [localToInstant(cal.timezone, dayNumber, a), localToInstant(cal.timezone, dayNumber, b)])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]) as [number, number][];
}

/** Pauses merged and sorted, as [from, to) instants (to = Infinity when open). */
function normalisePauses(pauses: Pause[]): [number, number][] {
  const xs = pauses
    .map((p) => [p.from.getTime(), p.to ? p.to.getTime() : Number.POSITIVE_INFINITY] as [number, number])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const x of xs) {
    const last = out[out.length - 1];
    if (last && x[0] <= last[1]) last[1] = Math.max(last[1], x[1]);
    else out.push([...x]);
  }
  return out;
}

/** [a, b) minus the pauses → the running pieces. */
function subtract(a: number, b: number, pauses: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  let cur = a;
  for (const [pa, pb] of pauses) {
    if (pb <= cur) continue;
    if (pa >= b) break;
    if (pa > cur) out.push([cur, Math.min(pa, b)]);
    cur = Math.max(cur, pb);
    if (cur >= b) break;
  }
  if (cur < b) out.push([cur, b]);
  return out;
}

/**
 * The instant at which `minutes` of business time have run from `start`, skipping non-working time and pauses.
 * Returns null when the clock is paused without end before the time runs out (no deadline while waiting).
 */
export function addBusinessTime(
  start: Date,
  minutes: number,
  cal: CalendarSpec,
  pauses: Pause[] = [],
): Date | null {
  const ps = normalisePauses(pauses);
  let left = Math.round(minutes * MINUTE);
  const t0 = start.getTime();
  if (left <= 0) {
    const inPause = ps.find(([a, b]) => a <= t0 && t0 < b);
    if (!inPause) return new Date(t0);
    return Number.isFinite(inPause[1]) ? new Date(inPause[1]) : null;
  }
  const firstDay = localDayNumber(cal.timezone, t0);
  for (let d = firstDay; d < firstDay + DAY_SEARCH_LIMIT; d++) {
    for (const [a, b] of dayIntervals(cal, d)) {
      if (b <= t0) continue;
      for (const [x, y] of subtract(Math.max(a, t0), b, ps)) {
        if (y - x >= left) return new Date(x + left);
        left -= y - x;
      }
    }
    // Paused for good from here on: no deadline.
    const open = ps.find(([, pb]) => !Number.isFinite(pb));
    if (open && open[0] <= localToInstant(cal.timezone, d + 1, 0)) return null;
  }
  throw new Error('No working time in the calendar within three years');
}

/** Business minutes between two instants, not counting pauses (0 if `to` is before `from`). */
export function businessMinutesBetween(
  from: Date,
  to: Date,
  cal: CalendarSpec,
  pauses: Pause[] = [],
): number {
  const a0 = from.getTime();
  const b0 = to.getTime();
  if (b0 <= a0) return 0;
  const ps = normalisePauses(pauses);
  let total = 0;
  const last = localDayNumber(cal.timezone, b0);
  for (let d = localDayNumber(cal.timezone, a0); d <= last; d++) {
    for (const [a, b] of dayIntervals(cal, d)) {
      const x = Math.max(a, a0);
      const y = Math.min(b, b0);
      if (y > x) for (const [p, q] of subtract(x, y, ps)) total += q - p;
    }
  }
  return total / MINUTE;
}

/** The end of a day the count lands on: the close of its working hours, else local midnight. */
function endOfDay(cal: CalendarSpec, d: number): Date {
  const hours = hoursOfDay(cal, d);
  const end = hours.length ? Math.max(...hours.map((h) => h[1])) : 24 * 60;
  return new Date(localToInstant(cal.timezone, d, end));
}

function addDaysWhere(start: Date, n: number, cal: CalendarSpec, counts: (d: number) => boolean): Date {
  let d = localDayNumber(cal.timezone, start.getTime());
  if (n <= 0) return endOfDay(cal, d);
  let count = 0;
  for (let i = 0; i < DAY_SEARCH_LIMIT; i++) {
    d++;
    if (counts(d) && ++count >= n) return endOfDay(cal, d);
  }
  throw new Error('No such days in the calendar within three years');
}

/**
 * The end of the n-th working day after the day of `start`: holidays skipped, make-up days (调休) counted.
 */
export function addBusinessDays(start: Date, n: number, cal: CalendarSpec): Date {
  return addDaysWhere(start, n, cal, (d) => isWorkingDay(cal, d));
}

/**
 * The end of the n-th trading day after the day of `start` (e.g. "accept within 3 trading days"): a complaint
 * received on Friday with n = 3 is due at the close of Wednesday; holidays and make-up working Saturdays skipped.
 */
export function addTradingDays(start: Date, n: number, cal: CalendarSpec): Date {
  return addDaysWhere(start, n, cal, (d) => isTradingDay(cal, d));
}

/** The end (local midnight) of the n-th calendar day after the day of `start`. */
export function addCalendarDays(start: Date, n: number, cal: CalendarSpec): Date {
  const d = localDayNumber(cal.timezone, start.getTime()) + Math.max(n, 0);
  return new Date(localToInstant(cal.timezone, d, 24 * 60));
}

/** n days of a unit from `start`. */
export function addDays(start: Date, n: number, unit: Exclude<SlaUnit, 'working_hours'>, cal: CalendarSpec) {
  if (unit === 'trading_days') return addTradingDays(start, n, cal);
  if (unit === 'calendar_days') return addCalendarDays(start, n, cal);
  return addBusinessDays(start, n, cal);
}

/** The local year of an instant in the calendar's zone. */
export const localYear = (cal: CalendarSpec, at: Date) => yearOf(localDayNumber(cal.timezone, at.getTime()));

/**
 * A deadline is provisional when any year from the start to the deadline has no entered arrangement: it was
 * counted on the statutory holidays alone and moves when the State Council's arrangement is saved.
 */
export function isProvisional(cal: CalendarSpec, start: Date, due: Date | null): boolean {
  if (!cal.statutory) return false;
  const from = localYear(cal, start);
  const to = due ? localYear(cal, due) : from;
  for (let y = from; y <= to; y++) if (!isArranged(cal, y)) return true;
  return false;
}

/** Both facts of every day of a local year (for the calendar page). */
export function yearFacts(cal: CalendarSpec, year: number) {
  const out: { day: string; working: boolean; trading: boolean; statutory: string | null }[] = [];
  for (let d = dayNumberOf(`${year}-01-01`); yearOf(d) === year; d++)
    out.push({
      day: dayKey(d),
      working: isWorkingDay(cal, d),
      trading: isTradingDay(cal, d),
      statutory: statutoryHolidayName(cal, d),
    });
  return out;
}

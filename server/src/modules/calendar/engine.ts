// Business time (工作时间): pure arithmetic over a calendar's working hours, public holidays, make-up working days
// (调休) and pauses, in the calendar's time zone. No database, no clock — every deadline follows from stored facts.

/** Minutes after local midnight, [start, end). */
export type MinuteRange = [number, number];

export type CalendarSpec = {
  /** IANA zone, e.g. Asia/Shanghai. */
  timezone: string;
  /** Working hours per ISO weekday: 1 = Monday … 7 = Sunday. A missing or empty day is not worked. */
  week: Partial<Record<number, MinuteRange[]>>;
  /** Exceptions by local date 'YYYY-MM-DD': a holiday (not worked) or a make-up working day (worked). */
  days: Record<string, { working: boolean; hours?: MinuteRange[] | null }>;
  /** Hours of a make-up working day that has none of its own; default: the first worked weekday's. */
  makeUpHours?: MinuteRange[];
};

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

/** The zone's offset from UTC at an instant, in ms (Asia/Shanghai: always +8 h). */
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

/** The working hours of one local day (empty if not worked). */
export function hoursOfDay(cal: CalendarSpec, dayNumber: number): MinuteRange[] {
  const ex = cal.days[dayKey(dayNumber)];
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

/**
 * The end of the n-th working day after the day of `start` (e.g. "accept within 3 trading days"): a complaint
 * received on Friday with n = 3 is due at the close of Wednesday, holidays skipped and make-up days counted.
 */
export function addBusinessDays(start: Date, n: number, cal: CalendarSpec): Date {
  let d = localDayNumber(cal.timezone, start.getTime());
  let count = 0;
  for (let i = 0; i < DAY_SEARCH_LIMIT; i++) {
    d++;
    if (isWorkingDay(cal, d)) {
      count++;
      if (count >= n) {
        const hours = hoursOfDay(cal, d);
        const end = Math.max(...hours.map((h) => h[1]));
        return new Date(localToInstant(cal.timezone, d, end));
      }
    }
  }
  throw new Error('No working days in the calendar within three years');
}

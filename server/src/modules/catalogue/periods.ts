// Periods of a recurring entitlement in the firm's time zone (platform/time.ts): the key that makes a fulfilment
// unique (daily 2026-11-22, weekly 2026-W47, monthly 2026-11, quarterly 2026-Q4, yearly 2026, once "once") and
// the end of the period, which is when its task is due.
import { localInstant, localParts } from '../../platform/time.ts';
import type { Frequency } from './tables.ts';

const p2 = (n: number) => String(n).padStart(2, '0');

/** A local calendar date (month 0–11; day and month may overflow) as the instant of its local midnight. */
const localMidnight = (y: number, m: number, d: number) => localInstant(y, m, d);

/** ISO-8601 week number and week-year of a (UTC-fields) date. */
function isoWeek(y: number, m: number, d: number) {
  const t = new Date(Date.UTC(y, m, d));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  return { year: t.getUTCFullYear(), week: Math.ceil(((t.getTime() - yearStart) / 86400_000 + 1) / 7) };
}

export type Period = { key: string; start: Date; end: Date };

export function periodOf(freq: Frequency, at: Date = new Date()): Period {
  const { year: y, month: m, day: d, weekday } = localParts(at);
  switch (freq) {
    case 'once':
      return { key: 'once', start: localMidnight(y, m, d), end: localMidnight(y, m, d + 30) };
    case 'daily':
      return {
        key: `${y}-${p2(m + 1)}-${p2(d)}`,
        start: localMidnight(y, m, d),
        end: localMidnight(y, m, d + 1),
      };
    case 'weekly': {
      const dow = weekday;
      const w = isoWeek(y, m, d);
      return {
        key: `${w.year}-W${p2(w.week)}`,
        start: localMidnight(y, m, d - dow + 1),
        end: localMidnight(y, m, d - dow + 8),
      };
    }
    case 'monthly':
      return { key: `${y}-${p2(m + 1)}`, start: localMidnight(y, m, 1), end: localMidnight(y, m + 1, 1) };
    case 'quarterly': {
      const q = Math.floor(m / 3);
      return {
        key: `${y}-Q${q + 1}`,
        start: localMidnight(y, q * 3, 1),
        end: localMidnight(y, q * 3 + 3, 1),
      };
    }
    case 'yearly':
      return { key: `${y}`, start: localMidnight(y, 0, 1), end: localMidnight(y + 1, 0, 1) };
  }
}

// Statutory public holidays (法定节假日) of the PRC for any year, from the national holiday regulations
// (《全国年节及纪念日放假办法》, as amended with effect from 2025): 元旦 1 day, 春节 4 days (除夕 to 正月初三),
// 清明 1 day (the solar term), 劳动节 2 days (May 1–2), 端午 1 day (五月初五), 中秋 1 day (八月十五), 国庆 3 days
// (Oct 1–3) — 13 days. Lunar dates and the solar term come from lunar-javascript. The State Council's yearly
// arrangement (调休, the extended blocks) is not derivable: it is entered per year; until then these days are all
// a year has, and every deadline counted into it is provisional.
import { Lunar } from 'lunar-javascript';

export type StatutoryDay = { day: string; name: string };

const cache = new Map<number, StatutoryDay[]>();
const key = (y: number, m: number, d: number) =>
  `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
const plus = (ymd: string, n: number) =>
  new Date(Date.parse(`${ymd}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** The statutory holidays of a Gregorian year, in date order. */
export function statutoryHolidays(year: number): StatutoryDay[] {
  const hit = cache.get(year);
  if (hit) return hit;
  const out: StatutoryDay[] = [{ day: key(year, 1, 1), name: '元旦' }];
  // 春节: 除夕 is the day before 正月初一 (腊月廿九 in a short twelfth month). 除夕 may fall in the previous
  // Gregorian year only if 正月初一 were Jan 1, which does not happen (it is always Jan 21 – Feb 20).
  const newYear = Lunar.fromYmd(year, 1, 1).getSolar().toYmd();
  for (let i = -1; i <= 2; i++) out.push({ day: plus(newYear, i), name: '春节' });
  const qingming = Lunar.fromYmd(year, 3, 1).getJieQiTable()['清明'];
  if (qingming) out.push({ day: qingming.toYmd(), name: '清明节' });
  out.push({ day: key(year, 5, 1), name: '劳动节' }, { day: key(year, 5, 2), name: '劳动节' });
  out.push({ day: Lunar.fromYmd(year, 5, 5).getSolar().toYmd(), name: '端午节' });
  out.push({ day: Lunar.fromYmd(year, 8, 15).getSolar().toYmd(), name: '中秋节' });
  for (const d of [1, 2, 3]) out.push({ day: key(year, 10, d), name: '国庆节' });
  // 中秋 can fall on Oct 1–3 (2028: Oct 3): one day off, both names.
  const byDay = new Map<string, string>();
  for (const d of out)
    if (d.day.startsWith(`${year}-`))
      byDay.set(d.day, byDay.has(d.day) ? `${byDay.get(d.day)}·${d.name}` : d.name);
  const days = [...byDay].map(([day, name]) => ({ day, name })).sort((a, b) => a.day.localeCompare(b.day));
  cache.set(year, days);
  return days;
}

/** Date → name of the statutory holiday, for one year. */
export function statutoryMap(year: number): Map<string, string> {
  return new Map(statutoryHolidays(year).map((d) => [d.day, d.name]));
}

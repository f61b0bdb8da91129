// Trading days (交易日) apart from working days (工作日) on the 2026 national calendar, and years without an
// entered arrangement counted on the statutory holidays (pure: no database).
import { describe, expect, it } from 'vitest';
import { CN_2026, STANDARD_WEEK } from './demo.ts';
import {
  addBusinessDays,
  addBusinessTime,
  addCalendarDays,
  addTradingDays,
  type CalendarSpec,
  dayNumberOf,
  isProvisional,
  isTradingDay,
  isWorkingDay,
  parseHm,
  yearFacts,
} from './engine.ts';
import { statutoryHolidays } from './statutory.ts';

const week: CalendarSpec['week'] = Object.fromEntries(
  Object.entries(STANDARD_WEEK).map(([d, h]) => [Number(d), h.map(([a, b]) => [parseHm(a), parseHm(b)])]),
) as CalendarSpec['week'];
/** The demo's standard calendar: Mon–Fri 08:30–11:30, 13:00–17:00; the 2026 arrangement entered, 2027 not. */
const cn: CalendarSpec = {
  timezone: 'Asia/Shanghai',
  week,
  days: Object.fromEntries(CN_2026.map((d) => [d.day, { working: d.kind === 'workday' }])),
  statutory: 'CN',
  arrangedYears: [2026],
};
const sh = (s: string) => new Date(`${s}+08:00`);
const iso = (d: Date | null) => d?.toISOString() ?? null;
const day = (s: string) => dayNumberOf(s);

describe('trading days are not working days', () => {
  it('make-up working days of 2026 are worked but not traded; holidays and weekends are neither', () => {
    // The 2026 make-up working days (调休上班) of the national arrangement: Sun 01-04, Sat 02-14, Sat 02-28,
    // Sat 05-09, Sun 09-20, Sat 10-10.
    for (const d of ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']) {
      expect([d, isWorkingDay(cn, day(d))]).toEqual([d, true]);
      expect([d, isTradingDay(cn, day(d))]).toEqual([d, false]);
    }
    // 春节 Mon 02-16 is neither; Fri 02-13 and Tue 02-24 are both; an ordinary Saturday is neither.
    expect([isWorkingDay(cn, day('2026-02-16')), isTradingDay(cn, day('2026-02-16'))]).toEqual([
      false,
      false,
    ]);
    expect([isWorkingDay(cn, day('2026-02-13')), isTradingDay(cn, day('2026-02-13'))]).toEqual([true, true]);
    expect([isWorkingDay(cn, day('2026-02-24')), isTradingDay(cn, day('2026-02-24'))]).toEqual([true, true]);
    expect([isWorkingDay(cn, day('2026-03-07')), isTradingDay(cn, day('2026-03-07'))]).toEqual([
      false,
      false,
    ]);
    const facts = yearFacts(cn, 2026);
    expect(facts).toHaveLength(365);
    // 2026 has 261 weekdays; 19 of them are holidays (元旦 2, 春节 6, 清明 1, 劳动节 3, 端午 1, 中秋 1, 国庆 5):
    // 261 − 19 + 6 make-up days = 248 working days, 261 − 19 = 242 trading days.
    expect(facts.filter((f) => f.working)).toHaveLength(248);
    expect(facts.filter((f) => f.trading)).toHaveLength(242);
  });

  it('a complaint received on the Friday before a make-up Saturday is due at the close of the 3rd trading day', () => {
    // Fri 02-13 16:00. Trading days after it: Sat 02-14 (调休, worked, no trading) no; 02-15…02-23 春节 no;
    // Tue 02-24 (1), Wed 02-25 (2), Thu 02-26 (3) → Thu 02-26 17:00.
    expect(iso(addTradingDays(sh('2026-02-13T16:00:00'), 3, cn))).toBe(iso(sh('2026-02-26T17:00:00')));
    // Counted in working days it would be a day earlier: Sat 02-14 (1), Tue 02-24 (2), Wed 02-25 (3).
    expect(iso(addBusinessDays(sh('2026-02-13T16:00:00'), 3, cn))).toBe(iso(sh('2026-02-25T17:00:00')));
    // Fri 10-09 before the make-up Sat 10-10: Mon 10-12 (1), Tue (2), Wed 10-14 (3).
    expect(iso(addTradingDays(sh('2026-10-09T10:00:00'), 3, cn))).toBe(iso(sh('2026-10-14T17:00:00')));
    expect(iso(addBusinessDays(sh('2026-10-09T10:00:00'), 3, cn))).toBe(iso(sh('2026-10-13T17:00:00')));
    // Fri 05-08 before the make-up Sat 05-09: Mon 05-11 (1), Tue (2), Wed 05-13 (3).
    expect(iso(addTradingDays(sh('2026-05-08T10:00:00'), 3, cn))).toBe(iso(sh('2026-05-13T17:00:00')));
    // Calendar days end at local midnight: 3 days after Fri 02-13 is the end of Mon 02-16.
    expect(iso(addCalendarDays(sh('2026-02-13T16:00:00'), 3, cn))).toBe(iso(sh('2026-02-17T00:00:00')));
    expect(isProvisional(cn, sh('2026-02-13T16:00:00'), sh('2026-02-26T17:00:00'))).toBe(false);
  });
});

describe('the calendar never runs out', () => {
  it('knows the statutory holidays of any year from the lunar calendar (2027 checked against known dates)', () => {
    expect(statutoryHolidays(2027)).toEqual([
      { day: '2027-01-01', name: '元旦' },
      // 春节 2027-02-06 (正月初一); the holiday runs from 除夕 02-05 to 正月初三 02-08.
      { day: '2027-02-05', name: '春节' },
      { day: '2027-02-06', name: '春节' },
      { day: '2027-02-07', name: '春节' },
      { day: '2027-02-08', name: '春节' },
      { day: '2027-04-05', name: '清明节' },
      { day: '2027-05-01', name: '劳动节' },
      { day: '2027-05-02', name: '劳动节' },
      { day: '2027-06-09', name: '端午节' },
      { day: '2027-09-15', name: '中秋节' },
      { day: '2027-10-01', name: '国庆节' },
      { day: '2027-10-02', name: '国庆节' },
      { day: '2027-10-03', name: '国庆节' },
    ]);
    // 2026 (published arrangement: 春节 from 02-15, 除夕 02-16; 清明 04-05; 端午 06-19; 中秋 09-25) agrees.
    const d2026 = statutoryHolidays(2026).map((d) => d.day);
    expect(d2026).toEqual(
      expect.arrayContaining(['2026-02-16', '2026-02-17', '2026-04-05', '2026-06-19', '2026-09-25']),
    );
    for (const d of d2026) expect(cn.days[d]?.working).toBe(false);
    // 2028: 中秋 falls on 10-03, inside 国庆 — one day, both names; 12 days in all.
    expect(statutoryHolidays(2028)).toHaveLength(12);
    expect(statutoryHolidays(2028).find((d) => d.day === '2028-10-03')?.name).toBe('中秋节·国庆节');
    for (let y = 2026; y <= 2100; y++) expect(statutoryHolidays(y).length).toBeGreaterThanOrEqual(12);
  });

  it('a deadline counted into 2027 (no arrangement) never lands on its statutory holidays and is provisional', () => {
    const start = sh('2026-12-31T16:00:00');
    // 2 h: Thu 12-31 16:00–17:00 (1 h); Fri 2027-01-01 元旦 (statutory); Sat, Sun; Mon 01-04 08:30 + 1 h = 09:30.
    const due = addBusinessTime(start, 120, cn);
    expect(iso(due)).toBe(iso(sh('2027-01-04T09:30:00')));
    expect(isProvisional(cn, start, due)).toBe(true);
    // The same target within 2026 is not provisional.
    expect(isProvisional(cn, sh('2026-12-30T10:00:00'), sh('2026-12-30T12:00:00'))).toBe(false);
    // 3 trading days from Wed 2027-02-03: Thu 02-04 (1); 02-05…02-08 春节; Tue 02-09 (2), Wed 02-10 (3).
    expect(iso(addTradingDays(sh('2027-02-03T10:00:00'), 3, cn))).toBe(iso(sh('2027-02-10T17:00:00')));
    const facts = yearFacts(cn, 2027);
    expect(facts.find((f) => f.day === '2027-06-09')).toEqual({
      day: '2027-06-09',
      working: false,
      trading: false,
      statutory: '端午节',
    });
    // Once the arrangement is entered, the entered days rule (a hypothetical make-up Saturday 01-02).
    const arranged: CalendarSpec = {
      ...cn,
      days: { ...cn.days, '2027-01-01': { working: false }, '2027-01-02': { working: true } },
      arrangedYears: [2026, 2027],
    };
    const again = addBusinessTime(start, 120, arranged);
    expect(iso(again)).toBe(iso(sh('2027-01-02T09:30:00')));
    expect(isProvisional(arranged, start, again)).toBe(false);
  });
});

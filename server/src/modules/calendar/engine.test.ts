import { describe, expect, it } from 'vitest';
import {
  addBusinessDays,
  addBusinessTime,
  businessMinutesBetween,
  type CalendarSpec,
  localToInstant,
  parseHm,
} from './engine.ts';

const H = (a: string, b: string) => [parseHm(a), parseHm(b)] as [number, number];
const DAY = [H('09:00', '12:00'), H('13:00', '17:30')]; // 7.5 business hours with a lunch break
/** 国庆 2026: Thu 10-01 … Wed 10-07 off; Sat 10-10 is a make-up working day (调休). */
const cal: CalendarSpec = {
  timezone: 'Asia/Shanghai',
  week: { 1: DAY, 2: DAY, 3: DAY, 4: DAY, 5: DAY },
  days: {
    '2026-10-01': { working: false },
    '2026-10-02': { working: false },
    '2026-10-03': { working: false },
    '2026-10-04': { working: false },
    '2026-10-05': { working: false },
    '2026-10-06': { working: false },
    '2026-10-07': { working: false },
    '2026-10-10': { working: true },
  },
};
const sh = (s: string) => new Date(`${s}+08:00`);
const iso = (d: Date | null) => d?.toISOString() ?? null;

describe('business time', () => {
  it('counts only working hours, skipping lunch', () => {
    // Mon 2026-11-16 10:00 + 3 h: 10:00–12:00 (2 h), lunch, 13:00–14:00 (1 h) → 14:00.
    expect(iso(addBusinessTime(sh('2026-11-16T10:00:00'), 180, cal))).toBe(iso(sh('2026-11-16T14:00:00')));
    // Started during lunch: the clock starts at 13:00.
    expect(iso(addBusinessTime(sh('2026-11-16T12:30:00'), 30, cal))).toBe(iso(sh('2026-11-16T13:30:00')));
    // Started on a Sunday evening: Monday 09:00 + 2 h.
    expect(iso(addBusinessTime(sh('2026-11-15T20:00:00'), 120, cal))).toBe(iso(sh('2026-11-16T11:00:00')));
    // A target that ends exactly at the close of day is due at the close, not the next morning.
    expect(iso(addBusinessTime(sh('2026-11-16T09:00:00'), 450, cal))).toBe(iso(sh('2026-11-16T17:30:00')));
  });

  it('skips public holidays and counts make-up Saturdays (hand computation in the comments)', () => {
    const opened = sh('2026-09-30T17:30:00'); // Wed, the working day before 国庆; the day has just closed.
    // 2 h: 10-01…10-07 are holidays; Thu 10-08 09:00 + 2 h = 11:00.
    expect(iso(addBusinessTime(opened, 120, cal))).toBe(iso(sh('2026-10-08T11:00:00')));
    // 4 h: 10-08 09:00–12:00 (3 h) + 13:00–14:00 (1 h) = 14:00 on 10-08.
    expect(iso(addBusinessTime(opened, 240, cal))).toBe(iso(sh('2026-10-08T14:00:00')));
    // 24 h: Thu 10-08 7.5 h, Fri 10-09 7.5 h (15), Sat 10-10 (调休 workday) 7.5 h (22.5), Sun 10-11 off,
    // Mon 10-12 needs 1.5 h: 09:00 + 1.5 h = 10:30.
    expect(iso(addBusinessTime(opened, 24 * 60, cal))).toBe(iso(sh('2026-10-12T10:30:00')));
    // Without the make-up Saturday it would be Tue 10-13 10:30 (one more working day).
    const noMakeUp = { ...cal, days: { ...cal.days, '2026-10-10': { working: false } } };
    expect(iso(addBusinessTime(opened, 24 * 60, noMakeUp))).toBe(iso(sh('2026-10-13T10:30:00')));
    expect(businessMinutesBetween(opened, sh('2026-10-12T10:30:00'), cal)).toBe(24 * 60);
  });

  it('pauses the clock while waiting on the customer', () => {
    const opened = sh('2026-09-30T17:30:00');
    // Waiting on the customer from Thu 10-08 10:00 to Fri 10-09 10:00 takes out 10:00–12:00, 13:00–17:30 (6.5 h)
    // and Fri 09:00–10:00 (1 h) = 7.5 h, one working day: the 24 h deadline moves from Mon 10:30 to Tue 10:30.
    const pauses = [{ from: sh('2026-10-08T10:00:00'), to: sh('2026-10-09T10:00:00') }];
    expect(iso(addBusinessTime(opened, 24 * 60, cal, pauses))).toBe(iso(sh('2026-10-13T10:30:00')));
    expect(businessMinutesBetween(opened, sh('2026-10-13T10:30:00'), cal, pauses)).toBe(24 * 60);
    // Still waiting (open pause) before the time ran out: no deadline.
    expect(addBusinessTime(opened, 24 * 60, cal, [{ from: sh('2026-10-08T10:00:00'), to: null }])).toBeNull();
    // An open pause that starts after the deadline does not matter.
    expect(iso(addBusinessTime(opened, 120, cal, [{ from: sh('2026-10-09T10:00:00'), to: null }]))).toBe(
      iso(sh('2026-10-08T11:00:00')),
    );
    // Overlapping pauses are not counted twice.
    const twice = [...pauses, { from: sh('2026-10-08T11:00:00'), to: sh('2026-10-08T16:00:00') }];
    expect(iso(addBusinessTime(opened, 24 * 60, cal, twice))).toBe(iso(sh('2026-10-13T10:30:00')));
  });

  it('works in the calendar’s time zone, including one with daylight saving', () => {
    const ny: CalendarSpec = {
      timezone: 'America/New_York',
      week: { 1: DAY, 2: DAY, 3: DAY, 4: DAY, 5: DAY },
      days: {},
    };
    // Fri 2026-03-06 17:00 EST + 1 h → Mon 2026-03-09 09:30 EDT (DST began Sun 03-08) = 13:30Z.
    expect(iso(addBusinessTime(new Date('2026-03-06T22:00:00Z'), 60, ny))).toBe('2026-03-09T13:30:00.000Z');
    // Shanghai has no DST: local 09:00 is always 01:00Z.
    expect(
      new Date(
        localToInstant('Asia/Shanghai', Math.floor(Date.parse('2026-07-01') / 86_400_000), 540),
      ).toISOString(),
    ).toBe('2026-07-01T01:00:00.000Z');
  });

  it('counts working days for acceptance deadlines (3 trading days)', () => {
    // Received Wed 09-30: working days after it are 10-08 (1), 10-09 (2), 10-10 调休 (3) → due Sat 10-10 17:30.
    expect(iso(addBusinessDays(sh('2026-09-30T10:00:00'), 3, cal))).toBe(iso(sh('2026-10-10T17:30:00')));
    // Received Fri 11-13: Mon (1), Tue (2), Wed (3) → Wed 11-18 17:30.
    expect(iso(addBusinessDays(sh('2026-11-13T16:00:00'), 3, cal))).toBe(iso(sh('2026-11-18T17:30:00')));
  });

  it('returns the start for zero minutes and refuses a calendar with no working time', () => {
    expect(iso(addBusinessTime(sh('2026-11-16T10:00:00'), 0, cal))).toBe(iso(sh('2026-11-16T10:00:00')));
    expect(() =>
      addBusinessTime(sh('2026-11-16T10:00:00'), 10, { timezone: 'Asia/Shanghai', week: {}, days: {} }),
    ).toThrow();
  });
});

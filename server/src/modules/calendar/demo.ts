// Demo data: the standard business calendar of a Chinese futures company with the 2026 public holidays and
// make-up working days (调休) as published by the State Council General Office (国务院办公厅, 2025-11).
import type { Database } from '../../db/index.ts';
import { demoSteps } from '../../demo/index.ts';
import { timeZone } from '../../platform/time.ts';

export const STANDARD_WEEK = {
  1: [
    ['08:30', '11:30'],
    ['13:00', '17:00'],
  ],
  2: [
    ['08:30', '11:30'],
    ['13:00', '17:00'],
  ],
  3: [
    ['08:30', '11:30'],
    ['13:00', '17:00'],
  ],
  4: [
    ['08:30', '11:30'],
    ['13:00', '17:00'],
  ],
  5: [
    ['08:30', '11:30'],
    ['13:00', '17:00'],
  ],
} as const;

const range = (from: string, to: string, name: string) => {
  const out: { day: string; kind: 'holiday'; name: string }[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000)
    out.push({ day: new Date(t).toISOString().slice(0, 10), kind: 'holiday', name });
  return out;
};
const workday = (day: string, name: string) => ({ day, kind: 'workday' as const, name });

/** 2026: 元旦 1/1–3, 春节 2/15–23, 清明 4/4–6, 劳动节 5/1–5, 端午 6/19–21, 中秋 9/25–27, 国庆 10/1–7. */
export const CN_2026 = [
  ...range('2026-01-01', '2026-01-03', '元旦'),
  workday('2026-01-04', '元旦调休上班'),
  workday('2026-02-14', '春节调休上班'),
  ...range('2026-02-15', '2026-02-23', '春节'),
  workday('2026-02-28', '春节调休上班'),
  ...range('2026-04-04', '2026-04-06', '清明节'),
  ...range('2026-05-01', '2026-05-05', '劳动节'),
  workday('2026-05-09', '劳动节调休上班'),
  ...range('2026-06-19', '2026-06-21', '端午节'),
  workday('2026-09-20', '国庆节调休上班'),
  ...range('2026-09-25', '2026-09-27', '中秋节'),
  ...range('2026-10-01', '2026-10-07', '国庆节'),
  workday('2026-10-10', '国庆节调休上班'),
];

export async function demoCalendar(db: Database) {
  const existing = await db
    .selectFrom('calendars')
    .select('id')
    .where('is_default', '=', true)
    .executeTakeFirst();
  if (existing) return existing.id;
  const cal = await db
    .insertInto('calendars')
    .values({
      name: '标准工作日历',
      timezone: timeZone(),
      week_hours: JSON.stringify(STANDARD_WEEK),
      is_default: true,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('calendar_days')
    .values(
      CN_2026.map((d) => ({ calendar_id: cal.id, day: d.day, kind: d.kind, name: d.name, hours: null })),
    )
    .execute();
  // The 2026 arrangement is entered; 2027's is not yet (the calendar falls back to the statutory holidays).
  await db.insertInto('calendar_years').values({ calendar_id: cal.id, year: 2026 }).execute();
  return cal.id;
}

demoSteps.push(async (db) => {
  await demoCalendar(db);
});

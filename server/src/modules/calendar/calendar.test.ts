import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.ts';
import { CN_2026, demoCalendar } from './demo.ts';
import { arrangementWarnings } from './service.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

const week = {
  1: [
    ['09:00', '12:00'],
    ['13:00', '17:30'],
  ],
  2: [
    ['09:00', '12:00'],
    ['13:00', '17:30'],
  ],
  3: [
    ['09:00', '12:00'],
    ['13:00', '17:30'],
  ],
  4: [
    ['09:00', '12:00'],
    ['13:00', '17:30'],
  ],
  5: [
    ['09:00', '12:00'],
    ['13:00', '17:30'],
  ],
};

describe('calendars', () => {
  it('administers a calendar and a year of holidays, and computes deadlines on it', async () => {
    const admin = await t.login('admin');
    const c = await t.call(admin, 'POST', '/api/calendars', { name: '测试日历', weekHours: week });
    expect(c.status).toBe(200);
    expect(c.body.timezone).toBe('Asia/Shanghai');
    const days = [
      ...['01', '02', '03', '04', '05', '06', '07'].map((d) => ({
        day: `2026-10-${d}`,
        kind: 'holiday',
        name: '国庆节',
      })),
      { day: '2026-10-10', kind: 'workday', name: '国庆节调休上班' },
    ];
    const put = await t.call(admin, 'PUT', `/api/calendars/${c.body.id}/years/2026`, { days });
    expect(put.status).toBe(200);
    expect(put.body).toHaveLength(8);
    const agent = await t.login('agent');
    expect((await t.call(agent, 'GET', `/api/calendars/${c.body.id}/years/2026`)).body[7]).toMatchObject({
      day: '2026-10-10',
      kind: 'workday',
    });
    // Opened 17:30 (close of day) on Wed 09-30; 24 business hours: Thu 7.5 + Fri 7.5 + Sat (调休) 7.5 = 22.5,
    // then Mon 10-12 09:00 + 1.5 h = 10:30 (+08:00) = 02:30Z.
    const d = await t.call(agent, 'POST', `/api/calendars/${c.body.id}/deadline`, {
      start: '2026-09-30T17:30:00+08:00',
      minutes: 24 * 60,
    });
    expect(d.body).toEqual({
      dueAt: '2026-10-12T02:30:00.000Z',
      businessMinutesUntilDue: 1440,
      provisional: false,
    });
    // Paused (waiting on the customer) Thu 10:00 → Fri 10:00 = 7.5 business hours: due Tue 10-13 10:30.
    const p = await t.call(agent, 'POST', `/api/calendars/${c.body.id}/deadline`, {
      start: '2026-09-30T17:30:00+08:00',
      minutes: 24 * 60,
      pauses: [{ from: '2026-10-08T10:00:00+08:00', to: '2026-10-09T10:00:00+08:00' }],
    });
    expect(p.body.dueAt).toBe('2026-10-13T02:30:00.000Z');
  });

  it('refuses bad hours, bad zones, days outside the year, and non-administrators', async () => {
    const admin = await t.login('admin');
    const bad = await t.call(admin, 'POST', '/api/calendars', {
      name: 'x',
      weekHours: { 1: [['12:00', '09:00']] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('HOURS_INVALID');
    const tz = await t.call(admin, 'POST', '/api/calendars', {
      name: 'y',
      timezone: 'Mars/Base',
      weekHours: {},
    });
    expect(tz.body.error.code).toBe('TIMEZONE_INVALID');
    const c = await t.call(admin, 'POST', '/api/calendars', { name: 'z', weekHours: week });
    const y = await t.call(admin, 'PUT', `/api/calendars/${c.body.id}/years/2026`, {
      days: [{ day: '2027-01-01', kind: 'holiday' }],
    });
    expect(y.body.error.code).toBe('DAY_INVALID');
    const sup = await t.login('supervisor');
    expect((await t.call(sup, 'POST', '/api/calendars', { name: 'w', weekHours: week })).status).toBe(403);
    const stale = await t.call(admin, 'PATCH', `/api/calendars/${c.body.id}`, { name: 'z2', version: 99 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('VERSION_CONFLICT');
  });

  it('demo data holds the 2026 holidays and make-up days (春节 9 days, 国庆 with two 调休 days)', async () => {
    const id = await demoCalendar(t.db);
    const admin = await t.login('admin');
    const days = (await t.call(admin, 'GET', `/api/calendars/${id}/years/2026`)).body;
    expect(days).toHaveLength(CN_2026.length);
    expect(days.filter((d: any) => d.name === '春节')).toHaveLength(9);
    expect(days.filter((d: any) => d.kind === 'workday').map((d: any) => d.day)).toEqual([
      '2026-01-04',
      '2026-02-14',
      '2026-02-28',
      '2026-05-09',
      '2026-09-20',
      '2026-10-10',
    ]);
  });

  it('tells working from trading days per day, and 2027 (no arrangement) from its statutory holidays', async () => {
    const id = await demoCalendar(t.db);
    const agent = await t.login('agent');
    const y26 = (await t.call(agent, 'GET', `/api/calendars/${id}/years/2026/facts`)).body;
    expect(y26).toMatchObject({ year: 2026, arranged: true });
    const at = (y: any, d: string) => y.days.find((x: any) => x.day === d);
    // Sat 02-14 is a make-up working day (调休上班): worked, not traded.
    expect(at(y26, '2026-02-14')).toEqual({
      day: '2026-02-14',
      working: true,
      trading: false,
      statutory: null,
    });
    expect(at(y26, '2026-02-24')).toMatchObject({ working: true, trading: true });
    const y27 = (await t.call(agent, 'GET', `/api/calendars/${id}/years/2027/facts`)).body;
    expect(y27).toMatchObject({ year: 2027, arranged: false, arrangedAt: null });
    expect(at(y27, '2027-02-06')).toEqual({
      day: '2027-02-06',
      working: false,
      trading: false,
      statutory: '春节',
    });
    expect(y27.days.filter((d: any) => d.statutory)).toHaveLength(13);
    // A deadline preview into 2027 says it is provisional.
    const p = await t.call(agent, 'POST', `/api/calendars/${id}/deadline`, {
      start: '2026-12-31T16:00:00+08:00',
      days: 1,
      unit: 'trading_days',
    });
    // Fri 2027-01-01 元旦; Mon 01-04 (1) at the close, 17:00.
    expect(p.body).toMatchObject({ dueAt: '2027-01-04T09:00:00.000Z', provisional: true });
  });

  it('warns administrators from 1 November until next year’s arrangement is entered', async () => {
    const admin = await t.login('admin');
    const c = (await t.call(admin, 'POST', '/api/calendars', { name: '提醒日历', weekHours: week })).body;
    await t.call(admin, 'PUT', `/api/calendars/${c.id}/years/2026`, { days: CN_2026 });
    const mine = async (now: Date) =>
      (await arrangementWarnings(t.db, now)).filter((w) => w.calendarId === c.id).map((w) => w.year);
    // Shanghai time: 10-31 23:59 no warning yet; 11-01 00:00 the 2027 warning.
    expect(await mine(new Date('2026-10-31T23:59:00+08:00'))).toEqual([]);
    expect(await mine(new Date('2026-11-01T00:00:00+08:00'))).toEqual([2027]);
    expect(await mine(new Date('2026-12-31T23:00:00+08:00'))).toEqual([2027]);
    // The current year missing is always a warning: on 2027-01-02, 2027.
    expect(await mine(new Date('2027-01-02T10:00:00+08:00'))).toEqual([2027]);
    // Today (the server's clock) the route answers administrators only.
    const today = await t.call(admin, 'GET', '/api/calendars/warnings');
    expect(today.status).toBe(200);
    const agent = await t.login('agent');
    expect((await t.call(agent, 'GET', '/api/calendars/warnings')).body).toEqual([]);
    const put = await t.call(admin, 'PUT', `/api/calendars/${c.id}/years/2027`, {
      days: [{ day: '2027-01-01', kind: 'holiday', name: '元旦' }],
    });
    expect(put.status).toBe(200);
    expect(await mine(new Date('2026-11-15T10:00:00+08:00'))).toEqual([]);
    const facts = (await t.call(admin, 'GET', `/api/calendars/${c.id}/years/2027/facts`)).body;
    expect(facts.arranged).toBe(true);
    // Arranged: only the entered days are holidays (the statutory fallback is gone).
    expect(facts.days.find((d: any) => d.day === '2027-02-08')).toMatchObject({
      working: true,
      statutory: null,
    });
    // Saving an empty year withdraws the arrangement: the statutory holidays and the warning are back.
    await t.call(admin, 'PUT', `/api/calendars/${c.id}/years/2027`, { days: [] });
    expect(await mine(new Date('2026-11-15T10:00:00+08:00'))).toEqual([2027]);
    const back = (await t.call(admin, 'GET', `/api/calendars/${c.id}/years/2027/facts`)).body;
    expect(back.arranged).toBe(false);
    expect(back.days.find((d: any) => d.day === '2027-02-08')).toMatchObject({
      working: false,
      statutory: '春节',
    });
  });
});

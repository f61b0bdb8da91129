// Deadlines and the yearly holiday arrangement: complaint acceptance in trading days on the 2026 national calendar,
// a deadline counted into 2027 (no arrangement yet) on its statutory holidays and provisional, recomputed when the
// arrangement is saved, and the reminder to administrators from 1 November.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.ts';
import { CN_2026, STANDARD_WEEK } from '../calendar/demo.ts';
import { arrangementTitle, recomputeForCalendarYear, remindArrangements } from './arrangement.ts';
import { makeCustomer } from './fixtures.ts';
import { recomputeTargets } from './sla.ts';

let t: TestApp;
let calendarId: number;
const calendarName = `国家日历 ${Math.random().toString(36).slice(2, 8)}`;
beforeAll(async () => {
  t = await createTestApp();
  const admin = await t.login('admin');
  const cal = await t.call(admin, 'POST', '/api/calendars', {
    name: calendarName,
    weekHours: STANDARD_WEEK,
    isDefault: true,
  });
  calendarId = cal.body.id;
  // The 2026 national arrangement as published (demo data); 2027 is not entered.
  expect(
    (await t.call(admin, 'PUT', `/api/calendars/${calendarId}/years/2026`, { days: CN_2026 })).status,
  ).toBe(200);
  const p = await t.call(admin, 'POST', '/api/sla-policies', {
    name: `国家日历策略 ${Math.random().toString(36).slice(2, 8)}`,
    calendarId,
    firstResponseMinutes: 120,
    resolutionMinutes: 24 * 60,
    acceptanceDays: 3,
    warnShare: 0.8,
  });
  expect(p.status).toBe(200);
  // Acceptance counts trading days unless the policy says otherwise; the hours targets count working hours.
  expect(p.body).toMatchObject({
    acceptanceUnit: 'trading_days',
    units: {
      first_response: 'working_hours',
      onsite: 'working_hours',
      resolution: 'working_hours',
      acceptance: 'trading_days',
    },
  });
});
afterAll(async () => t?.close());

const sh = (s: string) => new Date(`${s}+08:00`).toISOString();
const target = (ticket: any, name: string) => ticket.sla.find((x: any) => x.target === name);
const userId = async (username: string) =>
  (await t.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;

/**
 * A ticket received at a given moment. The API takes received times within the last 90 days only, so the ticket
 * is logged now and its stored receipt moved to the moment of the story; its targets are computed from that.
 */
async function receivedAt(body: Record<string, unknown>, at: string) {
  const agent = await t.login('agent');
  const res = await t.call(agent, 'POST', '/api/tickets', { customerId: await makeCustomer(t), ...body });
  expect(res.status).toBe(200);
  await t.db
    .updateTable('tickets')
    .set({ received_at: new Date(at) })
    .where('id', '=', res.body.id)
    .execute();
  await recomputeTargets(t.db, res.body.id);
  return (await t.call(agent, 'GET', `/api/tickets/${res.body.id}`)).body.ticket;
}

describe('trading days and the yearly arrangement', () => {
  it('a complaint received on the Friday before a make-up Saturday is due on the 3rd trading day after it', async () => {
    const tk = await receivedAt(
      {
        type: 'complaint',
        channel: 'phone_in',
        subject: '节前投诉：强平通知',
        complaint: { source: 'own_channel', severity: 'normal' },
      },
      '2026-02-13T16:00:00+08:00',
    );
    // Fri 02-13. Sat 02-14 is worked (春节调休上班) but the exchanges do not trade; 02-15…02-23 春节;
    // trading days: Tue 02-24 (1), Wed 02-25 (2), Thu 02-26 (3) → the close of Thu 02-26, 17:00.
    expect(target(tk, 'acceptance')).toMatchObject({
      days: 3,
      unit: 'trading_days',
      dueAt: sh('2026-02-26T17:00:00'),
      provisional: false,
    });
    // First response 2 working hours: Fri 16:00–17:00 (1 h), Sat 02-14 (worked) 08:30 + 1 h = 09:30.
    expect(target(tk, 'first_response')).toMatchObject({
      unit: 'working_hours',
      dueAt: sh('2026-02-14T09:30:00'),
      provisional: false,
    });
  });

  it('counts into 2027 on its statutory holidays, flags it provisional, and recomputes when 2027 is saved', async () => {
    const tk = await receivedAt(
      { type: 'consultation', channel: 'phone_in', subject: '年末咨询：2027 年交易安排' },
      '2026-12-31T16:00:00+08:00',
    );
    // 2 h: Thu 12-31 16:00–17:00 (1 h); Fri 2027-01-01 元旦 (statutory, no arrangement entered); Sat, Sun;
    // Mon 01-04 08:30 + 1 h = 09:30 — never on 01-01, and provisional.
    const fr = target(tk, 'first_response');
    expect(fr).toMatchObject({ dueAt: sh('2027-01-04T09:30:00'), provisional: true });
    expect(fr.dueAt).not.toContain('2027-01-01');

    // The administrator enters 2027 (a hypothetical arrangement: 元旦 01-01…01-04 off, Sat 01-09 made up) — the
    // saved year enqueues the recomputation.
    const admin = await t.login('admin');
    const put = await t.call(admin, 'PUT', `/api/calendars/${calendarId}/years/2027`, {
      days: [
        { day: '2027-01-01', kind: 'holiday', name: '元旦' },
        { day: '2027-01-02', kind: 'holiday', name: '元旦' },
        { day: '2027-01-03', kind: 'holiday', name: '元旦' },
        { day: '2027-01-04', kind: 'holiday', name: '元旦' },
        { day: '2027-01-09', kind: 'workday', name: '元旦调休上班' },
      ],
    });
    expect(put.status).toBe(200);
    const jobs = await sql<{ key: string }>`select key from graphile_worker.jobs
      where task_identifier = 'ticket_sla_recalendar'`.execute(t.db);
    expect(jobs.rows.map((j) => j.key)).toContain(`ticket_sla_recalendar:${calendarId}:2027`);
    // What the job does:
    expect(await recomputeForCalendarYear(t.db, calendarId, 2027)).toBeGreaterThanOrEqual(1);
    const agent = await t.login('agent');
    const again = (await t.call(agent, 'GET', `/api/tickets/${tk.id}`)).body.ticket;
    // Now Mon 01-04 is a holiday too: Tue 01-05 08:30 + 1 h = 09:30, and no longer provisional.
    expect(target(again, 'first_response')).toMatchObject({
      dueAt: sh('2027-01-05T09:30:00'),
      provisional: false,
    });
  });

  it('reminds settings administrators once, from 1 November, of next year’s missing arrangement', async () => {
    const admin = await t.login('admin');
    const adminId = await userId('admin');
    const other = await t.call(admin, 'POST', '/api/calendars', {
      name: `提醒 ${Math.random().toString(36).slice(2, 8)}`,
      weekHours: STANDARD_WEEK,
    });
    await t.call(admin, 'PUT', `/api/calendars/${other.body.id}/years/2026`, { days: CN_2026 });
    const title = arrangementTitle({ year: 2027, calendarName: other.body.name });
    const mine = async () =>
      t.db
        .selectFrom('notifications')
        .select(['user_id', 'kind', 'ticket_id', 'params'])
        .where('title', '=', title)
        .execute();
    await remindArrangements(t.db, new Date('2026-10-31T12:00:00+08:00'));
    expect(await mine()).toEqual([]);
    await remindArrangements(t.db, new Date('2026-11-01T09:00:00+08:00'));
    const first = await mine();
    // Stored as a kind with parameters: each reader's language renders it.
    expect(first).toContainEqual({
      user_id: adminId,
      kind: 'arrangement_missing',
      ticket_id: null,
      params: { year: 2027, calendar: other.body.name, calendarId: other.body.id },
    });
    // An agent administers no settings and is not told.
    expect(first.map((n) => n.user_id)).not.toContain(await userId('agent'));
    await remindArrangements(t.db, new Date('2026-11-02T09:00:00+08:00'));
    expect(await mine()).toHaveLength(first.length);
  });
});

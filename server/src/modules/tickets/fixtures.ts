// Test fixtures of the service desk: a calendar whose hand computations are easy, SLA policies, a customer.
import type { TestApp } from '../../test/app.ts';

export const DAY_HOURS = [
  ['09:00', '12:00'],
  ['13:00', '17:30'],
];
/** Mon–Fri 09:00–12:00, 13:00–17:30 (7.5 h); 国庆 2026 10-01…10-07 off; Sat 10-10 a make-up working day. */
export async function setupDesk(t: TestApp, policy: Record<string, unknown> = {}) {
  const admin = await t.login('admin');
  const cal = await t.call(admin, 'POST', '/api/calendars', {
    name: `测试日历 ${Math.random().toString(36).slice(2, 8)}`,
    weekHours: { 1: DAY_HOURS, 2: DAY_HOURS, 3: DAY_HOURS, 4: DAY_HOURS, 5: DAY_HOURS },
    isDefault: true,
  });
  if (cal.status !== 200) throw new Error(JSON.stringify(cal.body));
  const days = [
    ...['01', '02', '03', '04', '05', '06', '07'].map((d) => ({
      day: `2026-10-${d}`,
      kind: 'holiday',
      name: '国庆节',
    })),
    { day: '2026-10-10', kind: 'workday', name: '国庆节调休上班' },
  ];
  await t.call(admin, 'PUT', `/api/calendars/${cal.body.id}/years/2026`, { days });
  const p = await t.call(admin, 'POST', '/api/sla-policies', {
    name: `标准 ${Math.random().toString(36).slice(2, 8)}`,
    calendarId: cal.body.id,
    firstResponseMinutes: 120,
    resolutionMinutes: 24 * 60,
    onsiteMinutes: 8 * 60,
    acceptanceDays: 3,
    warnShare: 0.8,
    ...policy,
  });
  if (p.status !== 200) throw new Error(JSON.stringify(p.body));
  return { calendarId: cal.body.id as number, policyId: p.body.id as number };
}

/** A customer of a branch (2 = BJ01, 3 = SH01), inserted directly. */
export async function makeCustomer(t: TestApp, branchId = 2, extra: Record<string, unknown> = {}) {
  const code = `C${Math.random().toString(36).slice(2, 10)}`;
  const row = await t.db
    .insertInto('customers')
    .values({
      code,
      kind: 'individual',
      name: '王先生',
      branch_id: branchId,
      email: 'wang@example.com',
      ...extra,
    } as any)
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

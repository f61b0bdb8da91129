import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.ts';
import { makeCustomer, setupDesk } from './fixtures.ts';
import { evaluateSla, recomputeTargets, scheduleNextCheck, slaJobKey, sweepSla } from './sla.ts';

let t: TestApp;
let desk: { calendarId: number; policyId: number };
beforeAll(async () => {
  t = await createTestApp();
  desk = await setupDesk(t, { breachRaisePriority: true });
});
afterAll(async () => t?.close());

const sh = (s: string) => new Date(`${s}+08:00`).toISOString();
const target = (ticket: any, name: string) => ticket.sla.find((x: any) => x.target === name);
const events = (id: number, kind: string) =>
  t.db.selectFrom('ticket_events').selectAll().where('ticket_id', '=', id).where('kind', '=', kind).execute();

describe('SLA deadlines in business time', () => {
  it('gives a ticket opened at 17:30 before the national-day holiday the deadlines a person computes by hand', async () => {
    const agent = await t.login('agent');
    const res = await t.call(agent, 'POST', '/api/tickets', {
      type: 'consultation',
      channel: 'phone_in',
      customerId: await makeCustomer(t),
      subject: '节前咨询：保证金比例',
      receivedAt: '2026-09-30T17:30:00+08:00',
    });
    expect(res.status).toBe(200);
    const tk = res.body;
    // Received Wed 09-30 17:30 = the close of the working day; 10-01…10-07 are holidays.
    // First response 2 h: Thu 10-08 09:00 + 2 h = 11:00. Warning at 80 % = 96 min: 09:00 + 1 h 36 = 10:36.
    expect(target(tk, 'first_response')).toMatchObject({
      dueAt: sh('2026-10-08T11:00:00'),
      warnAt: sh('2026-10-08T10:36:00'),
    });
    // Resolution 24 h: Thu 7.5 h + Fri 7.5 h + Sat 10-10 (调休 working day) 7.5 h = 22.5 h; Sun off;
    // Mon 10-12 09:00 + 1.5 h = 10:30.
    expect(target(tk, 'resolution').dueAt).toBe(sh('2026-10-12T10:30:00'));
    // A consultation needs no visit: no on-site target.
    expect(target(tk, 'onsite')).toBeUndefined();
    expect(target(tk, 'resolution').state).toBe('breached');
    expect(tk.firstContactOwnerId).toBe(tk.assigneeId);

    // Waiting on the customer Thu 10-08 10:00 → Fri 10-09 10:00 (stored pause) takes 7.5 business hours out:
    // the resolution deadline moves one working day, to Tue 10-13 10:30.
    await t.db
      .insertInto('ticket_pauses')
      .values({
        ticket_id: tk.id,
        started_at: sh('2026-10-08T10:00:00'),
        ended_at: sh('2026-10-09T10:00:00'),
      })
      .execute();
    await recomputeTargets(t.db, tk.id);
    const again = (await t.call(agent, 'GET', `/api/tickets/${tk.id}`)).body.ticket;
    expect(target(again, 'resolution').dueAt).toBe(sh('2026-10-13T10:30:00'));
  });

  it('pauses the clock while waiting on the customer and restarts it when they answer', async () => {
    const agent = await t.login('agent');
    const tk = (
      await t.call(agent, 'POST', '/api/tickets', {
        type: 'service_request',
        channel: 'phone_in',
        subject: '修改联系电话',
      })
    ).body;
    const due = target(tk, 'resolution').dueAt;
    expect(due).not.toBeNull();
    const w = await t.call(agent, 'PATCH', `/api/tickets/${tk.id}`, {
      version: tk.version,
      status: 'waiting_customer',
    });
    expect(w.status).toBe(200);
    expect(target(w.body, 'resolution')).toMatchObject({ dueAt: null, state: 'paused' });
    // The customer calls back: recorded as an inbound message, the ticket opens and the clock runs again.
    const m = await t.call(agent, 'POST', `/api/tickets/${tk.id}/messages`, {
      visibility: 'public',
      direction: 'inbound',
      body: '客户来电提供了新号码',
    });
    expect(m.status).toBe(200);
    const after = (await t.call(agent, 'GET', `/api/tickets/${tk.id}`)).body.ticket;
    expect(after.status).toBe('open');
    expect(target(after, 'resolution').dueAt).not.toBeNull();
    // The pause fell in non-working time or lasted seconds: the deadline moved by at most that.
    expect(new Date(target(after, 'resolution').dueAt).getTime() - new Date(due).getTime()).toBeLessThan(
      60_000,
    );
  });

  it('warns at 80 % and escalates on breach exactly once, however often the job and the sweeper run', async () => {
    const agent = await t.login('agent');
    const tk = (
      await t.call(agent, 'POST', '/api/tickets', {
        type: 'consultation',
        channel: 'phone_in',
        subject: '交易时间咨询',
        receivedAt: '2026-11-20T09:00:00+08:00',
      })
    ).body;
    // Resolution 24 h from Fri 11-20 09:00: Fri 7.5, Mon 7.5, Tue 7.5 = 22.5 h; Wed 11-25 09:00 + 1.5 h = 10:30.
    // Warning at 19.2 h = 1152 min: Fri 450 + Mon 450 = 900; Tue 09:00–12:00 (180) + 13:00 + 72 min = 14:12.
    expect(target(tk, 'resolution')).toMatchObject({
      dueAt: sh('2026-11-25T10:30:00'),
      warnAt: sh('2026-11-24T14:12:00'),
    });
    // One job per ticket, whatever re-schedules it (deterministic job key).
    await scheduleNextCheck(t.db, tk.id);
    await scheduleNextCheck(t.db, tk.id);
    const jobs = await sql<{
      n: number;
    }>`select count(*)::int as n from graphile_worker.jobs where key = ${slaJobKey(tk.id)}`.execute(t.db);
    expect(jobs.rows[0].n).toBe(1);

    // The first response (due Fri 11:00) was missed already: the sweeper records its breach once.
    const tue = new Date(sh('2026-11-24T15:00:00'));
    await sweepSla(t.db, new Date(sh('2026-11-20T11:30:00')));
    await sweepSla(t.db, new Date(sh('2026-11-20T11:30:00')));
    expect((await events(tk.id, 'sla_breach')).map((e) => e.target)).toEqual(['first_response']);
    // Priority raised once on the first breach.
    let now = (await t.call(agent, 'GET', `/api/tickets/${tk.id}`)).body.ticket;
    expect(now.priority).toBe('high');

    // Tuesday 15:00: past the warning, before the breach — the job and the sweeper both run, twice.
    await evaluateSla(t.db, tk.id, tue);
    await evaluateSla(t.db, tk.id, tue);
    await sweepSla(t.db, tue);
    expect((await events(tk.id, 'sla_warning')).map((e) => e.target)).toEqual(['resolution']);

    // The server is down from Tuesday to Thursday; after the restart the job (enqueued twice) and the sweeper run.
    const thu = new Date(sh('2026-11-26T09:30:00'));
    await Promise.all([evaluateSla(t.db, tk.id, thu), evaluateSla(t.db, tk.id, thu), sweepSla(t.db, thu)]);
    await sweepSla(t.db, thu);
    expect((await events(tk.id, 'sla_breach')).map((e) => e.target).sort()).toEqual([
      'first_response',
      'resolution',
    ]);
    expect(await events(tk.id, 'escalated')).toHaveLength(2);
    now = (await t.call(agent, 'GET', `/api/tickets/${tk.id}`)).body.ticket;
    expect(now.priority).toBe('high'); // not raised again for the second target

    // The supervisor got one breach notification per target; the agent sees the warning.
    const sup = await t.login('supervisor');
    const notes = (await t.call(sup, 'GET', '/api/notifications?limit=100')).body.items.filter(
      (n: any) => n.ticketId === tk.id,
    );
    expect(notes.map((n: any) => n.kind).sort()).toEqual(['breach', 'breach']);
    const mine = (await t.call(agent, 'GET', '/api/notifications?limit=100')).body;
    expect(mine.items.filter((n: any) => n.ticketId === tk.id && n.kind === 'warning')).toHaveLength(1);
    const read = await t.call(agent, 'POST', `/api/notifications/${mine.items[0].id}/read`);
    expect(read.body.readAt).not.toBeNull();
    expect((await t.call(sup, 'POST', `/api/notifications/${mine.items[0].id}/read`)).status).toBe(404);

    // The breached queue lists it.
    const breached = await t.call(agent, 'GET', '/api/tickets?view=breached');
    expect(breached.body.items.map((x: any) => x.id)).toContain(tk.id);
    const counts = await t.call(agent, 'GET', '/api/tickets/queues');
    expect(counts.body.breached).toBeGreaterThanOrEqual(1);
    expect(counts.body.byType.consultation).toBeGreaterThanOrEqual(1);
  });

  it('reassigns on breach when the policy says so, recorded as a transfer', async () => {
    const admin = await t.login('admin');
    const supId = (
      await t.db
        .selectFrom('users')
        .select('id')
        .where('username', '=', 'supervisor')
        .executeTakeFirstOrThrow()
    ).id;
    await t.call(admin, 'POST', '/api/sla-policies', {
      name: '故障报修-紧急',
      ticketType: 'fault',
      priority: 'urgent',
      calendarId: desk.calendarId,
      firstResponseMinutes: 30,
      onsiteMinutes: 240,
      resolutionMinutes: 480,
      breachReassignToId: supId,
    });
    const agent = await t.login('agent');
    const tk = (
      await t.call(agent, 'POST', '/api/tickets', {
        type: 'fault',
        priority: 'urgent',
        channel: 'phone_in',
        subject: '行情终端无法登录',
        receivedAt: '2026-11-20T09:00:00+08:00',
      })
    ).body;
    expect(tk.sla.map((x: any) => x.target).sort()).toEqual(['first_response', 'onsite', 'resolution']);
    expect(target(tk, 'first_response').dueAt).toBe(sh('2026-11-20T09:30:00'));
    expect(target(tk, 'onsite').dueAt).toBe(sh('2026-11-20T14:00:00'));
    await evaluateSla(t.db, tk.id, new Date(sh('2026-11-20T10:00:00')));
    await evaluateSla(t.db, tk.id, new Date(sh('2026-11-20T10:00:00')));
    const d = (await t.call(agent, 'GET', `/api/tickets/${tk.id}`)).body;
    expect(d.ticket.assigneeId).toBe(supId);
    expect(d.ticket.firstContactOwnerId).toBe(tk.firstContactOwnerId); // the owner never changes
    expect(d.transfers).toHaveLength(1);
    expect(d.transfers[0].reason).toMatch(/SLA breach/);
  });
});

describe('SLA policy choice', () => {
  it('picks the most specific policy: type and priority, then customer tier, then the catch-all', async () => {
    const admin = await t.login('admin');
    await t.call(admin, 'POST', '/api/sla-policies', {
      name: '套保大户优先',
      customerTier: '套保大户',
      calendarId: desk.calendarId,
      firstResponseMinutes: 30,
      resolutionMinutes: 480,
    });
    const agent = await t.login('agent');
    const vip = await makeCustomer(t, 2, { tier: '套保大户' });
    const a = await t.call(agent, 'POST', '/api/tickets', {
      type: 'service_request',
      channel: 'phone_in',
      customerId: vip,
      subject: '套保额度申请',
      receivedAt: '2026-11-20T09:00:00+08:00',
    });
    expect(target(a.body, 'first_response')).toMatchObject({ minutes: 30, dueAt: sh('2026-11-20T09:30:00') });
    const b = await t.call(agent, 'POST', '/api/tickets', {
      type: 'service_request',
      channel: 'phone_in',
      customerId: await makeCustomer(t),
      subject: '修改地址',
      receivedAt: '2026-11-20T09:00:00+08:00',
    });
    expect(target(b.body, 'first_response').minutes).toBe(120);
    // A visit is recorded: the on-site target is met.
    const f = await t.call(agent, 'POST', '/api/tickets', {
      type: 'service_request',
      channel: 'phone_in',
      subject: '上门安装行情专线',
      needsOnsite: true,
    });
    expect(target(f.body, 'onsite').minutes).toBe(480);
    const v = await t.call(agent, 'PATCH', `/api/tickets/${f.body.id}`, {
      version: f.body.version,
      onsiteAt: new Date().toISOString(),
    });
    expect(target(v.body, 'onsite').state).toBe('met');
  });
});

describe('complaints', () => {
  it('a regulator-hotline complaint not accepted within 3 trading days shows as breached', async () => {
    const agent = await t.login('agent');
    const res = await t.call(agent, 'POST', '/api/tickets', {
      type: 'complaint',
      channel: 'phone_in',
      customerId: await makeCustomer(t),
      subject: '12386 转办：手续费争议',
      receivedAt: '2026-11-10T10:00:00+08:00',
      complaint: { source: 'regulator_hotline', severity: 'major', regulatorRef: '12386-2026-001234' },
    });
    expect(res.status).toBe(200);
    // Received Tue 11-10: trading days after it are Wed (1), Thu (2), Fri (3) → due Fri 11-13 at the close, 17:30.
    const acc = target(res.body, 'acceptance');
    expect(acc).toMatchObject({ days: 3, dueAt: sh('2026-11-13T17:30:00'), state: 'breached' });
    expect(res.body.complaint).toMatchObject({
      source: 'regulator_hotline',
      regulatorRef: '12386-2026-001234',
      accepted: null,
    });
    await sweepSla(t.db);
    expect((await events(res.body.id, 'sla_breach')).map((e) => e.target)).toContain('acceptance');
    const breached = await t.call(agent, 'GET', '/api/tickets?view=breached&type=complaint');
    expect(breached.body.items.map((x: any) => x.id)).toContain(res.body.id);

    // The breach raised the priority (policy), so the ticket has a new version.
    const fresh = (await t.call(agent, 'GET', `/api/tickets/${res.body.id}`)).body.ticket;
    expect(fresh.priority).toBe('high');
    // Not accepting needs a reason; the late decision is recorded as met late.
    const noReason = await t.call(agent, 'PATCH', `/api/tickets/${res.body.id}/complaint`, {
      version: fresh.version,
      accepted: false,
    });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.fields.notAcceptedReason).toBe('REASON_REQUIRED');
    const dec = await t.call(agent, 'PATCH', `/api/tickets/${res.body.id}/complaint`, {
      version: fresh.version,
      accepted: false,
      notAcceptedReason: '不属于本公司业务范围',
    });
    expect(dec.status).toBe(200);
    expect(target(dec.body, 'acceptance').state).toBe('met_late');
  });

  it('reports recurring root causes with open and late corrective actions', async () => {
    const sup = await t.login('supervisor');
    const rc = await t.call(sup, 'POST', '/api/root-cause-categories', { name: '手续费告知不充分' });
    expect(rc.status).toBe(200);
    const ids: number[] = [];
    for (const day of ['2026-11-03', '2026-11-05']) {
      const c = await t.call(sup, 'POST', '/api/tickets', {
        type: 'complaint',
        channel: 'counter',
        subject: '手续费高于预期',
        receivedAt: `${day}T10:00:00+08:00`,
      });
      const u = await t.call(sup, 'PATCH', `/api/tickets/${c.body.id}/complaint`, {
        version: c.body.version,
        accepted: true,
        rootCauseCategoryId: rc.body.id,
        rootCauseText: '开户时未逐项说明手续费标准',
        resolution: '退还多收部分并道歉',
        compensationAmount: 120.5,
        customerAccepted: true,
      });
      expect(u.status).toBe(200);
      expect(u.body.complaint.compensationAmount).toBe('120.50');
      ids.push(c.body.id);
    }
    const agentId = (
      await t.db.selectFrom('users').select('id').where('username', '=', 'agent').executeTakeFirstOrThrow()
    ).id;
    const late = await t.call(sup, 'POST', `/api/tickets/${ids[0]}/corrective-actions`, {
      description: '修订开户手续费告知书',
      ownerId: agentId,
      dueDate: '2026-11-15',
    });
    expect(late.status).toBe(200);
    expect(late.body.late).toBe(true);
    const open = await t.call(sup, 'POST', `/api/tickets/${ids[0]}/corrective-actions`, {
      description: '全员培训手续费话术',
      ownerId: agentId,
      dueDate: '2027-01-31',
    });
    expect(open.body.late).toBe(false);
    const report = await t.call(sup, 'GET', '/api/tickets/reports/root-causes?period=month');
    expect(report.status).toBe(200);
    expect(report.body.find((r: any) => r.categoryId === rc.body.id)).toEqual({
      period: '2026-11-01',
      categoryId: rc.body.id,
      categoryName: '手续费告知不充分',
      complaints: 2,
      openActions: 2,
      lateActions: 1,
      recurring: true,
    });
    // Completing the late action takes it out of both counts.
    await t.call(sup, 'PATCH', `/api/tickets/${ids[0]}/corrective-actions/${late.body.id}`, {
      completed: true,
    });
    const r2 = (await t.call(sup, 'GET', '/api/tickets/reports/root-causes')).body.find(
      (r: any) => r.categoryId === rc.body.id,
    );
    expect([r2.openActions, r2.lateActions]).toEqual([1, 0]);
    // An agent has no report permission.
    expect((await t.call(await t.login('agent'), 'GET', '/api/tickets/reports/root-causes')).status).toBe(
      403,
    );
  });
});

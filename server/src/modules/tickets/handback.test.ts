// 内转外不转 comes back (issue 16): the department answers in notes and hands the work back (回转) to the
// first-contact owner, who is told of each; customer-facing actions stay with the owner; a complaint is resolved only
// after its acceptance decision and root cause.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.ts';
import { userId } from '../../test/fixtures.ts';
import { makeCustomer, setupDesk } from './fixtures.ts';
import { sweepSla } from './sla.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await setupDesk(t);
});
afterAll(async () => {
  await t?.close();
});

const settleId = async () =>
  (await t.db.selectFrom('departments').select('id').where('code', '=', 'SETTLE').executeTakeFirstOrThrow())
    .id;
const count = async (table: 'ticket_messages' | 'ticket_transfers', ticketId: number) =>
  Number(
    (
      await t.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .where('ticket_id', '=', ticketId)
        .executeTakeFirstOrThrow()
    ).n,
  );
const myNotes = async (cookie: string, ticketId: number) =>
  ((await t.call(cookie, 'GET', '/api/notifications')).body.items as any[]).filter(
    (n) => n.ticketId === ticketId,
  );

/** The agent's ticket, its work passed to the settlement department (结算部). */
async function routedToSettlement(type = 'service_request') {
  const agent = await t.login('agent');
  const tk = (
    await t.call(agent, 'POST', '/api/tickets', {
      type,
      channel: 'phone_in',
      customerId: await makeCustomer(t),
      subject: '结算单手续费多扣',
      description: '客户称11月20日结算单手续费多扣',
    })
  ).body;
  const moved = await t.call(agent, 'POST', `/api/tickets/${tk.id}/transfer`, {
    toDepartmentId: await settleId(),
    reason: '需结算部核对手续费',
  });
  expect(moved.status).toBe(200);
  return { agent, tk: moved.body, settlement: await t.login('settlement') };
}

describe('hand-back (回转) to the first-contact owner', () => {
  it('the department notes and hands back with its answer; the owner is told of both, by name and team', async () => {
    const { agent, tk, settlement } = await routedToSettlement();
    const note = await t.call(settlement, 'POST', `/api/tickets/${tk.id}/messages`, {
      visibility: 'internal',
      body: '正在核对11月20日的手续费明细',
    });
    expect(note.status).toBe(200);
    const [n1] = await myNotes(agent, tk.id);
    expect(n1).toMatchObject({
      kind: 'note',
      body: '正在核对11月20日的手续费明细',
      params: { number: tk.number, by: '孙结算', team: expect.any(String) },
    });
    expect(n1.params.team).not.toBe('');

    // The department sees note and hand-back, not the customer-facing actions.
    const seen = (await t.call(settlement, 'GET', `/api/tickets/${tk.id}`)).body;
    expect(seen.allowed).toEqual({ faceCustomer: false, transfer: true, handBack: true });

    const back = await t.call(settlement, 'POST', `/api/tickets/${tk.id}/hand-back`, {
      version: seen.ticket.version,
      answer: '已核对：多扣 12 元，已于今日冲正',
    });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({
      assigneeId: tk.firstContactOwnerId,
      firstContactOwnerId: tk.firstContactOwnerId,
      departmentId: null,
    });
    const d = (await t.call(agent, 'GET', `/api/tickets/${tk.id}`)).body;
    // Stored as a hop (the answer its reason) and on the ticket's history.
    expect(d.transfers.map((x: any) => [x.kind, x.reason])).toEqual([
      ['transfer', '需结算部核对手续费'],
      ['hand_back', '已核对：多扣 12 元，已于今日冲正'],
    ]);
    expect(d.transfers[1]).toMatchObject({
      fromDepartmentId: await settleId(),
      toUserId: tk.firstContactOwnerId,
    });
    const ev = d.events.find((e: any) => e.kind === 'handed_back');
    expect(ev.data).toMatchObject({
      answer: '已核对：多扣 12 元，已于今日冲正',
      toUserId: tk.firstContactOwnerId,
    });
    // Everyone named has a name and team: the page needs no ids.
    const settlementId = await userId(t, 'settlement');
    const who = d.people.find((p: any) => p.id === settlementId);
    expect(who).toMatchObject({ name: '孙结算' });
    expect(who.teamName ?? who.departmentName).toBeTruthy();
    for (const id of [tk.firstContactOwnerId, ...d.events.map((e: any) => e.actorId).filter(Boolean)])
      expect(d.people.map((p: any) => p.id)).toContain(id);
    expect(d.allowed).toMatchObject({ faceCustomer: true, handBack: false });

    const notes = await myNotes(agent, tk.id);
    expect(notes.map((n) => n.kind)).toEqual(['handed_back', 'note']);
    expect(notes[0]).toMatchObject({
      body: '已核对：多扣 12 元，已于今日冲正',
      params: { number: tk.number, subject: tk.subject, by: '孙结算' },
    });
    const audit = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity', '=', 'ticket')
      .where('entity_id', '=', String(tk.id))
      .where('action', '=', 'ticket.hand_back')
      .execute();
    expect(audit).toHaveLength(1);

    // Handed back, the work is with the owner: the department cannot hand it back twice.
    expect(
      (await t.call(settlement, 'POST', `/api/tickets/${tk.id}/hand-back`, { answer: '再次' })).status,
    ).toBe(403);
    // The owner's own notes tell nobody.
    await t.call(agent, 'POST', `/api/tickets/${tk.id}/messages`, { visibility: 'internal', body: '已知悉' });
    expect(await myNotes(agent, tk.id)).toHaveLength(2);
  });

  it('customer-facing actions are refused to department staff with 403 and change nothing', async () => {
    const { agent, tk, settlement } = await routedToSettlement();
    const messages = await count('ticket_messages', tk.id);
    for (const body of [
      { visibility: 'public', body: '您好，已为您冲正' },
      { visibility: 'public', direction: 'inbound', body: '客户来电说已收到' },
    ]) {
      const r = await t.call(settlement, 'POST', `/api/tickets/${tk.id}/messages`, body);
      expect(r.status).toBe(403);
    }
    expect(await count('ticket_messages', tk.id)).toBe(messages);
    const v = (await t.call(settlement, 'GET', `/api/tickets/${tk.id}`)).body.ticket.version;
    const resolve = await t.call(settlement, 'PATCH', `/api/tickets/${tk.id}`, {
      version: v,
      status: 'resolved',
    });
    expect(resolve.status).toBe(403);
    // The owner answers the customer and resolves; closing is still the owner's, not the department's.
    expect(
      (
        await t.call(agent, 'POST', `/api/tickets/${tk.id}/messages`, {
          visibility: 'public',
          body: '已冲正',
        })
      ).status,
    ).toBe(200);
    const cur = (await t.call(agent, 'GET', `/api/tickets/${tk.id}`)).body.ticket;
    const res = await t.call(agent, 'PATCH', `/api/tickets/${tk.id}`, {
      version: cur.version,
      status: 'resolved',
    });
    expect(res.status).toBe(200);
    const close = await t.call(settlement, 'PATCH', `/api/tickets/${tk.id}`, {
      version: res.body.version,
      status: 'closed',
    });
    expect(close.status).toBe(403);
    expect((await t.call(agent, 'GET', `/api/tickets/${tk.id}`)).body.ticket.status).toBe('resolved');
  });

  it('only whoever holds the work (or a supervisor) hands it back; others 403, other branches 404', async () => {
    const { agent, tk } = await routedToSettlement();
    const transfers = await count('ticket_transfers', tk.id);
    // The owner does not "hand back" to themselves, nor does a colleague who never had the work.
    for (const who of [agent, await t.login('agent2')])
      expect((await t.call(who, 'POST', `/api/tickets/${tk.id}/hand-back`, { answer: '好' })).status).toBe(
        403,
      );
    expect(
      (await t.call(await t.login('viewer'), 'POST', `/api/tickets/${tk.id}/hand-back`, { answer: '好' }))
        .status,
    ).toBe(403);
    expect(
      (await t.call(await t.login('sh_agent'), 'POST', `/api/tickets/${tk.id}/hand-back`, { answer: '好' }))
        .status,
    ).toBe(404);
    const empty = await t.call(await t.login('settlement'), 'POST', `/api/tickets/${tk.id}/hand-back`, {
      answer: '  ',
    });
    expect(empty.status).toBe(400);
    expect(empty.body.error.fields).toHaveProperty('answer');
    expect(await count('ticket_transfers', tk.id)).toBe(transfers);
    // A colleague the work was passed to hands it back too; a supervisor may pull it back.
    const a2 = await t.login('agent2');
    await t.call(agent, 'POST', `/api/tickets/${tk.id}/transfer`, {
      toUserId: await userId(t, 'agent2'),
      reason: '请同事协助',
    });
    expect((await t.call(a2, 'POST', `/api/tickets/${tk.id}/hand-back`, { answer: '已协助' })).status).toBe(
      200,
    );
    await t.call(agent, 'POST', `/api/tickets/${tk.id}/transfer`, {
      toDepartmentId: await settleId(),
      reason: '再核',
    });
    expect(
      (
        await t.call(await t.login('supervisor'), 'POST', `/api/tickets/${tk.id}/hand-back`, {
          answer: '收回',
        })
      ).status,
    ).toBe(200);
  });
});

describe('a complaint is resolved only after its acceptance decision and root cause', () => {
  it('400 names the missing fields; the acceptance clock stops at the decision', async () => {
    const agent = await t.login('agent');
    const tk = (
      await t.call(agent, 'POST', '/api/tickets', {
        type: 'complaint',
        channel: 'phone_in',
        customerId: await makeCustomer(t),
        subject: '投诉：保证金计算与结算单不一致',
      })
    ).body;
    const bare = await t.call(agent, 'PATCH', `/api/tickets/${tk.id}`, {
      version: tk.version,
      status: 'resolved',
    });
    expect(bare.status).toBe(400);
    expect(bare.body.error.code).toBe('COMPLAINT_UNDECIDED');
    expect(bare.body.error.fields).toEqual({
      'complaint.accepted': 'ACCEPTANCE_DECISION_REQUIRED',
      'complaint.rootCauseCategoryId': 'ROOT_CAUSE_REQUIRED',
    });
    expect((await t.call(agent, 'GET', `/api/tickets/${tk.id}`)).body.ticket.status).toBe('new');

    const dec = await t.call(agent, 'PATCH', `/api/tickets/${tk.id}/complaint`, {
      version: tk.version,
      accepted: true,
    });
    expect(dec.status).toBe(200);
    const acc = dec.body.sla.find((s: any) => s.target === 'acceptance');
    expect(acc.metAt).toBe(dec.body.complaint.acceptanceDecidedAt);
    expect(acc.state).toBe('met');
    // A sweep long after the deadline finds the decided clock stopped: no acceptance breach.
    await sweepSla(t.db, new Date(Date.now() + 30 * 86_400_000));
    const evs = (await t.call(agent, 'GET', `/api/tickets/${tk.id}`)).body.events;
    expect(evs.filter((e: any) => e.kind === 'sla_breach' && e.target === 'acceptance')).toEqual([]);
    const cur = (await t.call(agent, 'GET', `/api/tickets/${tk.id}`)).body.ticket;

    const noCause = await t.call(agent, 'PATCH', `/api/tickets/${tk.id}`, {
      version: cur.version,
      status: 'resolved',
    });
    expect(noCause.status).toBe(400);
    expect(noCause.body.error.fields).toEqual({ 'complaint.rootCauseCategoryId': 'ROOT_CAUSE_REQUIRED' });

    const rc = await t.call(await t.login('supervisor'), 'POST', '/api/root-cause-categories', {
      name: '告知不充分2',
    });
    const withCause = await t.call(agent, 'PATCH', `/api/tickets/${tk.id}/complaint`, {
      version: cur.version,
      rootCauseCategoryId: rc.body.id,
      rootCauseText: '保证金比例上调的通知未及时触达客户',
    });
    expect(withCause.status).toBe(200);
    const ok = await t.call(agent, 'PATCH', `/api/tickets/${tk.id}`, {
      version: withCause.body.version,
      status: 'resolved',
    });
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('resolved');
  });

  it('a complaint not accepted (with the reason) and a root cause resolves too; other types need neither', async () => {
    const agent = await t.login('agent');
    const tk = (
      await t.call(agent, 'POST', '/api/tickets', {
        type: 'complaint',
        channel: 'phone_in',
        subject: '投诉：非本公司业务',
      })
    ).body;
    const rc = await t.call(await t.login('supervisor'), 'POST', '/api/root-cause-categories', {
      name: '非本司业务',
    });
    const dec = await t.call(agent, 'PATCH', `/api/tickets/${tk.id}/complaint`, {
      version: tk.version,
      accepted: false,
      notAcceptedReason: '不属于本公司业务范围',
      rootCauseCategoryId: rc.body.id,
    });
    expect(dec.status).toBe(200);
    expect(
      (
        await t.call(agent, 'PATCH', `/api/tickets/${tk.id}`, {
          version: dec.body.version,
          status: 'resolved',
        })
      ).status,
    ).toBe(200);
    const q = (
      await t.call(agent, 'POST', '/api/tickets', {
        type: 'consultation',
        channel: 'wechat',
        subject: '夜盘时间',
      })
    ).body;
    expect(
      (await t.call(agent, 'PATCH', `/api/tickets/${q.id}`, { version: q.version, status: 'resolved' }))
        .status,
    ).toBe(200);
  });
});

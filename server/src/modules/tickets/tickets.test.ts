import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.ts';
import { makeCustomer, setupDesk } from './fixtures.ts';
import { sendTicketEmail } from './mail.ts';

type Mail = { to: string[]; raw: string };
let t: TestApp;
let smtp: SMTPServer;
const inbox: Mail[] = [];

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        inbox.push({
          to: (session.envelope.rcptTo || []).map((r) => r.address),
          raw: Buffer.concat(chunks).toString(),
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  const port = (smtp.server.address() as AddressInfo).port;
  t = await createTestApp({
    env: { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(port), KEFU_PUBLIC_URL: 'https://kefu.example.com' },
  });
  await setupDesk(t);
});
afterAll(async () => {
  await t?.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

/** The text of a received message: quoted-printable or base64 body decoded, headers dropped. */
function bodyOf(raw: string) {
  const [head, ...rest] = raw.split(/\r?\n\r?\n/);
  const body = rest.join('\n\n');
  if (/content-transfer-encoding:\s*base64/i.test(head))
    return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString();
  if (/content-transfer-encoding:\s*quoted-printable/i.test(head)) {
    const soft = body.replace(/=\r?\n/g, '');
    const bytes: number[] = [];
    for (let i = 0; i < soft.length; i++) {
      if (soft[i] === '=' && /^[0-9A-F]{2}$/i.test(soft.slice(i + 1, i + 3))) {
        bytes.push(Number.parseInt(soft.slice(i + 1, i + 3), 16));
        i += 2;
      } else bytes.push(...Buffer.from(soft[i]));
    }
    return Buffer.from(bytes).toString();
  }
  return body;
}

async function pendingEmails(ticketId: number) {
  return t.db
    .selectFrom('ticket_emails')
    .selectAll()
    .where('ticket_id', '=', ticketId)
    .where('status', '=', 'pending')
    .execute();
}

describe('first-contact ownership and internal transfer', () => {
  it('moves the work to another department while the owner stays; department staff see it across branches', async () => {
    const agent = await t.login('agent');
    const customerId = await makeCustomer(t);
    const tk = (
      await t.call(agent, 'POST', '/api/tickets', {
        type: 'service_request',
        channel: 'phone_in',
        customerId,
        subject: '结算单与实际不符',
        description: '客户称11月20日结算单手续费多扣',
      })
    ).body;
    expect(tk.firstContactOwnerName).toBe('李客服');
    const settle = await t.db
      .selectFrom('departments')
      .select('id')
      .where('code', '=', 'SETTLE')
      .executeTakeFirstOrThrow();
    const settlement = await t.login('settlement');
    // Before routing, HQ settlement staff do not see a BJ01 ticket.
    expect((await t.call(settlement, 'GET', `/api/tickets/${tk.id}`)).status).toBe(404);
    const moved = await t.call(agent, 'POST', `/api/tickets/${tk.id}/transfer`, {
      version: tk.version,
      toDepartmentId: settle.id,
      reason: '需结算部核对手续费',
    });
    expect(moved.status).toBe(200);
    expect(moved.body.firstContactOwnerId).toBe(tk.firstContactOwnerId);
    expect(moved.body).toMatchObject({ assigneeId: null, departmentId: settle.id, status: 'open' });
    // Now settlement sees it (routed to their department), answers with an internal note and takes it.
    const seen = await t.call(settlement, 'GET', `/api/tickets/${tk.id}`);
    expect(seen.status).toBe(200);
    expect(seen.body.ticket.description).toBe('客户称11月20日结算单手续费多扣'); // the customer need not repeat it
    expect((await t.call(settlement, 'GET', '/api/tickets')).body.items.map((x: any) => x.id)).toContain(
      tk.id,
    );
    const settlementId = (
      await t.db
        .selectFrom('users')
        .select('id')
        .where('username', '=', 'settlement')
        .executeTakeFirstOrThrow()
    ).id;
    const take = await t.call(settlement, 'POST', `/api/tickets/${tk.id}/transfer`, {
      toUserId: settlementId,
      reason: '本人核对',
    });
    expect(take.status).toBe(200);
    expect(
      (
        await t.call(settlement, 'POST', `/api/tickets/${tk.id}/messages`, {
          visibility: 'internal',
          body: '已核对：多扣 12 元，已冲正',
        })
      ).status,
    ).toBe(200);
    // Back to the owner, who answers the customer.
    const back = await t.call(settlement, 'POST', `/api/tickets/${tk.id}/transfer`, {
      toUserId: tk.firstContactOwnerId,
      reason: '核对完毕，请首问人答复客户',
    });
    expect(back.status).toBe(200);
    const d = (await t.call(agent, 'GET', `/api/tickets/${tk.id}`)).body;
    expect(d.transfers.map((x: any) => x.reason)).toEqual([
      '需结算部核对手续费',
      '本人核对',
      '核对完毕，请首问人答复客户',
    ]);
    expect(d.ticket.firstContactOwnerId).toBe(tk.firstContactOwnerId);
    expect(d.messages.map((m: any) => m.visibility)).toEqual(['internal']);
    // Previously routed: settlement still sees it after it went back.
    expect((await t.call(settlement, 'GET', `/api/tickets/${tk.id}`)).status).toBe(200);
    // Settlement was notified of the transfer to them; the owner of the one back.
    const notes = (await t.call(agent, 'GET', '/api/notifications')).body.items;
    expect(notes.some((n: any) => n.ticketId === tk.id && n.kind === 'transferred')).toBe(true);
    // The ticket is on the customer's timeline.
    const tl = await t.db
      .selectFrom('interactions')
      .select(['summary', 'source'])
      .where('ticket_id', '=', tk.id)
      .execute();
    expect(tl).toEqual([{ summary: expect.stringContaining('已受理'), source: 'system' }]);
  });

  it('lets only the owner, the assignee or a supervisor pass work on; bulk assignment needs ticket.assign', async () => {
    const agent = await t.login('agent');
    const agent2 = await t.login('agent2');
    const tk = (
      await t.call(agent, 'POST', '/api/tickets', {
        type: 'consultation',
        channel: 'wechat',
        subject: '夜盘时间',
      })
    ).body;
    const a2 = (
      await t.db.selectFrom('users').select('id').where('username', '=', 'agent2').executeTakeFirstOrThrow()
    ).id;
    expect(
      (await t.call(agent2, 'POST', `/api/tickets/${tk.id}/transfer`, { toUserId: a2, reason: '我来' }))
        .status,
    ).toBe(403);
    expect(
      (
        await t.call(agent, 'POST', '/api/tickets/bulk-assign', {
          ticketIds: [tk.id],
          assigneeId: a2,
          reason: 'x',
        })
      ).status,
    ).toBe(403);
    const sup = await t.login('supervisor');
    const other = (
      await t.call(await t.login('sh_agent'), 'POST', '/api/tickets', {
        type: 'consultation',
        channel: 'wechat',
        subject: '上海的',
      })
    ).body;
    const bulk = await t.call(sup, 'POST', '/api/tickets/bulk-assign', {
      ticketIds: [tk.id, other.id],
      assigneeId: a2,
      reason: '均衡工作量',
    });
    expect(bulk.body).toEqual({ assigned: [tk.id], failed: [{ id: other.id, code: 'TICKET_NOT_FOUND' }] });
    const mine = await t.call(agent2, 'GET', '/api/tickets?view=mine');
    expect(mine.body.items.map((x: any) => x.id)).toContain(tk.id);
    const unassigned = await t.call(sup, 'GET', '/api/tickets?view=unassigned');
    expect(unassigned.body.items.map((x: any) => x.id)).not.toContain(tk.id);
  });
});

describe('concurrency', () => {
  it('two updates of the same version: one wins, the other gets 409 with the fresh ticket, nothing is lost', async () => {
    const agent = await t.login('agent');
    const agent2 = await t.login('agent2');
    const tk = (
      await t.call(agent, 'POST', '/api/tickets', {
        type: 'consultation',
        channel: 'phone_in',
        subject: '原标题',
      })
    ).body;
    const [a, b] = await Promise.all([
      t.call(agent, 'PATCH', `/api/tickets/${tk.id}`, { version: tk.version, subject: '客服改的标题' }),
      t.call(agent2, 'PATCH', `/api/tickets/${tk.id}`, { version: tk.version, priority: 'high' }),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    const winner = a.status === 200 ? a : b;
    expect(loser.body.error.code).toBe('VERSION_CONFLICT');
    expect(loser.body.error.details.current.version).toBe(winner.body.version);
    // The loser re-applies on the fresh version: both changes are kept.
    const retry = await t.call(loser === a ? agent : agent2, 'PATCH', `/api/tickets/${tk.id}`, {
      version: loser.body.error.details.current.version,
      ...(loser === a ? { subject: '客服改的标题' } : { priority: 'high' }),
    });
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ subject: '客服改的标题', priority: 'high' });
  });
});

describe('branch isolation', () => {
  it('another branch’s user cannot see or touch the ticket through any route', async () => {
    const agent = await t.login('agent');
    const tk = (
      await t.call(agent, 'POST', '/api/tickets', {
        type: 'complaint',
        channel: 'counter',
        subject: '北京的投诉',
        customerId: await makeCustomer(t),
      })
    ).body;
    const form = new FormData();
    form.append('file', new Blob(['截图内容'], { type: 'image/png' }), '截图.png');
    const up = await t.app.inject({
      method: 'POST',
      url: `/api/tickets/${tk.id}/attachments`,
      headers: { cookie: agent },
      payload: form as any,
    });
    expect(up.statusCode).toBe(200);
    const att = JSON.parse(up.body);
    const dl = await t.app.inject({
      method: 'GET',
      url: `/api/tickets/${tk.id}/attachments/${att.id}`,
      headers: { cookie: agent },
    });
    expect(dl.statusCode).toBe(200);
    expect(dl.body).toBe('截图内容');

    const sh = await t.login('sh_agent');
    const before = await t.db
      .selectFrom('tickets')
      .selectAll()
      .where('id', '=', tk.id)
      .executeTakeFirstOrThrow();
    const tries: [string, string, unknown?][] = [
      ['GET', `/api/tickets/${tk.id}`],
      ['GET', `/api/tickets/${tk.id}/summary`],
      ['PATCH', `/api/tickets/${tk.id}`, { version: tk.version, subject: '改' }],
      ['POST', `/api/tickets/${tk.id}/transfer`, { toUserId: 1, reason: 'x' }],
      ['POST', `/api/tickets/${tk.id}/messages`, { visibility: 'public', body: 'x' }],
      ['GET', `/api/tickets/${tk.id}/attachments/${att.id}`],
      ['POST', `/api/tickets/${tk.id}/articles`, { articleId: 1 }],
      ['PATCH', `/api/tickets/${tk.id}/complaint`, { version: tk.version, accepted: true }],
      [
        'POST',
        `/api/tickets/${tk.id}/corrective-actions`,
        { description: 'x', ownerId: 1, dueDate: '2026-12-01' },
      ],
      ['POST', `/api/tickets/${tk.id}/macros/1/render`],
    ];
    for (const [m, url, body] of tries) {
      const r = await t.call(sh, m, url, body);
      expect([url, r.status]).toEqual([url, 404]);
    }
    const sup = await t.login('sh_manager');
    expect((await t.call(sup, 'GET', `/api/tickets/${tk.id}`)).status).toBe(404);
    for (const view of ['all', 'breached', 'unassigned', 'mine']) {
      const list = await t.call(sh, 'GET', `/api/tickets?view=${view}`);
      expect(list.body.items.map((x: any) => x.id)).not.toContain(tk.id);
    }
    const bulk = await t.call(sup, 'POST', '/api/tickets/bulk-assign', {
      ticketIds: [tk.id],
      assigneeId: 1,
      reason: 'x',
    });
    expect(bulk.status).toBe(403);
    // A forged or guessed rating link opens nothing.
    expect((await t.call(null, 'GET', `/api/public/ratings/${tk.id}.abc.9999999999.def`)).status).toBe(404);
    const afterRow = await t.db
      .selectFrom('tickets')
      .selectAll()
      .where('id', '=', tk.id)
      .executeTakeFirstOrThrow();
    expect(afterRow.version).toBe(before.version);
    // Compliance (all branches) reads it.
    expect((await t.call(await t.login('compliance'), 'GET', `/api/tickets/${tk.id}`)).status).toBe(200);
  });
});

describe('emails and satisfaction rating', () => {
  it('emails the customer on reply, resolve and close through SMTP and takes a single-use rating', async () => {
    const agent = await t.login('agent');
    const customerId = await makeCustomer(t, 2, { email: 'li.customer@example.com', name: '李女士' });
    const tk = (
      await t.call(agent, 'POST', '/api/tickets', {
        type: 'consultation',
        channel: 'phone_in',
        customerId,
        subject: '如何计算保证金',
      })
    ).body;
    // The agent has no customer.pii: the address is masked in the answer (issue 9), stored and mailed in full.
    expect(tk.contactEmail).toBe('l***@example.com');
    const stored = await t.db
      .selectFrom('tickets')
      .select('contact_email')
      .where('id', '=', tk.id)
      .executeTakeFirstOrThrow();
    expect(stored.contact_email).toBe('li.customer@example.com');
    // A KB article linked and a macro rendered for the reply.
    const sup = await t.login('supervisor');
    const art = await t.call(sup, 'POST', '/api/kb/articles', {
      kind: 'faq',
      title: '保证金如何计算',
      body: '交易保证金 = 成交价 × 交易单位 × 手数 × 保证金比例',
      status: 'published',
    });
    expect(
      (await t.call(agent, 'POST', `/api/tickets/${tk.id}/articles`, { articleId: art.body.id })).status,
    ).toBe(200);
    const macro = await t.call(sup, 'POST', '/api/kb/macros', {
      name: '保证金答复',
      body: '{{customer.name}}您好，关于工单{{ticket.number}}：交易保证金按成交价计算。客服{{agent.name}}',
    });
    const rendered = await t.call(agent, 'POST', `/api/tickets/${tk.id}/macros/${macro.body.id}/render`);
    expect(rendered.body.body).toBe(`李女士您好，关于工单${tk.number}：交易保证金按成交价计算。客服李客服`);

    const reply = await t.call(agent, 'POST', `/api/tickets/${tk.id}/messages`, {
      visibility: 'public',
      body: rendered.body.body,
    });
    expect(reply.status).toBe(200);
    // The email is sent by the job, not in the request.
    expect(inbox).toHaveLength(0);
    for (const e of await pendingEmails(tk.id)) expect(await sendTicketEmail(t.db, e.id)).toBe(true);
    expect(inbox).toHaveLength(1);
    expect(inbox[0].to).toEqual(['li.customer@example.com']);
    expect(bodyOf(inbox[0].raw)).toContain(`李女士您好，关于工单${tk.number}`);
    const first = (await t.call(agent, 'GET', `/api/tickets/${tk.id}`)).body.ticket;
    expect(first.firstRespondedAt).not.toBeNull();
    expect(first.sla.find((x: any) => x.target === 'first_response').state).toBe('met');

    // Resolve, then close: two more emails, the last with the rating link.
    const res = await t.call(agent, 'PATCH', `/api/tickets/${tk.id}`, {
      version: first.version,
      status: 'resolved',
    });
    expect(res.status).toBe(200);
    const closed = await t.call(agent, 'PATCH', `/api/tickets/${tk.id}`, {
      version: res.body.version,
      status: 'closed',
    });
    expect(closed.status).toBe(200);
    for (const e of await pendingEmails(tk.id)) await sendTicketEmail(t.db, e.id);
    // A job that runs again sends nothing twice.
    for (const e of await t.db
      .selectFrom('ticket_emails')
      .select('id')
      .where('ticket_id', '=', tk.id)
      .execute())
      expect(await sendTicketEmail(t.db, e.id)).toBe(false);
    expect(inbox).toHaveLength(3);
    const closeMail = bodyOf(inbox[2].raw);
    const link = /https:\/\/kefu\.example\.com\/rate\/([\w.-]+)/.exec(closeMail);
    expect(link).not.toBeNull();
    const token = link![1];

    const page = await t.call(null, 'GET', `/api/public/ratings/${token}`);
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ ticketNumber: tk.number, used: false });
    // A tampered token is refused.
    expect((await t.call(null, 'GET', `/api/public/ratings/${token.slice(0, -2)}xx`)).status).toBe(404);
    const rate = await t.call(null, 'POST', `/api/public/ratings/${token}`, {
      score: 5,
      comment: '解答清楚，非常满意',
    });
    expect(rate.status).toBe(200);
    const again = await t.call(null, 'POST', `/api/public/ratings/${token}`, { score: 1 });
    expect(again.status).toBe(410);
    expect(again.body.error.code).toBe('RATING_LINK_USED');
    expect((await t.call(null, 'POST', `/api/public/ratings/${token}`, { score: 9 })).status).toBe(400);

    const final = (await t.call(agent, 'GET', `/api/tickets/${tk.id}`)).body;
    expect(final.ticket.rating).toMatchObject({
      score: 5,
      comment: '解答清楚，非常满意',
      ratedUserId: tk.firstContactOwnerId,
    });
    expect(final.articles.map((a: any) => a.title)).toEqual(['保证金如何计算']);
    const agentRating = await t.call(agent, 'GET', `/api/tickets/ratings/agents/${tk.firstContactOwnerId}`);
    expect(agentRating.body).toEqual({ count: 1, average: 5 });
    // The customer's timeline: created, resolved, three emails, the rating.
    const tl = await t.db
      .selectFrom('interactions')
      .select(['channel', 'summary'])
      .where('ticket_id', '=', tk.id)
      .orderBy('id')
      .execute();
    expect(tl.map((x) => x.channel)).toEqual(['phone_in', 'email', 'phone_in', 'email', 'email', 'portal']);
    expect(tl[5].summary).toContain('5/5');
    // Closed tickets take no more changes.
    expect(
      (await t.call(agent, 'PATCH', `/api/tickets/${tk.id}`, { version: final.ticket.version, subject: 'x' }))
        .status,
    ).toBe(409);
  });

  it('writes to the customer in their language (zh-TW, en)', async () => {
    const agent = await t.login('agent');
    for (const [locale, email, expected] of [
      ['en', 'en.customer@example.com', 'Dear Mr Smith'],
      ['zh-TW', 'tw.customer@example.com', '工單編號'],
    ] as const) {
      const tk = (
        await t.call(agent, 'POST', '/api/tickets', {
          type: 'consultation',
          channel: 'email',
          subject: 'Trading hours',
          contactName: 'Mr Smith',
          contactEmail: email,
          locale,
        })
      ).body;
      await t.call(agent, 'POST', `/api/tickets/${tk.id}/messages`, {
        visibility: 'public',
        body: 'Day session 9:00–15:00.',
      });
      for (const e of await pendingEmails(tk.id)) await sendTicketEmail(t.db, e.id);
      const mail = inbox.find((m) => m.to.includes(email))!;
      expect(bodyOf(mail.raw)).toContain(expected);
    }
  });

  it('keeps saved views per user', async () => {
    const agent = await t.login('agent');
    const v = await t.call(agent, 'POST', '/api/tickets/views', {
      name: '我的投诉',
      query: { view: 'mine', type: 'complaint' },
    });
    expect(v.status).toBe(200);
    expect((await t.call(agent, 'GET', '/api/tickets/views')).body).toEqual([v.body]);
    expect((await t.call(await t.login('agent2'), 'DELETE', `/api/tickets/views/${v.body.id}`)).status).toBe(
      404,
    );
    expect((await t.call(agent, 'DELETE', `/api/tickets/views/${v.body.id}`)).status).toBe(200);
  });
});

// Risk notices: a margin call sent by SMS (loopback gateway) and email (a real SMTP server on 127.0.0.1), both legs
// on the timeline; the confirm link works once; unconfirmed notices are chased with one call task; manual
// confirmation; another branch cannot see them.
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpSmsProvider } from '../../platform/sms.ts';
import { createTestApp, type TestApp } from '../../test/app.ts';
import { ensureRole, ensureUser, tableChecksum, userId } from '../../test/fixtures.ts';
import { listRoutes } from '../../test/routes.ts';
import { type SmsTestServer, startSmsTestServer } from '../../test/sms-server.ts';
import { dispatchOutbox } from '../campaigns/dispatcher.ts';
import { insertCustomers } from '../tasks/fixtures.ts';
import { chaseUnconfirmed, emailNotice } from './service.ts';

const KEY = 'kefu-test';
const SECRET = 'test-secret-0123456789';
let t: TestApp;
let gw: SmsTestServer;
let smtp: SMTPServer;
const inbox: { to: string; text: string }[] = [];

const tokenIn = (text: string) => /\/api\/notices\/confirm\/([\w-]+)/.exec(text)![1];
const checksums = () =>
  Promise.all(['risk_notices', 'interactions', 'tasks', 'audit_log'].map((x) => tableChecksum(t, x)));
/** The customer's browser: the page's form posted back with the cookie the page set. */
async function postConfirm(
  token: string,
  shown: { body: string; cookies: { name: string; value: string }[] },
) {
  const csrf = /name="csrf" value="([^"]+)"/.exec(shown.body)?.[1] ?? '';
  const cookie = shown.cookies.find((c) => c.name === 'kefu_notice_csrf');
  return t.app.inject({
    method: 'POST',
    url: `/api/notices/confirm/${token}`,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(cookie && { cookie: `kefu_notice_csrf=${cookie.value}` }),
    },
    payload: new URLSearchParams({ csrf }).toString(),
  });
}
/** Sends a notice by SMS as agent and returns its id and the token from the text the customer received. */
async function sendBySms(title = '追加保证金通知') {
  const [id] = await insertCustomers(t, 1);
  await sql`update customers set phone = '13912345670' where id = ${id}`.execute(t.db);
  const agent = await t.login('agent');
  const r = await t.call(agent, 'POST', '/api/notices', {
    customerId: id,
    kind: 'margin_call',
    title,
    body: '请追加保证金。',
    channels: ['sms'],
  });
  expect(r.status).toBe(201);
  await dispatchOutbox(
    t.db,
    { noticeId: r.body.id },
    { provider: new HttpSmsProvider({ url: gw.url, key: KEY, secret: SECRET }) },
  );
  const text = gw.messages.find((m) => m.content.includes(title))!.content;
  return { id: r.body.id as number, customerId: id, token: tokenIn(text), response: r };
}

beforeAll(async () => {
  gw = await startSmsTestServer({ key: KEY, secret: SECRET });
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('end', () => {
        inbox.push({
          to: session.envelope.rcptTo.map((r) => r.address).join(','),
          text: Buffer.concat(chunks).toString(),
        });
        cb();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
  t = await createTestApp({
    env: {
      KEFU_SMS_URL: gw.url,
      KEFU_SMS_KEY: KEY,
      KEFU_SMS_SECRET: SECRET,
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String((smtp.server.address() as AddressInfo).port),
      KEFU_PUBLIC_URL: 'https://kefu.example.com',
    },
  });
});
afterAll(async () => {
  await t?.close();
  await gw?.close();
  await new Promise<void>((r) => smtp.close(() => r()));
});

describe('risk notices', () => {
  it('a margin call goes out by SMS and email, is confirmed by its link once, and is on the timeline', async () => {
    const [id] = await insertCustomers(t, 1);
    await sql`update customers set phone = '13912345678', email = 'li@example.com', sms_opt_out = true where id = ${id}`.execute(
      t.db,
    );
    const agent = await t.login('agent');
    const r = await t.call(agent, 'POST', '/api/notices', {
      customerId: id,
      kind: 'margin_call',
      title: '追加保证金通知',
      body: '您的账户风险度已达 100%，请于下一交易日开盘前追加保证金。',
      channels: ['sms', 'email'],
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ status: 'sent', smsStatus: 'pending', emailStatus: 'pending' });
    // The confirm token is the customer's: the staff member who sent the notice never sees it.
    expect(r.body).not.toHaveProperty('confirmToken');
    await dispatchOutbox(
      t.db,
      { noticeId: r.body.id },
      { provider: new HttpSmsProvider({ url: gw.url, key: KEY, secret: SECRET }) },
    );
    // Risk notices go out even to customers who opted out of marketing texts.
    expect(gw.messages.at(-1)).toMatchObject({ mobile: '13912345678' });
    // The customer's phone got the link; that is where the token lives.
    const token = tokenIn(gw.messages.at(-1)!.content);
    expect(gw.messages.at(-1)!.content).toContain(`https://kefu.example.com/api/notices/confirm/${token}`);
    expect(await emailNotice(t.db, r.body.id, `https://kefu.example.com/api/notices/confirm/${token}`)).toBe(
      true,
    );
    expect(inbox.at(-1)!.to).toBe('li@example.com');
    const n = await t.call(agent, 'GET', `/api/notices/${r.body.id}`);
    expect(n.body).toMatchObject({ smsStatus: 'sent', emailStatus: 'sent' });

    // Opening the link shows the notice and a button; it confirms nothing.
    const before = await checksums();
    const shown = await t.app.inject({ method: 'GET', url: `/api/notices/confirm/${token}` });
    expect(shown.statusCode).toBe(200);
    expect(shown.headers['content-type']).toContain('text/html');
    expect(shown.body).toContain('追加保证金通知');
    expect(shown.body).toContain('<form method="post"');
    expect(shown.body).not.toContain('<script');
    expect(await checksums()).toEqual(before);
    // The customer's POST from the page confirms, once.
    const c1 = await postConfirm(token, shown);
    expect(c1.statusCode).toBe(200);
    expect(c1.body).toContain('感谢您的确认');
    const c2 = await postConfirm(token, shown);
    expect(c2.statusCode).toBe(200);
    expect(c2.body).toContain('本通知已确认');
    expect((await t.app.inject({ method: 'GET', url: `/api/notices/confirm/${token}` })).body).toContain(
      '本通知已确认',
    );
    expect((await t.call(null, 'GET', `/api/notices/confirm/${'x'.repeat(32)}`)).status).toBe(404);
    const confirmedRow = await t.db
      .selectFrom('audit_log')
      .select(['actor_id', 'meta'])
      .where('action', '=', 'notice.confirmed')
      .where('entity_id', '=', String(r.body.id))
      .execute();
    expect(confirmedRow).toHaveLength(1);
    expect(confirmedRow[0]).toMatchObject({ actor_id: null, meta: { by: 'customer' } });
    const timeline = await t.db
      .selectFrom('interactions')
      .select(['channel', 'direction', 'outcome'])
      .where('customer_id', '=', id)
      .orderBy('id')
      .execute();
    expect(timeline).toEqual([
      { channel: 'sms', direction: 'outbound', outcome: 'sent' },
      { channel: 'email', direction: 'outbound', outcome: 'sent' },
      { channel: 'portal', direction: 'inbound', outcome: 'confirmed' },
    ]);
    expect((await t.call(agent, 'GET', `/api/notices/${r.body.id}`)).body).toMatchObject({
      status: 'confirmed',
      confirmedVia: 'link',
    });
  });

  it('an unconfirmed notice is chased with one call task after its hours; manual confirmation closes it', async () => {
    const [id] = await insertCustomers(t, 1);
    await sql`update customers set phone = '13912345679' where id = ${id}`.execute(t.db);
    const agent = await t.login('agent');
    const r = await t.call(agent, 'POST', '/api/notices', {
      customerId: id,
      kind: 'forced_liquidation',
      title: '强行平仓风险提示',
      body: '请尽快处理。',
      channels: ['sms'],
      chaseAfterHours: 2,
    });
    expect(await chaseUnconfirmed(t.db)).toBe(0); // not yet
    await sql`update risk_notices set created_at = now() - interval '3 hours' where id = ${r.body.id}`.execute(
      t.db,
    );
    expect(await chaseUnconfirmed(t.db)).toBe(1);
    expect(await chaseUnconfirmed(t.db)).toBe(0);
    const tasks = await t.db
      .selectFrom('tasks')
      .selectAll()
      .where('source_kind', '=', 'notice')
      .where('source_id', '=', r.body.id)
      .execute();
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ kind: 'call', customer_id: id, status: 'open' });
    const c = await t.call(agent, 'POST', `/api/notices/${r.body.id}/confirm`, { note: '客户来电确认' });
    // "Confirmed by phone, recorded by" the agent, and audited with the agent as the actor.
    expect(c.body).toMatchObject({
      status: 'confirmed',
      confirmedVia: 'phone',
      confirmedBy: { id: await userId(t, 'agent') },
    });
    const row = await t.db
      .selectFrom('audit_log')
      .select(['actor_id', 'after'])
      .where('action', '=', 'notice.confirmed_by_phone')
      .where('entity_id', '=', String(r.body.id))
      .executeTakeFirstOrThrow();
    expect(row.actor_id).toBe(await userId(t, 'agent'));
    expect(row.after).toMatchObject({ via: 'phone', note: '客户来电确认' });
    expect(
      (
        await t.db
          .selectFrom('tasks')
          .select('status')
          .where('id', '=', tasks[0].id)
          .executeTakeFirstOrThrow()
      ).status,
    ).toBe('cancelled');
    expect((await t.call(agent, 'POST', `/api/notices/${r.body.id}/confirm`, {})).body.error.code).toBe(
      'NOTICE_CONFIRMED',
    );
    // Another branch cannot see or confirm it; a channel the customer lacks is a 400.
    const sh = await t.login('sh_agent');
    expect((await t.call(sh, 'GET', `/api/notices/${r.body.id}`)).status).toBe(404);
    const noEmail = await t.call(agent, 'POST', '/api/notices', {
      customerId: id,
      kind: 'other',
      title: 'x',
      body: 'y',
      channels: ['email'],
    });
    expect(noEmail.body.error).toMatchObject({
      code: 'CHANNEL_UNAVAILABLE',
      fields: { channels: 'NO_EMAIL' },
    });
  });

  it('a staff member cannot obtain the token from any response', async () => {
    const { id, customerId, token, response } = await sendBySms('保证金不足提示（令牌检查）');
    expect(JSON.stringify(response.body)).not.toContain(token);
    await emailNotice(t.db, id, `https://kefu.example.com/api/notices/confirm/${token}`);
    // Every GET route, as the administrator (every permission), with its ids set to the notice's and the
    // customer's: no body carries the token (the SMS text on the timeline has it cut out).
    const admin = await t.login('admin');
    const leaks: string[] = [];
    const gets = listRoutes(t.app).filter((r) => r.method === 'GET' && !r.url.includes(':token'));
    for (const r of gets)
      for (const v of new Set([String(id), String(customerId)])) {
        const url = r.url.replace(/:([A-Za-z0-9_]+)/g, v);
        const res = await t.app.inject({ method: 'GET', url, headers: { cookie: admin } });
        if (res.body.includes(token)) leaks.push(`${r.key} as ${url}`);
      }
    expect(leaks).toEqual([]);
    const timeline = await t.db
      .selectFrom('interactions')
      .select('summary')
      .where('customer_id', '=', customerId)
      .where('channel', '=', 'sms')
      .executeTakeFirstOrThrow();
    expect(timeline.summary).toContain('/api/notices/confirm/…');
    expect(timeline.summary).not.toContain(token);
  });

  it("the link GET changes nothing; a POST without the page's CSRF value, or after expiry, confirms nothing", async () => {
    const { id, token } = await sendBySms('强平风险提示（CSRF）');
    const before = await checksums();
    // A link scanner: GET, HEAD, and again.
    for (const method of ['GET', 'HEAD', 'GET'] as const)
      expect((await t.app.inject({ method, url: `/api/notices/confirm/${token}` })).statusCode).toBe(200);
    expect(await checksums()).toEqual(before);
    // Another site posting the form: no SameSite=Strict cookie comes along.
    const forged = await t.app.inject({
      method: 'POST',
      url: `/api/notices/confirm/${token}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'csrf=guessed-value-000000',
    });
    expect(forged.statusCode).toBe(403);
    const shown = await t.app.inject({ method: 'GET', url: `/api/notices/confirm/${token}` });
    const wrongCsrf = await t.app.inject({
      method: 'POST',
      url: `/api/notices/confirm/${token}`,
      headers: { 'content-type': 'application/json', cookie: 'kefu_notice_csrf=other-value-0000000' },
      payload: { csrf: /name="csrf" value="([^"]+)"/.exec(shown.body)![1] },
    });
    expect(wrongCsrf.statusCode).toBe(403);
    expect(await checksums()).toEqual(before);
    // An expired link shows it is expired and confirms nothing.
    await sql`update risk_notices set token_expires_at = now() - interval '1 minute' where id = ${id}`.execute(
      t.db,
    );
    const expiredBefore = await checksums();
    const page = await t.app.inject({ method: 'GET', url: `/api/notices/confirm/${token}` });
    expect(page.statusCode).toBe(410);
    expect(page.body).toContain('已过期');
    expect((await postConfirm(token, shown)).statusCode).toBe(410);
    expect(await checksums()).toEqual(expiredBefore);
    const agent = await t.login('agent');
    expect((await t.call(agent, 'GET', `/api/notices/${id}`)).body.status).toBe('sent');
  });

  it("the page speaks the customer's language (zh-CN unless the browser asks otherwise)", async () => {
    const { token } = await sendBySms('语言测试通知');
    const get = (lang?: string) =>
      t.app.inject({
        method: 'GET',
        url: `/api/notices/confirm/${token}`,
        headers: lang ? { 'accept-language': lang } : {},
      });
    expect((await get()).body).toContain('我已收到并知悉');
    expect((await get('en-US,en;q=0.9')).body).toContain('I have received this notice');
    expect((await get('zh-TW,zh;q=0.8')).body).toContain('我已收到並知悉');
    expect((await get('fr-FR')).body).toContain('lang="zh-CN"');
  });

  it('an unconfirmed notice is sent again through its channel with a new link that replaces the old one', async () => {
    const { id, token } = await sendBySms('追加保证金通知（催办）');
    const agent = await t.login('agent');
    const r = await t.call(agent, 'POST', `/api/notices/${id}/resend`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'sent', resendCount: 1, smsStatus: 'pending' });
    expect(r.body.lastResentAt).not.toBeNull();
    await dispatchOutbox(
      t.db,
      { noticeId: id },
      { provider: new HttpSmsProvider({ url: gw.url, key: KEY, secret: SECRET }) },
    );
    const texts = gw.messages.filter((m) => m.content.includes('追加保证金通知（催办）'));
    expect(texts).toHaveLength(2);
    expect(texts[1].mobile).toBe(texts[0].mobile);
    const fresh = tokenIn(texts[1].content);
    expect(fresh).not.toBe(token);
    // The newest link works; the old one no longer does.
    expect((await t.app.inject({ method: 'GET', url: `/api/notices/confirm/${token}` })).statusCode).toBe(
      404,
    );
    const shown = await t.app.inject({ method: 'GET', url: `/api/notices/confirm/${fresh}` });
    expect(shown.body).toContain('<form method="post"');
    // Audited with the staff member; neither token in any staff answer.
    const row = await t.db
      .selectFrom('audit_log')
      .select(['actor_id', 'after'])
      .where('action', '=', 'notice.resent')
      .where('entity_id', '=', String(id))
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      actor_id: await userId(t, 'agent'),
      after: { attempt: 1, channels: ['sms'] },
    });
    const timeline = await t.call(agent, 'GET', `/api/notices/${id}/timeline`);
    for (const body of [r.body, timeline.body]) {
      expect(JSON.stringify(body)).not.toContain(token);
      expect(JSON.stringify(body)).not.toContain(fresh);
    }
    // A resend while the previous text still waits in the outbox skips that text (its link is dead).
    await t.call(agent, 'POST', `/api/notices/${id}/resend`);
    await t.call(agent, 'POST', `/api/notices/${id}/resend`);
    const outbox = await t.db
      .selectFrom('sms_outbox')
      .select(['notice_attempt', 'status'])
      .where('notice_id', '=', id)
      .orderBy('notice_attempt')
      .execute();
    expect(outbox).toEqual([
      { notice_attempt: 0, status: 'sent' },
      { notice_attempt: 1, status: 'sent' },
      { notice_attempt: 2, status: 'skipped' },
      { notice_attempt: 3, status: 'pending' },
    ]);
    // The customer confirms by phone; the timeline tells the story and who recorded it.
    await t.call(agent, 'POST', `/api/notices/${id}/confirm`, { note: '客户回电确认已知悉' });
    const story = (await t.call(agent, 'GET', `/api/notices/${id}/timeline`)).body;
    expect(story.map((e: any) => `${e.kind}:${e.attempt}:${e.status ?? ''}`)).toEqual([
      'sent:0:',
      'sms:0:sent',
      'resent:1:',
      'sms:1:sent',
      'resent:2:',
      'sms:2:skipped',
      'resent:3:',
      'sms:3:pending',
      'confirmed:3:',
    ]);
    expect(story[0].by).toMatchObject({ id: await userId(t, 'agent') });
    expect(story[1].mobile).toBe('139****5670');
    expect(story.at(-1)).toMatchObject({
      via: 'phone',
      by: { id: await userId(t, 'agent') },
      note: '客户回电确认已知悉',
    });
    expect((await t.call(agent, 'GET', `/api/notices/${id}`)).body).toMatchObject({
      confirmNote: '客户回电确认已知悉',
      resendCount: 3,
    });
    // A confirmed notice is not chased again.
    const again = await t.call(agent, 'POST', `/api/notices/${id}/resend`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('NOTICE_CONFIRMED');
    // Another branch can neither see its story nor send it.
    const sh = await t.login('sh_agent');
    expect((await t.call(sh, 'GET', `/api/notices/${id}/timeline`)).status).toBe(404);
  });

  it('a resend by email goes to the same address and is its own leg on the timeline', async () => {
    const [customerId] = await insertCustomers(t, 1);
    await sql`update customers set email = 'wang@example.com' where id = ${customerId}`.execute(t.db);
    const agent = await t.login('agent');
    const r = await t.call(agent, 'POST', '/api/notices', {
      customerId,
      kind: 'risk_warning',
      title: '风险提示（邮件催办）',
      body: '请留意持仓风险。',
      channels: ['email'],
    });
    await emailNotice(t.db, r.body.id, 'https://kefu.example.com/api/notices/confirm/first-link-0000000000');
    expect((await t.call(agent, 'POST', `/api/notices/${r.body.id}/resend`)).status).toBe(200);
    expect(
      await emailNotice(
        t.db,
        r.body.id,
        'https://kefu.example.com/api/notices/confirm/second-link-000000000',
        1,
      ),
    ).toBe(true);
    expect(inbox.filter((m) => m.text.includes('second-link'))).toHaveLength(1);
    expect(inbox.at(-1)!.to).toBe('wang@example.com');
    const story = (await t.call(agent, 'GET', `/api/notices/${r.body.id}/timeline`)).body;
    expect(story.map((e: any) => `${e.kind}:${e.attempt}:${e.status ?? ''}`)).toEqual([
      'sent:0:',
      'email:0:sent',
      'resent:1:',
      'email:1:sent',
    ]);
    expect(story[1].email).toBe('w***@example.com');
  });

  it('the list puts the unconfirmed first, flags those past their deadline, and names the customer', async () => {
    const old = await sendBySms('强平预警（逾期）');
    await sql`update risk_notices set created_at = now() - interval '5 hours' where id = ${old.id}`.execute(
      t.db,
    );
    const done = await sendBySms('追加保证金通知（已确认）');
    const agent = await t.login('agent');
    await t.call(agent, 'POST', `/api/notices/${done.id}/confirm`, {});
    const list = (await t.call(agent, 'GET', '/api/notices?order=open_first&limit=200')).body as any[];
    const firstConfirmed = list.findIndex((n) => n.status === 'confirmed');
    expect(list.slice(firstConfirmed).every((n) => n.status === 'confirmed')).toBe(true);
    expect(list.slice(0, firstConfirmed).every((n) => n.status === 'sent')).toBe(true);
    expect(list[0].overdue).toBe(true);
    const o = list.find((n) => n.id === old.id);
    expect(o).toMatchObject({ overdue: true, status: 'sent', sentByName: expect.any(String) });
    expect(new Date(o.dueAt).getTime() - new Date(o.createdAt).getTime()).toBe(4 * 3600_000);
    const c = await t.db
      .selectFrom('customers')
      .select(['code', 'name'])
      .where('id', '=', old.customerId)
      .executeTakeFirstOrThrow();
    expect(o).toMatchObject({ customerCode: c.code, customerName: c.name });
    expect(list.find((n) => n.id === done.id)).toMatchObject({ overdue: false, confirmedVia: 'phone' });
    const overdue = (await t.call(agent, 'GET', '/api/notices?status=overdue&limit=200')).body as any[];
    expect(overdue.map((n) => n.id)).toContain(old.id);
    expect(overdue.every((n) => n.overdue && n.status === 'sent')).toBe(true);
  });

  it('recording a phone confirmation needs its own permission', async () => {
    const { id } = await sendBySms('权限测试通知');
    await ensureRole(t, 'notice_sender_only', ['customer.read', 'notice.send']);
    await ensureUser(t, 'bj_sender', { branch: 'BJ01', roles: ['notice_sender_only'] });
    const sender = await t.login('bj_sender');
    const before = await checksums();
    const res = await t.call(sender, 'POST', `/api/notices/${id}/confirm`, { note: '来电' });
    expect(res.status).toBe(403);
    expect(await checksums()).toEqual(before);
  });
});

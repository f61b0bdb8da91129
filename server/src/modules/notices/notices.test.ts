// Risk notices: a margin call sent by SMS (loopback gateway) and email (a real SMTP server on 127.0.0.1), both legs
// on the timeline; the confirm link works once; unconfirmed notices are chased with one call task; manual
// confirmation; another branch cannot see them.
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpSmsProvider } from '../../platform/sms.ts';
import { createTestApp, type TestApp } from '../../test/app.ts';
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
    await dispatchOutbox(
      t.db,
      { noticeId: r.body.id },
      { provider: new HttpSmsProvider({ url: gw.url, key: KEY, secret: SECRET }) },
    );
    // Risk notices go out even to customers who opted out of marketing texts.
    expect(gw.messages.at(-1)).toMatchObject({ mobile: '13912345678' });
    expect(gw.messages.at(-1)!.content).toContain(
      `https://kefu.example.com/api/notices/confirm/${r.body.confirmToken}`,
    );
    expect(
      await emailNotice(
        t.db,
        r.body.id,
        `https://kefu.example.com/api/notices/confirm/${r.body.confirmToken}`,
      ),
    ).toBe(true);
    expect(inbox.at(-1)!.to).toBe('li@example.com');
    const n = await t.call(agent, 'GET', `/api/notices/${r.body.id}`);
    expect(n.body).toMatchObject({ smsStatus: 'sent', emailStatus: 'sent' });

    const c1 = await t.call(null, 'GET', `/api/notices/confirm/${r.body.confirmToken}`);
    expect(c1.body).toEqual({ confirmed: true, title: '追加保证金通知', already: false });
    const c2 = await t.call(null, 'GET', `/api/notices/confirm/${r.body.confirmToken}`);
    expect(c2.body.already).toBe(true);
    expect((await t.call(null, 'GET', `/api/notices/confirm/${'x'.repeat(32)}`)).status).toBe(404);
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
    expect(c.body).toMatchObject({ status: 'confirmed', confirmedVia: 'manual' });
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
});

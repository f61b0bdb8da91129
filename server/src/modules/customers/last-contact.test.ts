// Contacts the system records move the customer's last contact, whichever module records them: a ticket reply, a
// campaign SMS (through the HTTP provider to the loopback gateway), a campaign call attempt, a visit check-in and a
// risk notice. The "no contact for 90 days" segment rule counts them. And a guard: nothing outside this module writes
// the interactions table (a source scan), so no contact can bypass recordInteraction again.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpSmsProvider } from '../../platform/sms.ts';
import { createTestApp, type TestApp } from '../../test/app.ts';
import { type SmsTestServer, startSmsTestServer } from '../../test/sms-server.ts';
import { dispatchOutbox } from '../campaigns/dispatcher.ts';
import { insertCustomers } from '../tasks/fixtures.ts';
import { recordInteractions } from './index.ts';

const KEY = 'kefu-test';
const SECRET = 'test-secret-0123456789';
const TAG = 'last-contact-test';
let t: TestApp;
let gw: SmsTestServer;
let provider: HttpSmsProvider;
let admin: string;
let ids: number[];
let agentId: number;

/** "No contact for 90 days" (or never), among this test's customers — the rule a supervisor would write. */
const NO_CONTACT_90 = {
  op: 'and',
  rules: [
    { field: 'tags', op: 'eq', value: TAG },
    {
      op: 'or',
      rules: [
        { field: 'daysSinceContact', op: 'gt', value: 90 },
        { field: 'daysSinceContact', op: 'empty' },
      ],
    },
  ],
};
const noContactCount = async () => {
  const r = await t.call(admin, 'POST', '/api/segments/count', { rule: NO_CONTACT_90 });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.value as number;
};
const lastContact = async (id: number) =>
  (
    await t.db
      .selectFrom('customers')
      .select('last_contact_at')
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
  ).last_contact_at;
const LONG_AGO = () => new Date(Date.now() - 120 * 86_400_000);
const setLongAgo = (id: number) =>
  sql`update customers set last_contact_at = ${LONG_AGO()} where id = ${id}`.execute(t.db);
/** The last contact is "just now" (this test's run), not 120 days ago. */
const expectJustNow = async (id: number, since: number) => {
  const at = await lastContact(id);
  expect(at).not.toBeNull();
  expect(at!.getTime()).toBeGreaterThanOrEqual(since - 1000);
  expect(at!.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
};

/** A static segment of the given customers (what a campaign targets). */
async function segmentOf(members: number[], name: string) {
  const seg = await t.db
    .insertInto('segments')
    .values({ name, kind: 'static', branch_id: 2 } as any)
    .returning('id')
    .executeTakeFirstOrThrow();
  await sql`insert into segment_members (segment_id, customer_id) select ${seg.id}, unnest(${members}::bigint[])`.execute(
    t.db,
  );
  return seg.id;
}

beforeAll(async () => {
  gw = await startSmsTestServer({ key: KEY, secret: SECRET });
  t = await createTestApp({
    env: { KEFU_SMS_URL: gw.url, KEFU_SMS_KEY: KEY, KEFU_SMS_SECRET: SECRET, KEFU_SMS_SIGN: '客服' },
  });
  provider = new HttpSmsProvider({ url: gw.url, key: KEY, secret: SECRET, sign: '客服' });
  admin = await t.login('admin');
  agentId = (
    await t.db.selectFrom('users').select('id').where('username', '=', 'agent').executeTakeFirstOrThrow()
  ).id;
  // Seven customers of BJ01 owned by the manager, last contacted 120 days ago, each with a mobile.
  ids = await insertCustomers(t, 7, { prefix: 'LASTC' });
  await sql`update customers set tags = ${[TAG]}::text[], last_contact_at = ${LONG_AGO()},
                                 phone = '138' || lpad(id::text, 8, '0')
             where id = any(${ids}::bigint[])`.execute(t.db);
});
afterAll(async () => {
  await t?.close();
  await gw?.close();
});

describe("the system's contacts move the customer's last contact", () => {
  it('a ticket reply, an SMS, a call attempt, a visit check-in and a risk notice each count', async () => {
    const [cTicket, cSms, cCall, cVisit, cNotice, cMissed, cControl] = ids;
    expect(await noContactCount()).toBe(7);
    const agent = await t.login('agent');
    const sup = await t.login('supervisor');
    const manager = await t.login('manager');

    // 1. A ticket reply (no e-mail address on the ticket: the reply is given on the ticket's channel).
    const tk = await t.call(agent, 'POST', '/api/tickets', {
      type: 'service_request',
      channel: 'phone_in',
      customerId: cTicket,
      subject: '查询结算单',
      description: '客户要求重发11月结算单',
    });
    expect(tk.status, JSON.stringify(tk.body)).toBe(200);
    await setLongAgo(cTicket); // the ticket's acceptance counted already; the reply must count on its own
    // An internal note is no contact.
    const note = await t.call(agent, 'POST', `/api/tickets/${tk.body.id}/messages`, {
      visibility: 'internal',
      body: '需结算部协助',
    });
    expect(note.status).toBe(200);
    expect((await lastContact(cTicket))!.getTime()).toBeLessThan(Date.now() - 100 * 86_400_000);
    let since = Date.now();
    const reply = await t.call(agent, 'POST', `/api/tickets/${tk.body.id}/messages`, {
      visibility: 'public',
      body: '您好，结算单已重新发送，请查收。',
    });
    expect(reply.status).toBe(200);
    await expectJustNow(cTicket, since);
    const ticketTimeline = await t.db
      .selectFrom('interactions')
      .select(['direction', 'summary', 'source'])
      .where('ticket_id', '=', tk.body.id)
      .orderBy('id')
      .execute();
    expect(ticketTimeline).toEqual([
      { direction: 'inbound', summary: expect.stringContaining('已受理'), source: 'system' },
      { direction: 'outbound', summary: expect.stringContaining('结算单已重新发送'), source: 'system' },
    ]);
    expect(await noContactCount()).toBe(6);

    // 2. A campaign SMS through the loopback gateway; 3. a call attempt of a campaign.
    const smsCampaign = await t.call(sup, 'POST', '/api/campaigns', {
      name: '年末短信关怀',
      target: { kind: 'segment', segmentId: await segmentOf([cSms], 'last-contact sms') },
      script: '短信关怀',
      questions: [],
      agents: [],
      steps: [{ channel: 'sms', delayDays: 0, smsTemplate: '{name}您好，祝您新年快乐。' }],
    });
    expect(smsCampaign.status, JSON.stringify(smsCampaign.body)).toBe(201);
    const started = await t.call(sup, 'POST', `/api/campaigns/${smsCampaign.body.id}/start`);
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    since = Date.now();
    expect(await dispatchOutbox(t.db, { stepId: started.body.steps[0].id }, { provider })).toMatchObject({
      sent: 1,
      failed: 0,
    });
    expect(gw.messages.map((m) => m.mobile)).toContain(`138${String(cSms).padStart(8, '0')}`);
    await expectJustNow(cSms, since);

    const callCampaign = await t.call(sup, 'POST', '/api/campaigns', {
      name: '年末电话回访',
      target: { kind: 'segment', segmentId: await segmentOf([cCall, cMissed], 'last-contact call') },
      script: '您好，我是客服中心的回访专员……',
      questions: [],
      agents: [{ userId: agentId, quota: 10 }],
      steps: [{ channel: 'call', delayDays: 0 }],
    });
    expect(callCampaign.status, JSON.stringify(callCampaign.body)).toBe(201);
    const cid = callCampaign.body.id;
    const callStarted = await t.call(sup, 'POST', `/api/campaigns/${cid}/start`);
    expect(callStarted.status, JSON.stringify(callStarted.body)).toBe(200);
    const step = callStarted.body.steps[0];
    if (step.status !== 'dispatched')
      expect((await t.call(sup, 'POST', `/api/campaigns/${cid}/steps/${step.id}/dispatch`)).status).toBe(200);
    since = Date.now();
    for (let i = 0; i < 2; i++) {
      const w = await t.call(agent, 'POST', `/api/campaigns/${cid}/next`);
      expect(w.status, JSON.stringify(w.body)).toBe(200);
      const who = w.body.call.customer.id;
      // The customer reached counts; the one who did not answer is on the timeline but was not contacted.
      const a = await t.call(agent, 'POST', `/api/campaigns/${cid}/calls/${w.body.call.id}/attempts`, {
        outcome: who === cCall ? 'reached' : 'no_answer',
        answers: {},
      });
      expect(a.status, JSON.stringify(a.body)).toBe(201);
    }
    await expectJustNow(cCall, since);
    expect((await lastContact(cMissed))!.getTime()).toBeLessThan(Date.now() - 100 * 86_400_000);
    const missed = await t.db
      .selectFrom('interactions')
      .select(['channel', 'outcome'])
      .where('customer_id', '=', cMissed)
      .execute();
    expect(missed).toEqual([{ channel: 'phone_out', outcome: 'no_answer' }]);

    // 4. A visit: the contact is the check-in, whenever the visit is written up.
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const v = await t.call(manager, 'POST', '/api/visits', {
      customerId: cVisit,
      purpose: '年度走访',
      plannedDate: today,
    });
    expect(v.status, JSON.stringify(v.body)).toBe(201);
    const ci = await t.call(manager, 'POST', `/api/visits/${v.body.id}/check-in`, {
      lat: 39.92,
      lng: 116.44,
    });
    expect(ci.status, JSON.stringify(ci.body)).toBe(200);
    const checkedInAt = (
      await t.db
        .selectFrom('visits')
        .select('checked_in_at')
        .where('id', '=', v.body.id)
        .executeTakeFirstOrThrow()
    ).checked_in_at!;
    const done = await t.call(manager, 'POST', `/api/visits/${v.body.id}/complete`, {
      findings: '客户关注期权业务',
      followUps: [],
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(await lastContact(cVisit)).toEqual(checkedInAt);

    // 5. A risk notice by SMS.
    const n = await t.call(agent, 'POST', '/api/notices', {
      customerId: cNotice,
      kind: 'margin_call',
      title: '追加保证金通知',
      body: '请追加保证金。',
      channels: ['sms'],
    });
    expect(n.status, JSON.stringify(n.body)).toBe(201);
    since = Date.now();
    expect(await dispatchOutbox(t.db, { noticeId: n.body.id }, { provider })).toMatchObject({ sent: 1 });
    await expectJustNow(cNotice, since);

    // Five contacts: the rule now finds only the customer not answered and the one left alone.
    expect(await noContactCount()).toBe(2);
    const still = await t.call(admin, 'POST', '/api/segments/preview', { rule: NO_CONTACT_90, limit: 10 });
    expect(still.body.items.map((x: any) => x.id).sort()).toEqual([cMissed, cControl].sort());
  });

  it('records many at once: ids in the order given, and a last contact never moves back', async () => {
    const [c1, c2] = await insertCustomers(t, 2, { prefix: 'LASTB' });
    const recent = new Date(Date.now() - 3_600_000);
    await sql`update customers set last_contact_at = ${recent} where id = ${c1}`.execute(t.db);
    const older = new Date(Date.now() - 10 * 86_400_000);
    const newer = new Date(Date.now() - 60_000);
    const rows = [
      { customerId: c1, channel: 'sms' as const, summary: 'c1 older', occurredAt: older },
      { customerId: c2, channel: 'email' as const, summary: 'c2 older', occurredAt: older },
      { customerId: c2, channel: 'email' as const, summary: 'c2 newer', occurredAt: newer },
      { customerId: c2, channel: 'sms' as const, summary: 'c2 failed', countsAsContact: false },
    ];
    const got = await t.db.transaction().execute((trx) => recordInteractions({ db: trx }, rows));
    expect(got).toHaveLength(4);
    const back = await t.db
      .selectFrom('interactions')
      .select(['id', 'summary', 'direction', 'source'])
      .where('id', 'in', got)
      .execute();
    const byId = new Map(back.map((r) => [r.id, r]));
    expect(got.map((id) => byId.get(id)?.summary)).toEqual(rows.map((r) => r.summary));
    expect(back.every((r) => r.source === 'system' && r.direction === 'outbound')).toBe(true);
    expect(await lastContact(c1)).toEqual(recent); // an older entry does not move it back
    expect(await lastContact(c2)).toEqual(newer); // the latest that counts; the failed one does not
  });
});

describe('one writer of interactions', () => {
  it('no file outside modules/customers/ inserts into interactions or sets a last contact', () => {
    const WRITES = /insertInto\(\s*['"`]interactions['"`]\s*\)|insert\s+into\s+interactions\b/i;
    // The scan sees both spellings (the query builder's and raw SQL).
    expect(WRITES.test(".insertInto('interactions')")).toBe(true);
    expect(WRITES.test('sql`INSERT INTO interactions (customer_id)')).toBe(true);
    expect(WRITES.test(".selectFrom('interactions')")).toBe(false);
    const root = fileURLToPath(new URL('../..', import.meta.url)); // server/src
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.(ts|mts|js|mjs)$/.test(name)) {
          const rel = relative(root, p).split('\\').join('/');
          // The customers module owns the table; its demo step bulk-loads the demo timelines (and sets the last
          // contacts with them); migrations create it. This test file names the pattern it looks for.
          if (
            rel.startsWith('modules/customers/') ||
            rel === 'demo/customers.ts' ||
            rel.startsWith('db/migrations/')
          )
            continue;
          const src = readFileSync(p, 'utf8');
          if (WRITES.test(src)) offenders.push(rel);
          // Nor moves a last contact by hand (that is recordInteraction's job, with the rules of what counts).
          if (/last_contact_at\s*[:=]/.test(src.replace(/last_contact_at\s*:\s*(Date|ColumnType)\b.*/g, '')))
            offenders.push(`${rel} (last_contact_at)`);
        }
      }
    };
    walk(root);
    expect(offenders, 'record contacts through recordInteraction(s) from modules/customers/index.ts').toEqual(
      [],
    );
  });
});

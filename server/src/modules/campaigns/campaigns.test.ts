// Acceptance: a campaign of 1 000 customers from a segment, "SMS, then a call after 3 days", three agents with
// quotas. The SMS step goes through the HTTP provider to a loopback gateway (opted-out customers skipped); 50
// customers call in and drop out of the call step; an agent works ten calls; the progress endpoint shows it all.
// Then: the dispatcher killed mid-run and run again sends each customer exactly once.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpSmsProvider, signReport } from '../../platform/sms.ts';
import { createTestApp, type TestApp } from '../../test/app.ts';
import { type SmsTestServer, startSmsTestServer } from '../../test/sms-server.ts';
import { insertCustomers } from '../tasks/fixtures.ts';
import { dispatchOutbox } from './dispatcher.ts';

const KEY = 'kefu-test';
const SECRET = 'test-secret-0123456789';
let t: TestApp;
let gw: SmsTestServer;
let provider: HttpSmsProvider;

/** n customers with mobiles 139xxxxxxxx in BJ01, as a static segment; returns the ids and the segment id. */
async function segmentOf(n: number, prefix: string) {
  const ids = await insertCustomers(t, n, { prefix });
  await sql`update customers set phone = '139' || lpad(id::text, 8, '0') where id = any(${ids}::bigint[])`.execute(
    t.db,
  );
  const seg = await t.db
    .insertInto('segments')
    .values({ name: `seg ${prefix}`, kind: 'static', branch_id: 2 } as any)
    .returning('id')
    .executeTakeFirstOrThrow();
  await sql`insert into segment_members (segment_id, customer_id) select ${seg.id}, unnest(${ids}::bigint[])`.execute(
    t.db,
  );
  return { ids, segmentId: seg.id };
}

const userIdOf = async (username: string) =>
  (await t.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;

beforeAll(async () => {
  gw = await startSmsTestServer({ key: KEY, secret: SECRET });
  t = await createTestApp({
    env: { KEFU_SMS_URL: gw.url, KEFU_SMS_KEY: KEY, KEFU_SMS_SECRET: SECRET, KEFU_SMS_SIGN: '客服' },
  });
  provider = new HttpSmsProvider({ url: gw.url, key: KEY, secret: SECRET, sign: '客服' });
});
afterAll(async () => {
  await t?.close();
  await gw?.close();
});

describe('a campaign from a segment: SMS, then a call after 3 days', () => {
  it('sends, drops responders, lets agents work calls and reports exact progress', async () => {
    const { ids, segmentId } = await segmentOf(1000, 'CAMP');
    const optOut = ids.slice(0, 20);
    await sql`update customers set sms_opt_out = true where id = any(${optOut}::bigint[])`.execute(t.db);
    const sup = await t.login('supervisor');
    const agentIds = [await userIdOf('agent'), await userIdOf('agent2'), await userIdOf('supervisor')];
    const created = await t.call(sup, 'POST', '/api/campaigns', {
      name: '2026 年度客户回访',
      target: { kind: 'segment', segmentId },
      script: '您好，我是客服中心的回访专员……',
      questions: [
        { key: 'self', type: 'yes_no', text: '是否本人', required: true },
        { key: 'satisfaction', type: 'single', text: '满意度', options: ['满意', '一般', '不满意'] },
        { key: 'comment', type: 'text', text: '意见建议' },
      ],
      agents: agentIds.map((userId) => ({ userId, quota: 200 })),
      steps: [
        {
          channel: 'sms',
          delayDays: 0,
          smsTemplate: '{name}您好，我司近期将对您进行电话回访，如有疑问请致电 95555。',
        },
        { channel: 'call', delayDays: 3 },
      ],
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const started = await t.call(sup, 'POST', `/api/campaigns/${id}/start`);
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ status: 'running', targets: 1000 });
    const [smsStep, callStep] = started.body.steps;
    expect(smsStep.status).toBe('dispatching');
    expect(callStep.status).toBe('pending');
    // The delayed call step is scheduled as a job 3 days after the start.
    const job = await sql<{
      run_at: Date;
    }>`select run_at from graphile_worker.jobs where key = ${`campaign_step:${callStep.id}`}`.execute(t.db);
    expect(job.rows[0].run_at.getTime() - new Date(started.body.startedAt).getTime()).toBe(3 * 86_400_000);

    // The SMS job's work: through the real HTTP provider to the loopback gateway.
    const res = await dispatchOutbox(
      t.db,
      { stepId: smsStep.id },
      { provider, batchSize: 200, concurrency: 8 },
    );
    expect(res).toMatchObject({ sent: 980, failed: 0 });
    expect(gw.messages).toHaveLength(980);
    expect(new Set(gw.messages.map((m) => m.mobile)).size).toBe(980);
    expect(gw.messages[0].content).toMatch(/^【客服】客户\d+您好/);
    const optedOutMobiles = new Set(optOut.map((x) => `139${String(x).padStart(8, '0')}`));
    expect(gw.messages.some((m) => optedOutMobiles.has(m.mobile))).toBe(false);
    // Each message is on the timeline as an outbound 'sms' interaction with its status.
    const timeline = await sql<{
      n: number;
    }>`select count(*)::int as n from interactions where campaign_id = ${id} and channel = 'sms' and direction = 'outbound' and outcome = 'sent'`.execute(
      t.db,
    );
    expect(timeline.rows[0].n).toBe(980);

    // A delivery report (public route, HMAC) updates the message and its timeline entry; a bad signature is refused.
    const first = await t.db
      .selectFrom('sms_outbox')
      .selectAll()
      .where('campaign_step_id', '=', smsStep.id)
      .where('status', '=', 'sent')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const report = {
      msgid: first.provider_msg_id!,
      extno: `kefu-sms-${first.id}`,
      status: 'DELIVRD',
      timestamp: String(Date.now()),
    };
    expect((await t.call(null, 'POST', '/api/sms/reports', { ...report, sign: 'f'.repeat(64) })).status).toBe(
      400,
    );
    const ok = await t.call(null, 'POST', '/api/sms/reports', {
      ...report,
      sign: signReport(SECRET, report),
    });
    expect(ok.body).toEqual({ ok: true, updated: true });
    const inter = await t.db
      .selectFrom('interactions')
      .select('outcome')
      .where('id', '=', first.interaction_id!)
      .executeTakeFirstOrThrow();
    expect(inter.outcome).toBe('delivered');

    // 50 customers call in (phone_in): the trigger takes them off the remaining steps.
    const callers = ids.slice(100, 150);
    const agent = await t.login('agent');
    for (const c of callers) {
      const r = await t.call(agent, 'POST', `/api/customers/${c}/interactions`, {
        channel: 'phone_in',
        summary: '客户来电询问回访事宜',
      });
      expect(r.status).toBeLessThan(300);
    }
    const responded = await sql<{
      n: number;
    }>`select count(*)::int as n from campaign_targets where campaign_id = ${id} and responded_at is not null`.execute(
      t.db,
    );
    expect(responded.rows[0].n).toBe(50);

    // The call step (dispatched now instead of in 3 days) leaves them out.
    const d = await t.call(sup, 'POST', `/api/campaigns/${id}/steps/${callStep.id}/dispatch`);
    expect(d.status).toBe(200);
    expect(
      (await t.call(sup, 'POST', `/api/campaigns/${id}/steps/${callStep.id}/dispatch`)).body.error.code,
    ).toBe('STEP_ALREADY_DISPATCHED');
    const calls = await t.db
      .selectFrom('campaign_calls')
      .select('customer_id')
      .where('step_id', '=', callStep.id)
      .execute();
    expect(calls).toHaveLength(950);
    expect(calls.some((c) => callers.includes(c.customer_id))).toBe(false);

    // Two agents asking at the same time never get the same person.
    const agent2 = await t.login('agent2');
    const [w1, w2] = await Promise.all([
      t.call(agent, 'POST', `/api/campaigns/${id}/next`),
      t.call(agent2, 'POST', `/api/campaigns/${id}/next`),
    ]);
    expect(w1.body.call.customer.id).not.toBe(w2.body.call.customer.id);
    expect(w1.body.script).toContain('回访专员');
    expect(w1.body.questions).toHaveLength(3);
    expect(w1.body.call.customer.phone).toMatch(/\*/); // masked: agents do not hold customer.pii
    // Asking again returns the call already held.
    expect((await t.call(agent, 'POST', `/api/campaigns/${id}/next`)).body.call.id).toBe(w1.body.call.id);

    // The agent works ten calls.
    const outcomes = [
      'reached',
      'reached',
      'reached',
      'reached',
      'no_answer',
      'busy',
      'wrong_number',
      'refused',
      'unreachable',
      'unreachable',
    ];
    for (const [i, outcome] of outcomes.entries()) {
      const w = await t.call(agent, 'POST', `/api/campaigns/${id}/next`);
      expect(w.status).toBe(200);
      const body =
        outcome === 'reached'
          ? { outcome, answers: { self: true, satisfaction: '满意', comment: '服务很好' } }
          : outcome === 'unreachable'
            ? { outcome, reason: i === 8 ? 'abroad' : 'unable_to_come_in', answers: {} }
            : { outcome, answers: {} };
      const a = await t.call(agent, 'POST', `/api/campaigns/${id}/calls/${w.body.call.id}/attempts`, body);
      expect(a.status).toBe(201);
    }
    // Bad answers, a call not held, unreachable without a reason: 400/409, nothing recorded.
    const w = await t.call(agent, 'POST', `/api/campaigns/${id}/next`);
    const bad = await t.call(agent, 'POST', `/api/campaigns/${id}/calls/${w.body.call.id}/attempts`, {
      outcome: 'reached',
      answers: { self: 'yes' },
    });
    expect(bad.body.error.fields).toMatchObject({ 'answers.self': 'MUST_BE_BOOLEAN' });
    expect(
      (
        await t.call(agent, 'POST', `/api/campaigns/${id}/calls/${w.body.call.id}/attempts`, {
          outcome: 'unreachable',
          answers: {},
        })
      ).body.error.code,
    ).toBe('REASON_REQUIRED');
    expect(
      (
        await t.call(agent, 'POST', `/api/campaigns/${id}/calls/${w2.body.call.id}/attempts`, {
          outcome: 'reached',
          answers: {},
        })
      ).body.error.code,
    ).toBe('CALL_NOT_YOURS');

    const counter = await t.call(sup, 'GET', `/api/campaigns/${id}/counter-list`);
    expect(counter.body.map((x: any) => x.reason).sort()).toEqual(['abroad', 'unable_to_come_in']);

    const p = await t.call(sup, 'GET', `/api/campaigns/${id}/progress`);
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({
      targets: 1000,
      // 50 who called in, and the 4 reached: a connected call is a response too.
      responded: 54,
      // 950 calls: 5 done (4 reached, wrong number, refused → 6), 2 unreachable, agent + agent2 each hold one,
      // no_answer and busy went back to the queue.
      calls: { total: 950, done: 6, unreachable: 2, claimed: 2, open: 940, remaining: 942 },
      outcomes: { reached: 4, no_answer: 1, busy: 1, wrong_number: 1, refused: 1, unreachable: 2 },
    });
    const byUser = Object.fromEntries(p.body.agents.map((a: any) => [a.userId, a]));
    expect(byUser[agentIds[0]]).toMatchObject({ quota: 200, done: 10, remaining: 190, claimed: 1 });
    expect(byUser[agentIds[1]]).toMatchObject({ quota: 200, done: 0, remaining: 200, claimed: 1 });
    expect(byUser[agentIds[2]]).toMatchObject({ done: 0, remaining: 200, claimed: 0 });
    const [s1, s2] = p.body.steps;
    expect(s1).toMatchObject({
      channel: 'sms',
      recipients: 980,
      sent: 980,
      delivered: 1,
      skipped: 20,
      failed: 0,
      queued: 0,
    });
    // The 50 callers all got the SMS (none of them opted out) and responded after it: 50 / 980.
    expect(s1.responded).toBe(50);
    expect(s1.responseRate).toBeCloseTo(50 / 980, 4);
    expect(s2).toMatchObject({ channel: 'call', recipients: 950, responded: 4 });
    expect(s2.responseRate).toBeCloseTo(4 / 950, 4);

    // Ten phone_out interactions on the timelines.
    const out = await sql<{
      n: number;
    }>`select count(*)::int as n from interactions where campaign_id = ${id} and channel = 'phone_out'`.execute(
      t.db,
    );
    expect(out.rows[0].n).toBe(10);
  }, 180_000);

  it('an agent at quota gets 409 QUOTA_REACHED; a user who is not an agent gets 409 NOT_CAMPAIGN_AGENT', async () => {
    const { segmentId } = await segmentOf(5, 'QUOTA');
    const sup = await t.login('supervisor');
    const c = await t.call(sup, 'POST', '/api/campaigns', {
      name: 'quota',
      target: { kind: 'segment', segmentId },
      agents: [{ userId: await userIdOf('agent'), quota: 1 }],
      steps: [{ channel: 'call', delayDays: 0 }],
    });
    await t.call(sup, 'POST', `/api/campaigns/${c.body.id}/start`);
    const agent = await t.login('agent');
    const w = await t.call(agent, 'POST', `/api/campaigns/${c.body.id}/next`);
    await t.call(agent, 'POST', `/api/campaigns/${c.body.id}/calls/${w.body.call.id}/attempts`, {
      outcome: 'reached',
      answers: {},
    });
    const again = await t.call(agent, 'POST', `/api/campaigns/${c.body.id}/next`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('QUOTA_REACHED');
    expect(
      (await t.call(await t.login('agent2'), 'POST', `/api/campaigns/${c.body.id}/next`)).body.error.code,
    ).toBe('NOT_CAMPAIGN_AGENT');
  });

  it('an imported list of customer codes reports the codes it did not find', async () => {
    const ids = await insertCustomers(t, 3, { prefix: 'LIST' });
    const codes = (await t.db.selectFrom('customers').select('code').where('id', 'in', ids).execute()).map(
      (r) => r.code,
    );
    const sh = await insertCustomers(t, 1, { prefix: 'LISTSH', branch: 'SH01' });
    const shCode = (
      await t.db.selectFrom('customers').select('code').where('id', '=', sh[0]).executeTakeFirstOrThrow()
    ).code;
    const r = await t.call(await t.login('supervisor'), 'POST', '/api/campaigns', {
      name: 'list',
      target: { kind: 'list', customerCodes: [...codes, 'NOPE-1', shCode] },
      steps: [{ channel: 'call' }],
    });
    expect(r.status).toBe(201);
    expect(r.body.targets).toBe(3);
    expect(r.body.unknownCodes.sort()).toEqual(['NOPE-1', shCode].sort()); // another branch's customer is unknown here
  });
});

describe('SMS templates', () => {
  it('a step copies an administered template; unknown placeholders are refused', async () => {
    const sup = await t.login('supervisor');
    expect(
      (await t.call(sup, 'POST', '/api/sms/templates', { name: 'bad', body: '{nickname}您好' })).body.error
        .code,
    ).toBe('PLACEHOLDER_UNKNOWN');
    const tpl = await t.call(sup, 'POST', '/api/sms/templates', {
      name: '回访预告',
      body: '{name}（{code}）您好，近期将回访。',
    });
    expect(tpl.status).toBe(201);
    const ids = await insertCustomers(t, 1, { prefix: 'TPL' });
    const code = (
      await t.db.selectFrom('customers').select('code').where('id', '=', ids[0]).executeTakeFirstOrThrow()
    ).code;
    const c = await t.call(sup, 'POST', '/api/campaigns', {
      name: 'tpl',
      target: { kind: 'list', customerCodes: [code] },
      steps: [{ channel: 'sms', smsTemplateId: tpl.body.id }],
    });
    expect(c.body.steps[0].smsTemplate).toBe('{name}（{code}）您好，近期将回访。');
    expect((await t.call(sup, 'GET', '/api/sms/templates')).body.map((x: any) => x.name)).toContain(
      '回访预告',
    );
  });
});

describe('a saved customer search as the target list', () => {
  it('copies the query and takes its matches (in the starter’s branches) when started', async () => {
    const ids = await insertCustomers(t, 3, { prefix: 'SAVED' });
    await sql`update customers set name = '储蓄罐测试客户' where id = any(${ids}::bigint[])`.execute(t.db);
    const sup = await t.login('supervisor');
    const supId = await userIdOf('supervisor');
    const view = await t.db
      .insertInto('saved_views')
      .values({ user_id: supId, name: '储蓄罐', query: JSON.stringify({ q: '储蓄罐测试' }) })
      .returning('id')
      .executeTakeFirstOrThrow();
    const c = await t.call(sup, 'POST', '/api/campaigns', {
      name: 'saved',
      target: { kind: 'saved_search', savedViewId: view.id },
      steps: [{ channel: 'call' }],
    });
    expect(c.status).toBe(201);
    expect(c.body).toMatchObject({ targetKind: 'saved_search', savedViewId: view.id, targets: 0 });
    const s = await t.call(sup, 'POST', `/api/campaigns/${c.body.id}/start`);
    expect(s.body.targets).toBe(3);
    // Someone else's saved search cannot be used.
    const other = await t.call(await t.login('admin'), 'POST', '/api/campaigns', {
      name: 'x',
      target: { kind: 'saved_search', savedViewId: view.id },
      steps: [{ channel: 'call' }],
    });
    expect(other.body.error.code).toBe('SAVED_VIEW_NOT_FOUND');
  });
});

describe('the dispatcher survives a restart mid-run', () => {
  it('killed after some batches and run again: each customer reaches the gateway exactly once', async () => {
    const { segmentId } = await segmentOf(600, 'RESTART');
    const sup = await t.login('supervisor');
    const c = await t.call(sup, 'POST', '/api/campaigns', {
      name: 'restart',
      target: { kind: 'segment', segmentId },
      steps: [{ channel: 'sms', smsTemplate: '{name}：风险提示' }],
    });
    const started = await t.call(sup, 'POST', `/api/campaigns/${c.body.id}/start`);
    const stepId = started.body.steps[0].id;
    const before = gw.messages.length;
    const requestsBefore = gw.requests();
    const duplicatesBefore = gw.duplicates();
    // Run 1 dies in its third batch: the gateway has accepted those messages but nothing was recorded.
    const ctl = new AbortController();
    let calls = 0;
    const dying = {
      name: 'dying',
      send: async (m: any) => {
        const r = await provider.send(m);
        if (++calls === 250) ctl.abort();
        return r;
      },
    };
    await expect(
      dispatchOutbox(
        t.db,
        { stepId },
        { provider: dying, batchSize: 100, concurrency: 8, leaseSeconds: 1, signal: ctl.signal },
      ),
    ).rejects.toThrow(/stopped mid-batch/);
    const run1Requests = gw.requests() - requestsBefore;
    expect(run1Requests).toBeGreaterThanOrEqual(250);
    expect(run1Requests).toBeLessThan(300); // the rest of the dying batch was never sent
    const mid = await sql<{
      status: string;
      n: number;
    }>`select status, count(*)::int as n from sms_outbox where campaign_step_id = ${stepId} group by status`.execute(
      t.db,
    );
    expect(Object.fromEntries(mid.rows.map((r) => [r.status, r.n]))).toEqual({
      sent: 200,
      sending: 100,
      pending: 300,
    });
    // Run 2 (after the dead run's lease) re-sends the unrecorded batch with the same idempotency keys.
    await new Promise((r) => setTimeout(r, 1100));
    const res = await dispatchOutbox(t.db, { stepId }, { provider, batchSize: 100, concurrency: 8 });
    expect(res.sent).toBe(400);
    const mine = gw.messages.slice(before);
    expect(mine).toHaveLength(600);
    expect(new Set(mine.map((m) => m.mobile)).size).toBe(600);
    // The dead batch's messages the gateway had already accepted (run 1's requests beyond the 200 recorded) were
    // sent again — at-least-once — and answered from their idempotency key without a second text.
    expect(gw.duplicates() - duplicatesBefore).toBe(run1Requests - 200);
    expect(gw.duplicates() - duplicatesBefore).toBeGreaterThan(0);
    expect(gw.requests() - requestsBefore).toBe(600 + run1Requests - 200);
    const rows = await sql<{ n: number; i: number }>`
      select count(*) filter (where status = 'sent')::int as n, count(distinct interaction_id)::int as i
        from sms_outbox where campaign_step_id = ${stepId}`.execute(t.db);
    expect(rows.rows[0]).toEqual({ n: 600, i: 600 });
    const timeline = await sql<{
      n: number;
    }>`select count(*)::int as n from interactions where campaign_id = ${c.body.id} and channel = 'sms'`.execute(
      t.db,
    );
    expect(timeline.rows[0].n).toBe(600);
  }, 120_000);

  it('failures: a refused number is recorded as failed; a gateway error is retried', async () => {
    const { ids, segmentId } = await segmentOf(4, 'FAIL');
    const sup = await t.login('supervisor');
    const c = await t.call(sup, 'POST', '/api/campaigns', {
      name: 'fail',
      target: { kind: 'segment', segmentId },
      steps: [{ channel: 'sms', smsTemplate: 'x' }],
    });
    const started = await t.call(sup, 'POST', `/api/campaigns/${c.body.id}/start`);
    const stepId = started.body.steps[0].id;
    const refused = `139${String(ids[0]).padStart(8, '0')}`;
    const flaky = `139${String(ids[1]).padStart(8, '0')}`;
    let flakyLeft = 1;
    gw.failWith((m) =>
      m.mobile === refused ? 400 : m.mobile === flaky && flakyLeft-- > 0 ? 503 : undefined,
    );
    await dispatchOutbox(t.db, { stepId }, { provider, leaseSeconds: 1 });
    await new Promise((r) => setTimeout(r, 1100));
    await sql`update sms_outbox set lease_until = now() - interval '1 second' where campaign_step_id = ${stepId} and status = 'sending'`.execute(
      t.db,
    );
    await dispatchOutbox(t.db, { stepId }, { provider });
    gw.failWith(undefined);
    const rows = await t.db
      .selectFrom('sms_outbox')
      .select(['customer_id', 'status', 'attempts'])
      .where('campaign_step_id', '=', stepId)
      .orderBy('customer_id')
      .execute();
    expect(rows.map((r) => r.status)).toEqual(['failed', 'sent', 'sent', 'sent']);
    expect(rows[1].attempts).toBe(2);
    const failedOnTimeline = await t.db
      .selectFrom('interactions')
      .select('outcome')
      .where('customer_id', '=', ids[0])
      .where('channel', '=', 'sms')
      .execute();
    expect(failedOnTimeline).toEqual([{ outcome: 'failed' }]);
  });
});

describe('the daily flow: confirm the count, pause, resume, stop', () => {
  it('counts before a start; a pause sends nothing and hands out no call; resume carries on; stop is final', async () => {
    const { ids, segmentId } = await segmentOf(10, 'FLOW');
    await sql`update customers set sms_opt_out = true where id = any(${ids.slice(0, 2)}::bigint[])`.execute(
      t.db,
    );
    await sql`update customers set phone = null where id = ${ids[2]}`.execute(t.db);
    const sup = await t.login('supervisor');
    const agent = await t.login('agent');
    const created = await t.call(sup, 'POST', '/api/campaigns', {
      name: 'flow',
      target: { kind: 'segment', segmentId },
      agents: [{ userId: await userIdOf('agent'), quota: 100 }],
      steps: [
        { channel: 'sms', delayDays: 0, smsTemplate: '{name}您好' },
        { channel: 'call', delayDays: 3 },
      ],
    });
    const id = created.body.id;
    expect(created.body.segmentName).toBe('seg FLOW');
    // The dry count: ten people, seven texts (two opted out, one without a mobile), the call step later.
    const preview = await t.call(sup, 'GET', `/api/campaigns/${id}/preview-count`);
    expect(preview.body).toEqual({
      campaignId: id,
      status: 'draft',
      targets: 10,
      sms: 7,
      smsSkipped: 3,
      calls: 0,
      laterSteps: 1,
    });
    // Only a running campaign pauses; only a started one stops — the 409 names the status.
    const early = await t.call(sup, 'POST', `/api/campaigns/${id}/pause`);
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'CAMPAIGN_NOT_RUNNING', details: { status: 'draft' } });
    expect((await t.call(sup, 'POST', `/api/campaigns/${id}/stop`)).body.error).toMatchObject({
      code: 'CAMPAIGN_NOT_ACTIVE',
      details: { status: 'draft' },
    });
    const started = await t.call(sup, 'POST', `/api/campaigns/${id}/start`);
    const [smsStep, callStep] = started.body.steps;
    expect((await t.call(agent, 'POST', `/api/campaigns/${id}/pause`)).status, 'agents cannot pause').toBe(
      403,
    );

    const paused = await t.call(sup, 'POST', `/api/campaigns/${id}/pause`);
    expect(paused.status).toBe(200);
    expect(paused.body.status).toBe('paused');
    expect((await t.call(sup, 'POST', `/api/campaigns/${id}/pause`)).body.error).toMatchObject({
      code: 'CAMPAIGN_NOT_RUNNING',
      details: { status: 'paused' },
    });
    // Nothing is sent while paused.
    const before = gw.messages.length;
    expect(await dispatchOutbox(t.db, { stepId: smsStep.id }, { provider })).toMatchObject({
      sent: 0,
      batches: 0,
    });
    expect(gw.messages.length).toBe(before);
    // Someone who calls in meanwhile has still responded.
    await t.call(agent, 'POST', `/api/customers/${ids[9]}/interactions`, {
      channel: 'phone_in',
      summary: '来电',
    });
    // The call step fell due during the pause (the campaign started four days ago): it waits for the resume.
    await sql`update campaigns set started_at = now() - interval '4 days' where id = ${id}`.execute(t.db);
    expect((await t.call(sup, 'POST', `/api/campaigns/${id}/steps/${callStep.id}/dispatch`)).status).toBe(
      409,
    );
    const ws = await t.call(agent, 'POST', `/api/campaigns/${id}/next`);
    expect(ws.body).toMatchObject({ campaignStatus: 'paused', call: null });

    const resumed = await t.call(sup, 'POST', `/api/campaigns/${id}/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body.status).toBe('running');
    expect(resumed.body.steps[1].status).toBe('dispatched');
    const calls = await t.db
      .selectFrom('campaign_calls')
      .select('customer_id')
      .where('step_id', '=', callStep.id)
      .execute();
    expect(calls).toHaveLength(9); // the one who called in is left out
    expect((await dispatchOutbox(t.db, { stepId: smsStep.id }, { provider })).sent).toBe(7);
    expect((await t.call(agent, 'POST', `/api/campaigns/${id}/next`)).body.call).not.toBeNull();
    const trail = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity', '=', 'campaign')
      .where('entity_id', '=', String(id) as any)
      .where('action', 'in', ['campaign.paused', 'campaign.resumed'])
      .execute();
    expect(trail.map((a) => a.action).sort()).toEqual(['campaign.paused', 'campaign.resumed']);

    const stopped = await t.call(sup, 'POST', `/api/campaigns/${id}/stop`);
    expect(stopped.body).toMatchObject({ status: 'stopped' });
    expect(stopped.body.finishedAt).not.toBeNull();
    for (const action of ['resume', 'pause', 'stop'])
      expect((await t.call(sup, 'POST', `/api/campaigns/${id}/${action}`)).body.error.details).toEqual({
        status: 'stopped',
      });
    expect((await t.call(agent, 'POST', `/api/campaigns/${id}/next`)).body.call).not.toBeNull(); // the one held
  });

  it('stop skips the texts still queued; nothing more goes out', async () => {
    const { segmentId } = await segmentOf(5, 'STOP');
    const sup = await t.login('supervisor');
    const c = await t.call(sup, 'POST', '/api/campaigns', {
      name: 'stop',
      target: { kind: 'segment', segmentId },
      steps: [{ channel: 'sms', smsTemplate: '{name}' }],
    });
    const started = await t.call(sup, 'POST', `/api/campaigns/${c.body.id}/start`);
    const stepId = started.body.steps[0].id;
    // One message is in flight (claimed, its lease running): the dispatcher records what the gateway says.
    const inFlight = await t.db
      .selectFrom('sms_outbox')
      .select('id')
      .where('campaign_step_id', '=', stepId)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    await sql`update sms_outbox set status = 'sending', lease_until = now() + interval '5 minutes' where id = ${inFlight.id}`.execute(
      t.db,
    );
    const stopped = await t.call(sup, 'POST', `/api/campaigns/${c.body.id}/stop`);
    expect(stopped.body.steps[0].status).toBe('dispatched');
    const rows = await t.db
      .selectFrom('sms_outbox')
      .select(['id', 'status', 'skip_reason'])
      .where('campaign_step_id', '=', stepId)
      .execute();
    expect(rows).toHaveLength(5);
    const rest = rows.filter((r) => r.id !== inFlight.id);
    expect(rest.every((r) => r.status === 'skipped' && r.skip_reason === 'campaign_stopped')).toBe(true);
    expect(rows.find((r) => r.id === inFlight.id)!.status).toBe('sending');
    expect((await dispatchOutbox(t.db, { stepId }, { provider })).sent).toBe(0);
  });
});

describe('failed texts with the gateway’s reason', () => {
  it('lists refused and undelivered messages with a code the reader’s language knows', async () => {
    const { ids, segmentId } = await segmentOf(3, 'WHY');
    const sup = await t.login('supervisor');
    const c = await t.call(sup, 'POST', '/api/campaigns', {
      name: 'why',
      target: { kind: 'segment', segmentId },
      steps: [{ channel: 'sms', smsTemplate: '{name}' }],
    });
    const started = await t.call(sup, 'POST', `/api/campaigns/${c.body.id}/start`);
    const stepId = started.body.steps[0].id;
    const refused = `139${String(ids[0]).padStart(8, '0')}`;
    gw.failWith((m) => (m.mobile === refused ? 400 : undefined));
    await dispatchOutbox(t.db, { stepId }, { provider });
    gw.failWith(undefined);
    const sent = await t.db
      .selectFrom('sms_outbox')
      .selectAll()
      .where('campaign_step_id', '=', stepId)
      .where('customer_id', '=', ids[1])
      .executeTakeFirstOrThrow();
    const report = {
      msgid: sent.provider_msg_id!,
      extno: `kefu-sms-${sent.id}`,
      status: 'UNDELIV',
      timestamp: String(Date.now()),
    };
    await t.call(null, 'POST', '/api/sms/reports', { ...report, sign: signReport(SECRET, report) });
    const failed = await t.call(sup, 'GET', `/api/campaigns/${c.body.id}/failed-messages`);
    expect(failed.status).toBe(200);
    expect(failed.body).toHaveLength(2);
    failed.body.sort((a: any, b: any) => a.customerId - b.customerId);
    expect(failed.body[0]).toMatchObject({
      customerId: ids[0],
      status: 'failed',
      reasonCode: 'REFUSED',
      position: 1,
    });
    expect(failed.body[0].reason).toMatch(/^refused: 400/);
    expect(failed.body[1]).toMatchObject({
      customerId: ids[1],
      status: 'undelivered',
      reasonCode: 'REPORT_UNDELIV',
      reason: 'UNDELIV',
    });
  });
});

describe('calls: a connected call is a response; required questions are required', () => {
  it('refuses reached without the required answers, and drops the reached person from later steps', async () => {
    const { ids, segmentId } = await segmentOf(2, 'REACH');
    const sup = await t.login('supervisor');
    const agent = await t.login('agent');
    const c = await t.call(sup, 'POST', '/api/campaigns', {
      name: 'reach',
      target: { kind: 'segment', segmentId },
      questions: [
        { key: 'self', type: 'yes_no', text: '是否本人', required: true },
        { key: 'feedback', type: 'text', text: '意见', required: true },
        { key: 'extra', type: 'text', text: '备注' },
      ],
      agents: [{ userId: await userIdOf('agent'), quota: 100 }],
      steps: [
        { channel: 'call', delayDays: 0 },
        { channel: 'sms', delayDays: 1, smsTemplate: '{name}，感谢' },
      ],
    });
    const id = c.body.id;
    const started = await t.call(sup, 'POST', `/api/campaigns/${id}/start`);
    const smsStep = started.body.steps[1];
    const w = await t.call(agent, 'POST', `/api/campaigns/${id}/next`);
    const callId = w.body.call.id;
    const who = w.body.call.customer.id;
    const url = `/api/campaigns/${id}/calls/${callId}/attempts`;
    const none = await t.call(agent, 'POST', url, { outcome: 'reached', answers: {} });
    expect(none.status).toBe(400);
    expect(none.body.error.fields).toEqual({
      'answers.self': 'ANSWER_REQUIRED',
      'answers.feedback': 'ANSWER_REQUIRED',
    });
    const blank = await t.call(agent, 'POST', url, {
      outcome: 'reached',
      answers: { self: true, feedback: '   ' },
    });
    expect(blank.body.error.fields).toEqual({ 'answers.feedback': 'ANSWER_REQUIRED' });
    const ok = await t.call(agent, 'POST', url, {
      outcome: 'reached',
      answers: { self: true, feedback: '满意' },
    });
    expect(ok.status).toBe(201);
    const target = await t.db
      .selectFrom('campaign_targets')
      .select(['customer_id', 'responded_at', 'responded_channel'])
      .where('campaign_id', '=', id)
      .orderBy('customer_id')
      .execute();
    const reached = target.find((x) => x.customer_id === who)!;
    expect(reached.responded_at).not.toBeNull();
    expect(reached.responded_channel).toBe('phone_out');
    expect(target.find((x) => x.customer_id !== who)!.responded_at).toBeNull();
    // The other person's call: no answer needs no answers, and is no response.
    const w2 = await t.call(agent, 'POST', `/api/campaigns/${id}/next`);
    const other = await t.call(agent, 'POST', `/api/campaigns/${id}/calls/${w2.body.call.id}/attempts`, {
      outcome: 'no_answer',
    });
    expect(other.status).toBe(201);
    // The thank-you text goes only to the one not reached.
    await t.call(sup, 'POST', `/api/campaigns/${id}/steps/${smsStep.id}/dispatch`);
    const outbox = await t.db
      .selectFrom('sms_outbox')
      .select('customer_id')
      .where('campaign_step_id', '=', smsStep.id)
      .execute();
    expect(outbox.map((o) => o.customer_id)).toEqual(ids.filter((x) => x !== who));
    const p = await t.call(sup, 'GET', `/api/campaigns/${id}/progress`);
    expect(p.body.responded).toBe(1);
  });
});

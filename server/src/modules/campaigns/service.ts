// Callback campaigns (回访, 外呼): a target list (a segment or imported customer codes), a script and questions,
// agents with quotas, and steps (e.g. SMS, then a call N days later to those who have not responded). Anyone who
// gets in touch by any inbound channel after the campaign started is taken off the remaining steps — by the
// interactions trigger as it happens, and set-based again when a step is dispatched.
import { type RawBuilder, sql } from 'kysely';
import { audit } from '../../platform/audit.ts';
import { type AuthedCtx, type Ctx, withTx } from '../../platform/context.ts';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { defineJob, enqueue } from '../../platform/jobs.ts';
import {
  type Actor,
  assertInScope,
  branchScope,
  can,
  requirePermission,
  scopeToBranch,
} from '../../platform/permissions.ts';
import { localNow, zoneSql } from '../../platform/time.ts';
import { customerSearchQuery, maskPii, recordInteraction } from '../customers/index.ts';
import { segmentCustomerQuery } from '../segments/index.ts';
import { checkPlaceholders } from './sms.ts';
import type { CallOutcome, CampaignQuestion } from './tables.ts';

export const OUTCOMES: CallOutcome[] = [
  'reached',
  'no_answer',
  'busy',
  'wrong_number',
  'refused',
  'unreachable',
];
/** Inbound channels that count as a response (any inbound interaction does; these are the ones that occur). */
export const RESPONSE_CHANNELS = ['phone_in', 'counter', 'portal', 'sms', 'email', 'wechat'];

export type StepInput = {
  channel: 'sms' | 'call';
  delayDays: number;
  smsTemplate?: string | null;
  smsTemplateId?: number | null;
};
export type CampaignInput = {
  name: string;
  branchId?: number;
  target:
    | { kind: 'segment'; segmentId: number }
    | { kind: 'list'; customerCodes: string[] }
    | { kind: 'saved_search'; savedViewId: number };
  scriptArticleId?: number | null;
  script?: string | null;
  questions: CampaignQuestion[];
  quotaPeriod?: 'week' | 'campaign';
  agents: { userId: number; quota: number }[];
  steps: StepInput[];
};

/** `column in (actor's branches)` as raw SQL, for set-based statements. */
export function scopeSql(actor: Actor, column: string): RawBuilder<boolean> {
  const scope = branchScope(actor);
  return scope === 'all' ? sql<boolean>`true` : sql<boolean>`${sql.ref(column)} = any(${scope}::bigint[])`;
}

/** Start of the current quota period (the week in the firm's time zone, or the whole campaign). */
const periodStart = (period: string) =>
  period === 'week'
    ? sql`(date_trunc('week', ${localNow()}) at time zone ${zoneSql()})`
    : sql`'-infinity'::timestamptz`;

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

async function loadCampaign(ctx: AuthedCtx, id: number, lock = false) {
  let q = scopeToBranch(
    ctx.db.selectFrom('campaigns').selectAll().where('campaigns.id', '=', id),
    ctx.actor,
    'campaigns.branch_id',
  );
  if (lock) q = q.forUpdate();
  const c = await q.executeTakeFirst();
  if (!c) throw notFound('CAMPAIGN_NOT_FOUND', 'Campaign not found');
  return c;
}

async function campaignOut(ctx: Ctx, c: Awaited<ReturnType<typeof loadCampaign>>) {
  const [agents, steps, n, segment] = await Promise.all([
    ctx.db
      .selectFrom('campaign_agents')
      .innerJoin('users', 'users.id', 'campaign_agents.user_id')
      .select(['campaign_agents.user_id', 'campaign_agents.quota', 'users.display_name'])
      .where('campaign_id', '=', c.id)
      .orderBy('user_id')
      .execute(),
    ctx.db
      .selectFrom('campaign_steps')
      .selectAll()
      .where('campaign_id', '=', c.id)
      .orderBy('position')
      .execute(),
    ctx.db
      .selectFrom('campaign_targets')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('campaign_id', '=', c.id)
      .executeTakeFirstOrThrow(),
    c.segment_id == null
      ? undefined
      : ctx.db.selectFrom('segments').select('name').where('id', '=', c.segment_id).executeTakeFirst(),
  ]);
  return {
    id: c.id,
    name: c.name,
    branchId: c.branch_id,
    status: c.status,
    targetKind: c.target_kind,
    segmentId: c.segment_id,
    segmentName: segment?.name ?? null,
    savedViewId: c.saved_view_id,
    scriptArticleId: c.script_article_id,
    script: c.script,
    questions: c.questions,
    quotaPeriod: c.quota_period,
    targets: n.n,
    agents: agents.map((a) => ({ userId: a.user_id, name: a.display_name, quota: a.quota })),
    steps: steps.map((s) => ({
      id: s.id,
      position: s.position,
      channel: s.channel,
      delayDays: s.delay_days,
      smsTemplate: s.sms_template,
      status: s.status,
      startedAt: iso(s.started_at),
      dispatchedAt: iso(s.dispatched_at),
    })),
    startedAt: iso(c.started_at),
    finishedAt: iso(c.finished_at),
    createdAt: c.created_at.toISOString(),
    version: c.version,
  };
}
export type CampaignOut = Awaited<ReturnType<typeof campaignOut>>;

export async function getCampaign(ctx: AuthedCtx, id: number) {
  requirePermission(ctx.actor, 'campaign.read');
  return campaignOut(ctx, await loadCampaign(ctx, id));
}

export async function listCampaigns(ctx: AuthedCtx, q: { status?: string }) {
  requirePermission(ctx.actor, 'campaign.read');
  let qb = scopeToBranch(ctx.db.selectFrom('campaigns').selectAll(), ctx.actor, 'campaigns.branch_id');
  if (q.status) qb = qb.where('status', '=', q.status as any);
  const rows = await qb.orderBy('id', 'desc').limit(200).execute();
  return Promise.all(rows.map((r) => campaignOut(ctx, r)));
}

function checkQuestions(qs: CampaignQuestion[]) {
  const keys = new Set<string>();
  qs.forEach((q, i) => {
    if (keys.has(q.key))
      throw badRequest('QUESTION_KEY_DUPLICATE', 'Question keys must be unique', {
        [`questions.${i}.key`]: 'DUPLICATE',
      });
    keys.add(q.key);
    if (q.type === 'single' && (!q.options || q.options.length < 2))
      throw badRequest('QUESTION_OPTIONS_REQUIRED', 'A single-choice question needs options', {
        [`questions.${i}.options`]: 'REQUIRED',
      });
  });
}

export async function createCampaign(ctx: AuthedCtx, input: CampaignInput) {
  requirePermission(ctx.actor, 'campaign.write');
  checkQuestions(input.questions);
  // A step may name an administered template: its text is copied onto the step.
  const templateIds = input.steps.map((s) => s.smsTemplateId).filter((x): x is number => x != null);
  if (templateIds.length) {
    const rows = await ctx.db
      .selectFrom('sms_templates')
      .select(['id', 'body'])
      .where('id', 'in', templateIds)
      .where('active', '=', true)
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r.body]));
    input = {
      ...input,
      steps: input.steps.map((s, i) => {
        if (s.smsTemplateId == null) return s;
        const body = byId.get(s.smsTemplateId);
        if (!body)
          throw badRequest('SMS_TEMPLATE_NOT_FOUND', 'No such SMS template', {
            [`steps.${i}.smsTemplateId`]: 'SMS_TEMPLATE_NOT_FOUND',
          });
        return { ...s, smsTemplate: s.smsTemplate?.trim() ? s.smsTemplate : body };
      }),
    };
  }
  input.steps.forEach((s, i) => {
    if (s.smsTemplate) checkPlaceholders(s.smsTemplate, `steps.${i}.smsTemplate`);
  });
  if (input.steps.some((s) => s.channel === 'sms' && !s.smsTemplate?.trim()))
    throw badRequest('SMS_TEMPLATE_REQUIRED', 'An SMS step needs its text', {
      steps: 'SMS_TEMPLATE_REQUIRED',
    });
  if (input.steps.some((s, i) => i > 0 && s.delayDays < input.steps[i - 1].delayDays))
    throw badRequest('STEPS_ORDER', 'Steps must be in the order of their delays', { steps: 'STEPS_ORDER' });
  const branchId = input.branchId ?? ctx.actor.branchId;
  assertInScope(ctx.actor, branchId, 'BRANCH_NOT_FOUND');
  return withTx(ctx, async (tx) => {
    if (input.scriptArticleId != null) {
      const a = await tx.db
        .selectFrom('kb_articles')
        .select('id')
        .where('id', '=', input.scriptArticleId)
        .executeTakeFirst();
      if (!a)
        throw badRequest('ARTICLE_NOT_FOUND', 'No such article', { scriptArticleId: 'ARTICLE_NOT_FOUND' });
    }
    const scope = branchScope(ctx.actor);
    const userIds = input.agents.map((a) => a.userId);
    if (new Set(userIds).size !== userIds.length)
      throw badRequest('AGENT_DUPLICATE', 'An agent is listed twice', { agents: 'AGENT_DUPLICATE' });
    if (userIds.length) {
      const ok = await tx.db
        .selectFrom('users')
        .select('id')
        .where('id', 'in', userIds)
        .where('status', '=', 'active')
        .$if(scope !== 'all', (q) => q.where('branch_id', '=', branchId))
        .execute();
      if (ok.length !== userIds.length)
        throw badRequest('AGENT_INVALID', 'An agent is not an active user of this branch', {
          agents: 'AGENT_INVALID',
        });
    }
    if (input.target.kind === 'segment') await segmentCustomerQuery(tx as AuthedCtx, input.target.segmentId); // 404 if not visible
    let targetQuery: unknown = null;
    if (input.target.kind === 'saved_search') {
      // Saved views are private: only the caller's own.
      const v = await tx.db
        .selectFrom('saved_views')
        .select(['id', 'query'])
        .where('id', '=', input.target.savedViewId)
        .where('user_id', '=', ctx.actor.id)
        .executeTakeFirst();
      if (!v)
        throw badRequest('SAVED_VIEW_NOT_FOUND', 'No such saved search of yours', {
          'target.savedViewId': 'SAVED_VIEW_NOT_FOUND',
        });
      targetQuery = v.query;
      await customerSearchQuery(tx as AuthedCtx, v.query as any); // the query must still compile
    }
    const c = await tx.db
      .insertInto('campaigns')
      .values({
        name: input.name,
        branch_id: branchId,
        target_kind: input.target.kind,
        segment_id: input.target.kind === 'segment' ? input.target.segmentId : null,
        saved_view_id: input.target.kind === 'saved_search' ? input.target.savedViewId : null,
        target_query: targetQuery == null ? null : JSON.stringify(targetQuery),
        script_article_id: input.scriptArticleId ?? null,
        script: input.script ?? null,
        questions: JSON.stringify(input.questions),
        quota_period: input.quotaPeriod ?? 'week',
        created_by: ctx.actor.id,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    if (input.agents.length)
      await tx.db
        .insertInto('campaign_agents')
        .values(input.agents.map((a) => ({ campaign_id: c.id, user_id: a.userId, quota: a.quota })))
        .execute();
    await tx.db
      .insertInto('campaign_steps')
      .values(
        input.steps.map((s, i) => ({
          campaign_id: c.id,
          position: i + 1,
          channel: s.channel,
          delay_days: s.delayDays,
          sms_template: s.smsTemplate ?? null,
        })),
      )
      .execute();
    let unknownCodes: string[] = [];
    if (input.target.kind === 'list') {
      const codes = [...new Set(input.target.customerCodes.map((x) => x.trim()).filter(Boolean))];
      const res = await sql<{ code: string }>`
        with ins as (
          insert into campaign_targets (campaign_id, customer_id, branch_id)
          select ${c.id}, c.id, c.branch_id from customers c
           where c.code = any(${codes}::text[]) and c.status <> 'merged' and ${scopeSql(ctx.actor, 'c.branch_id')}
          on conflict do nothing
          returning customer_id)
        select c.code from customers c join ins on ins.customer_id = c.id`.execute(tx.db);
      const found = new Set(res.rows.map((r) => r.code));
      unknownCodes = codes.filter((x) => !found.has(x));
    }
    await audit(tx, {
      action: 'campaign.created',
      entity: 'campaign',
      entityId: c.id,
      branchId,
      after: { ...c, agents: input.agents, steps: input.steps },
    });
    return { ...(await campaignOut(tx, c)), unknownCodes };
  });
}

/**
 * Starts a draft campaign: materialises the segment's members as targets (set-based), dispatches the steps due
 * now and schedules the later ones (a job per step, at start + delay days).
 */
export async function startCampaign(ctx: AuthedCtx, id: number) {
  requirePermission(ctx.actor, 'campaign.write');
  return withTx(ctx, async (tx) => {
    const c = await loadCampaign(tx as AuthedCtx, id, true);
    if (c.status !== 'draft') throw conflict('CAMPAIGN_NOT_DRAFT', 'The campaign has already started');
    if (c.target_kind === 'segment' && c.segment_id != null) {
      const members = await segmentCustomerQuery(tx as AuthedCtx, c.segment_id);
      await sql`
        insert into campaign_targets (campaign_id, customer_id, branch_id)
        select ${c.id}, c.id, c.branch_id from customers c where c.id in (${members})
        on conflict do nothing`.execute(tx.db);
    }
    if (c.target_kind === 'saved_search' && c.target_query != null) {
      const members = (await customerSearchQuery(tx as AuthedCtx, c.target_query as any))
        .clearSelect()
        .select('customers.id');
      await sql`
        insert into campaign_targets (campaign_id, customer_id, branch_id)
        select ${c.id}, c.id, c.branch_id from customers c where c.id in (${members})
        on conflict do nothing`.execute(tx.db);
    }
    const started = await tx.db
      .updateTable('campaigns')
      .set({ status: 'running', started_at: sql`now()`, updated_at: sql`now()`, version: sql`version + 1` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const steps = await tx.db
      .selectFrom('campaign_steps')
      .selectAll()
      .where('campaign_id', '=', id)
      .orderBy('position')
      .execute();
    for (const s of steps) {
      if (s.delay_days === 0) await dispatchStepTx(tx, s.id);
      else
        await enqueue(
          tx,
          'campaign:dispatch_step',
          { stepId: s.id },
          {
            runAt: new Date(started.started_at!.getTime() + s.delay_days * 86_400_000),
            jobKey: `campaign_step:${s.id}`,
          },
        );
    }
    await audit(tx, {
      action: 'campaign.started',
      entity: 'campaign',
      entityId: id,
      branchId: c.branch_id,
      before: { status: c.status },
      after: { status: 'running' },
    });
    return campaignOut(tx, started);
  });
}

/** The mainland mobile a message would go to (the SMS step's rule), or null: as SQL over a phone column. */
const mobileSql = (phone: RawBuilder<unknown>) =>
  sql`case when regexp_replace(regexp_replace(coalesce(${phone}, ''), '[^0-9]', '', 'g'), '^86(1[0-9]{10})$', '\\1') ~ '^1[3-9][0-9]{9}$'
           then regexp_replace(regexp_replace(${phone}, '[^0-9]', '', 'g'), '^86(1[0-9]{10})$', '\\1') end`;

/**
 * A dry count for the confirmation before a start: how many people the campaign takes (a draft's segment or saved
 * search as it is now, or its list; a started campaign's targets who have not responded), how many texts the
 * steps due at once send (opted-out customers and unusable numbers are skipped), and how many calls they hand out.
 */
export async function previewCount(ctx: AuthedCtx, id: number) {
  requirePermission(ctx.actor, 'campaign.read');
  const c = await loadCampaign(ctx, id);
  let members: unknown = sql`select null::bigint where false`;
  if (c.status === 'draft' && c.target_kind === 'segment' && c.segment_id != null)
    members = await segmentCustomerQuery(ctx, c.segment_id);
  if (c.status === 'draft' && c.target_kind === 'saved_search' && c.target_query != null)
    members = (await customerSearchQuery(ctx, c.target_query as any)).clearSelect().select('customers.id');
  const steps = await ctx.db
    .selectFrom('campaign_steps')
    .select(['channel', 'delay_days', 'status'])
    .where('campaign_id', '=', id)
    .execute();
  // Due at once: a draft's steps without delay; a started campaign's steps still pending and due.
  const due = steps.filter((s) =>
    c.status === 'draft'
      ? s.delay_days === 0
      : s.status === 'pending' &&
        c.started_at != null &&
        c.started_at.getTime() + s.delay_days * 86_400_000 <= Date.now(),
  );
  const r = await sql<{ targets: number; texts: number }>`
    with m as (
      select c.id, c.sms_opt_out, ${mobileSql(sql`c.phone`)} as mobile from customers c
       where c.id in (${members})
          or c.id in (select customer_id from campaign_targets where campaign_id = ${id} and responded_at is null))
    select count(*)::int as targets,
           count(*) filter (where not sms_opt_out and mobile is not null)::int as texts
      from m`.execute(ctx.db);
  const { targets, texts } = r.rows[0];
  const smsSteps = due.filter((s) => s.channel === 'sms').length;
  const callSteps = due.filter((s) => s.channel === 'call').length;
  return {
    campaignId: id,
    status: c.status,
    targets,
    sms: texts * smsSteps,
    smsSkipped: (targets - texts) * smsSteps,
    calls: targets * callSteps,
    laterSteps: steps.length - due.length,
  };
}

type Transition = 'pause' | 'resume' | 'stop';
const TRANSITIONS: Record<
  Transition,
  { from: string[]; to: 'running' | 'paused' | 'stopped'; code: string }
> = {
  pause: { from: ['running'], to: 'paused', code: 'CAMPAIGN_NOT_RUNNING' },
  resume: { from: ['paused'], to: 'running', code: 'CAMPAIGN_NOT_PAUSED' },
  stop: { from: ['running', 'paused'], to: 'stopped', code: 'CAMPAIGN_NOT_ACTIVE' },
};

/**
 * Pause (running → paused): no text is sent and no call handed out until resumed; a call an agent already holds
 * may still be recorded. Resume (paused → running): steps that fell due meanwhile are dispatched, texts still
 * queued go out, later steps keep their schedule. Stop (running or paused → stopped, final): texts still queued are
 * skipped (skip reason 'campaign_stopped'; a batch already in flight is recorded as the gateway answered), steps
 * not yet dispatched never are. A wrong transition is 409 naming the campaign's status.
 */
export async function changeCampaignStatus(ctx: AuthedCtx, id: number, action: Transition) {
  requirePermission(ctx.actor, 'campaign.write');
  const rule = TRANSITIONS[action];
  return withTx(ctx, async (tx) => {
    const c = await loadCampaign(tx as AuthedCtx, id, true);
    if (!rule.from.includes(c.status))
      throw conflict(rule.code, `The campaign is ${c.status}; it cannot ${action}`, { status: c.status });
    const updated = await tx.db
      .updateTable('campaigns')
      .set({
        status: rule.to,
        updated_at: sql`now()`,
        version: sql`version + 1`,
        ...(rule.to === 'stopped' ? { finished_at: sql`now()` } : {}),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const steps = await tx.db
      .selectFrom('campaign_steps')
      .selectAll()
      .where('campaign_id', '=', id)
      .orderBy('position')
      .execute();
    const meta: Record<string, unknown> = {};
    if (action === 'resume') {
      const dispatched: number[] = [];
      for (const s of steps) {
        if (s.status === 'dispatching')
          await enqueue(tx, 'sms:dispatch', { stepId: s.id }, { jobKey: `sms:step:${s.id}` });
        if (s.status !== 'pending') continue;
        const runAt = new Date(c.started_at!.getTime() + s.delay_days * 86_400_000);
        if (runAt.getTime() <= Date.now()) {
          await dispatchStepTx(tx, s.id);
          dispatched.push(s.id);
        } else
          await enqueue(
            tx,
            'campaign:dispatch_step',
            { stepId: s.id },
            { runAt, jobKey: `campaign_step:${s.id}` },
          );
      }
      meta.dispatchedSteps = dispatched;
    }
    if (action === 'stop') {
      const skipped = await tx.db
        .updateTable('sms_outbox')
        .set({ status: 'skipped', skip_reason: 'campaign_stopped', lease_until: null })
        .where('campaign_id', '=', id)
        // A batch in flight (its lease still running) records what the gateway said; abandoned claims are dropped.
        .where((eb) =>
          eb.or([
            eb('status', '=', 'pending'),
            eb.and([eb('status', '=', 'sending'), eb('lease_until', '<', sql<Date>`now()`)]),
          ]),
        )
        .executeTakeFirst();
      await tx.db
        .updateTable('campaign_steps')
        .set({ status: 'dispatched', dispatched_at: sql`now()` })
        .where('campaign_id', '=', id)
        .where('status', '=', 'dispatching')
        .execute();
      meta.smsSkipped = Number(skipped.numUpdatedRows);
    }
    await audit(tx, {
      action: `campaign.${action === 'pause' ? 'paused' : action === 'resume' ? 'resumed' : 'stopped'}`,
      entity: 'campaign',
      entityId: id,
      branchId: c.branch_id,
      before: { status: c.status },
      after: { status: rule.to },
      meta,
    });
    return campaignOut(tx, updated);
  });
}

/** What the gateway said about a message that did not arrive, as a code the reader's language knows, if it is one. */
const REPORT_CODES = new Set([
  'UNDELIV',
  'EXPIRED',
  'REJECTD',
  'DELETED',
  'UNKNOWN',
  'BLACK',
  'MK',
  'MI',
  'MN',
  'DB',
  'ID',
]);
export function smsFailureCode(
  status: string,
  reportStatus: string | null,
  error: string | null,
): string | null {
  if (status === 'undelivered') {
    const head = (reportStatus ?? '').toUpperCase().split(':')[0];
    return REPORT_CODES.has(head) ? `REPORT_${head}` : null;
  }
  const e = error ?? '';
  if (e.startsWith('network:')) return 'NETWORK';
  if (/^gateway \d+/.test(e)) return 'GATEWAY_UNAVAILABLE';
  if (e.startsWith('refused:')) return 'REFUSED';
  if (e.startsWith('SMS gateway not configured')) return 'NOT_CONFIGURED';
  return null;
}

/** The campaign's texts that failed (refused by the gateway) or were reported undelivered, with the reason. */
export async function failedMessages(ctx: AuthedCtx, campaignId: number) {
  requirePermission(ctx.actor, 'campaign.read');
  await loadCampaign(ctx, campaignId);
  const rows = await scopeToBranch(
    ctx.db
      .selectFrom('sms_outbox as o')
      .innerJoin('customers as c', 'c.id', 'o.customer_id')
      .innerJoin('campaign_steps as s', 's.id', 'o.campaign_step_id')
      .select([
        'o.id',
        'o.campaign_step_id',
        's.position',
        'o.customer_id',
        'c.code',
        'c.name',
        'o.status',
        'o.error',
        'o.report_status',
        'o.sent_at',
        'o.reported_at',
        'o.created_at',
      ])
      .where('o.campaign_id', '=', campaignId)
      .where('o.status', 'in', ['failed', 'undelivered']),
    ctx.actor,
    'o.branch_id',
  )
    .orderBy('o.id')
    .limit(1000)
    .execute();
  return rows.map((r) => ({
    outboxId: r.id,
    stepId: r.campaign_step_id!,
    position: r.position,
    customerId: r.customer_id,
    code: r.code,
    name: r.name,
    status: r.status as 'failed' | 'undelivered',
    reasonCode: smsFailureCode(r.status, r.report_status, r.error),
    reason: r.status === 'undelivered' ? r.report_status : r.error,
    at: (r.reported_at ?? r.sent_at ?? r.created_at).toISOString(),
  }));
}

/** Supervisor's "dispatch now" for a step whose delay has not passed yet (or to re-dispatch nothing twice). */
export async function dispatchStepNow(ctx: AuthedCtx, campaignId: number, stepId: number) {
  requirePermission(ctx.actor, 'campaign.write');
  return withTx(ctx, async (tx) => {
    const c = await loadCampaign(tx as AuthedCtx, campaignId, true);
    if (c.status !== 'running') throw conflict('CAMPAIGN_NOT_RUNNING', 'Start the campaign first');
    const s = await tx.db
      .selectFrom('campaign_steps')
      .selectAll()
      .where('id', '=', stepId)
      .where('campaign_id', '=', campaignId)
      .executeTakeFirst();
    if (!s) throw notFound('STEP_NOT_FOUND', 'Step not found');
    if (s.status !== 'pending') throw conflict('STEP_ALREADY_DISPATCHED', 'This step was already dispatched');
    const n = await dispatchStepTx(tx, stepId);
    await audit(tx, {
      action: 'campaign.step_dispatched',
      entity: 'campaign',
      entityId: campaignId,
      branchId: c.branch_id,
      meta: { stepId, ...n },
    });
    return campaignOut(tx, c);
  });
}

/**
 * Dispatches one step, set-based, in the caller's transaction: marks as responded everyone with an inbound
 * interaction since the campaign started, then creates the step's SMS outbox rows (opted-out and unusable numbers
 * recorded as skipped) or call items for everyone who has not responded. Does nothing for a step already dispatched.
 */
export async function dispatchStepTx(tx: Pick<Ctx, 'db'>, stepId: number) {
  const step = await sql<{
    id: number;
    campaign_id: number;
    channel: string;
    sms_template: string | null;
    started_at: Date;
  }>`
    update campaign_steps s set started_at = now(), status = case when s.channel = 'sms' then 'dispatching' else 'dispatched' end,
           dispatched_at = case when s.channel = 'sms' then null else now() end
      from campaigns c
     where s.id = ${stepId} and s.status = 'pending' and c.id = s.campaign_id and c.status = 'running'
    returning s.id, s.campaign_id, s.channel, s.sms_template, c.started_at`.execute(tx.db);
  const s = step.rows[0];
  if (!s) return { queued: 0, skipped: 0 };
  await sql`
    update campaign_targets t set responded_at = r.at, responded_channel = r.channel
      from (select distinct on (i.customer_id) i.customer_id, i.occurred_at as at, i.channel
              from interactions i join campaign_targets t2 on t2.customer_id = i.customer_id
             where t2.campaign_id = ${s.campaign_id} and t2.responded_at is null
               and i.direction = 'inbound' and i.occurred_at >= ${s.started_at}
             order by i.customer_id, i.occurred_at) r
     where t.campaign_id = ${s.campaign_id} and t.customer_id = r.customer_id and t.responded_at is null`.execute(
    tx.db,
  );
  if (s.channel === 'sms') {
    const res = await sql<{ status: string; n: number }>`
      with src as (
        select t.customer_id, t.branch_id, c.name, c.code, c.sms_opt_out,
               case when regexp_replace(regexp_replace(coalesce(c.phone, ''), '[^0-9]', '', 'g'), '^86(1[0-9]{10})$', '\\1') ~ '^1[3-9][0-9]{9}$'
                    then regexp_replace(regexp_replace(c.phone, '[^0-9]', '', 'g'), '^86(1[0-9]{10})$', '\\1') end as mobile
          from campaign_targets t join customers c on c.id = t.customer_id
         where t.campaign_id = ${s.campaign_id} and t.responded_at is null
      ), ins as (
        insert into sms_outbox (campaign_id, campaign_step_id, customer_id, branch_id, mobile, content, status, skip_reason)
        select ${s.campaign_id}, ${s.id}, customer_id, branch_id, mobile,
               replace(replace(${s.sms_template ?? ''}, '{name}', name), '{code}', code),
               case when sms_opt_out or mobile is null then 'skipped' else 'pending' end,
               case when sms_opt_out then 'opt_out' when mobile is null then 'no_mobile' end
          from src
        on conflict do nothing
        returning status)
      select status, count(*)::int as n from ins group by status`.execute(tx.db);
    await enqueue(tx, 'sms:dispatch', { stepId: s.id }, { jobKey: `sms:step:${s.id}` });
    const by = Object.fromEntries(res.rows.map((r) => [r.status, r.n]));
    return { queued: by.pending ?? 0, skipped: by.skipped ?? 0 };
  }
  const res = await sql<{ n: number }>`
    with ins as (
      insert into campaign_calls (campaign_id, step_id, customer_id, branch_id)
      select t.campaign_id, ${s.id}, t.customer_id, t.branch_id from campaign_targets t
       where t.campaign_id = ${s.campaign_id} and t.responded_at is null
      on conflict do nothing returning 1)
    select count(*)::int as n from ins`.execute(tx.db);
  return { queued: res.rows[0].n, skipped: 0 };
}

defineJob('campaign:dispatch_step', async (payload: { stepId: number }, { db }) => {
  await db.transaction().execute((trx) => dispatchStepTx({ db: trx }, payload.stepId));
});

async function agentQuota(ctx: AuthedCtx, c: { id: number; quota_period: string }) {
  const row = await sql<{ quota: number; done: number }>`
    select a.quota,
           (select count(*)::int from campaign_attempts x
             where x.campaign_id = a.campaign_id and x.agent_id = a.user_id and x.at >= ${periodStart(c.quota_period)}) as done
      from campaign_agents a where a.campaign_id = ${c.id} and a.user_id = ${ctx.actor.id}`.execute(ctx.db);
  const r = row.rows[0];
  if (!r) return null;
  return {
    quota: r.quota,
    done: r.done,
    remaining: Math.max(r.quota - r.done, 0),
    period: c.quota_period as 'week' | 'campaign',
  };
}

async function callOut(ctx: AuthedCtx, callId: number) {
  const r = await ctx.db
    .selectFrom('campaign_calls as cc')
    .innerJoin('customers as c', 'c.id', 'cc.customer_id')
    .select([
      'cc.id',
      'cc.status',
      'cc.attempts',
      'cc.step_id',
      'cc.customer_id',
      'c.code',
      'c.name',
      'c.phone',
      'c.phone_backup',
    ])
    .where('cc.id', '=', callId)
    .executeTakeFirstOrThrow();
  return {
    id: r.id,
    status: r.status,
    attempts: r.attempts,
    stepId: r.step_id,
    customer: {
      id: r.customer_id,
      code: r.code,
      name: r.name,
      phone: maskPii(ctx.actor, 'phone', r.phone) as string | null,
      phoneBackup: maskPii(ctx.actor, 'phone', r.phone_backup) as string | null,
    },
  };
}

async function scriptOf(ctx: AuthedCtx, c: { script: string | null; script_article_id: number | null }) {
  if (c.script_article_id == null) return c.script;
  const a = await ctx.db
    .selectFrom('kb_articles')
    .select(['title', 'body'])
    .where('id', '=', c.script_article_id)
    .executeTakeFirst();
  return a ? `${a.title}\n\n${a.body}${c.script ? `\n\n${c.script}` : ''}` : c.script;
}

/**
 * The agent workspace: the signed-in agent's next contact (a call already claimed by them, or the next open one,
 * claimed with FOR UPDATE SKIP LOCKED so two agents never get the same person), the script, questions and quota.
 */
export async function workspace(ctx: AuthedCtx, campaignId: number, claim: boolean) {
  requirePermission(ctx.actor, 'campaign.work');
  return withTx(ctx, async (tx) => {
    const actx = tx as AuthedCtx;
    const c = await loadCampaign(actx, campaignId);
    const quota = await agentQuota(actx, c);
    if (!quota) throw conflict('NOT_CAMPAIGN_AGENT', 'You are not an agent of this campaign');
    let callId: number | null = null;
    const mine = await tx.db
      .selectFrom('campaign_calls')
      .select('id')
      .where('campaign_id', '=', campaignId)
      .where('agent_id', '=', ctx.actor.id)
      .where('status', '=', 'claimed')
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    callId = mine?.id ?? null;
    if (!callId && claim && c.status === 'running') {
      if (quota.remaining <= 0) throw conflict('QUOTA_REACHED', 'Your quota for this period is done', quota);
      const got = await sql<{ id: number }>`
        update campaign_calls set status = 'claimed', agent_id = ${ctx.actor.id}, claimed_at = now()
         where id = (select cc.id from campaign_calls cc
                      join campaign_targets t on t.campaign_id = cc.campaign_id and t.customer_id = cc.customer_id
                     where cc.campaign_id = ${campaignId} and cc.status = 'open' and t.responded_at is null
                       and ${scopeSql(ctx.actor, 'cc.branch_id')}
                     order by cc.attempts, cc.id
                     limit 1
                     for update of cc skip locked)
        returning id`.execute(tx.db);
      callId = got.rows[0]?.id ?? null;
      if (callId)
        await audit(tx, {
          action: 'campaign.call_claimed',
          entity: 'campaign_call',
          entityId: callId,
          branchId: c.branch_id,
          meta: { campaignId },
        });
    }
    return {
      campaignId,
      campaignStatus: c.status,
      call: callId ? await callOut(actx, callId) : null,
      script: await scriptOf(actx, c),
      questions: c.questions,
      quota,
    };
  });
}

/**
 * The campaign call an actor may dial (拨打, POST /api/calls/reveal): the one they hold (claimed by them), or any
 * call of a campaign of their branches they supervise (campaign.write). Another branch's call answers 404.
 */
export async function campaignCallToDial(ctx: AuthedCtx, callId: number) {
  if (!can(ctx.actor, 'campaign.write')) requirePermission(ctx.actor, 'campaign.work');
  const call = await scopeToBranch(
    ctx.db
      .selectFrom('campaign_calls')
      .select(['id', 'campaign_id', 'customer_id', 'branch_id', 'status', 'agent_id'])
      .where('id', '=', callId),
    ctx.actor,
    'campaign_calls.branch_id',
  ).executeTakeFirst();
  if (!call) throw notFound('CALL_NOT_FOUND', 'Call not found');
  await loadCampaign(ctx, call.campaign_id);
  const holds = call.status === 'claimed' && call.agent_id === ctx.actor.id;
  if (!holds && !can(ctx.actor, 'campaign.write'))
    throw forbidden('Only the agent holding this call, or a supervisor of the campaign, dials it');
  return { customerId: call.customer_id, branchId: call.branch_id, campaignId: call.campaign_id };
}

function checkAnswers(qs: CampaignQuestion[], answers: Record<string, unknown>, reached: boolean) {
  const fields: Record<string, string> = {};
  for (const q of qs) {
    const v = answers[q.key];
    if (v === undefined || v === null || (typeof v === 'string' && !v.trim())) {
      if (reached && q.required) fields[`answers.${q.key}`] = 'ANSWER_REQUIRED';
      continue;
    }
    if (q.type === 'yes_no' && typeof v !== 'boolean') fields[`answers.${q.key}`] = 'MUST_BE_BOOLEAN';
    if (q.type === 'single' && !(typeof v === 'string' && q.options?.includes(v)))
      fields[`answers.${q.key}`] = 'NOT_AN_OPTION';
    if (q.type === 'text' && (typeof v !== 'string' || v.length > 2000))
      fields[`answers.${q.key}`] = 'MUST_BE_TEXT';
  }
  for (const k of Object.keys(answers))
    if (!qs.some((q) => q.key === k)) fields[`answers.${k}`] = 'QUESTION_UNKNOWN';
  if (Object.keys(fields).length)
    throw badRequest('ANSWERS_INVALID', 'Some answers do not fit the questions', fields);
}

const DONE_OUTCOMES = new Set<CallOutcome>(['reached', 'refused', 'wrong_number']);

/**
 * Records an attempt on a call the agent holds: outcome, reason (required for unreachable: e.g. abroad,
 * unable_to_come_in — the person goes to the counter list), answers. A 'phone_out' interaction goes on the timeline.
 * no_answer / busy put the call back in the queue for another try.
 */
export async function recordAttempt(
  ctx: AuthedCtx,
  campaignId: number,
  callId: number,
  input: {
    outcome: CallOutcome;
    reason?: string | null;
    answers: Record<string, unknown>;
    note?: string | null;
  },
) {
  requirePermission(ctx.actor, 'campaign.work');
  if (input.outcome === 'unreachable' && !input.reason?.trim())
    throw badRequest('REASON_REQUIRED', 'Say why the customer cannot be reached', {
      reason: 'REASON_REQUIRED',
    });
  return withTx(ctx, async (tx) => {
    const actx = tx as AuthedCtx;
    const c = await loadCampaign(actx, campaignId);
    const call = await scopeToBranch(
      tx.db
        .selectFrom('campaign_calls')
        .selectAll()
        .where('id', '=', callId)
        .where('campaign_id', '=', campaignId)
        .forUpdate(),
      ctx.actor,
      'campaign_calls.branch_id',
    ).executeTakeFirst();
    if (!call) throw notFound('CALL_NOT_FOUND', 'Call not found');
    if (call.status !== 'claimed' || call.agent_id !== ctx.actor.id)
      throw conflict('CALL_NOT_YOURS', 'Take this call with "next contact" first');
    checkAnswers(c.questions, input.answers, input.outcome === 'reached');
    const status =
      input.outcome === 'unreachable' ? 'unreachable' : DONE_OUTCOMES.has(input.outcome) ? 'done' : 'open';
    const interactionId = await recordInteraction(tx, {
      customerId: call.customer_id,
      channel: 'phone_out',
      direction: 'outbound',
      staffId: ctx.actor.id,
      summary: `回访 ${c.name}: ${input.outcome}${input.reason ? ` (${input.reason})` : ''}${input.note ? ` — ${input.note}` : ''}`,
      outcome: input.outcome,
      campaignId,
      createdBy: ctx.actor.id,
      // An attempt that did not get the customer on the line is on the timeline but is no contact.
      countsAsContact: input.outcome === 'reached' || input.outcome === 'refused',
    });
    const attempt = await tx.db
      .insertInto('campaign_attempts')
      .values({
        call_id: callId,
        campaign_id: campaignId,
        customer_id: call.customer_id,
        agent_id: ctx.actor.id,
        outcome: input.outcome,
        reason: input.reason ?? null,
        answers: JSON.stringify(input.answers),
        note: input.note ?? null,
        interaction_id: interactionId,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await tx.db
      .updateTable('campaign_calls')
      .set({
        status,
        attempts: sql`attempts + 1`,
        outcome: input.outcome,
        follow_up_reason: input.outcome === 'unreachable' ? input.reason!.trim() : null,
        agent_id: status === 'open' ? null : ctx.actor.id,
        completed_at: status === 'open' ? null : new Date(),
      })
      .where('id', '=', callId)
      .execute();
    // A connected call is a response, as a reply is: the person is off the campaign's remaining steps.
    if (input.outcome === 'reached')
      await tx.db
        .updateTable('campaign_targets')
        .set({ responded_at: attempt.at, responded_channel: 'phone_out' })
        .where('campaign_id', '=', campaignId)
        .where('customer_id', '=', call.customer_id)
        .where('responded_at', 'is', null)
        .execute();
    await audit(tx, {
      action: 'campaign.attempt_recorded',
      entity: 'campaign_call',
      entityId: callId,
      branchId: call.branch_id,
      after: { campaignId, outcome: input.outcome, reason: input.reason ?? null, status },
    });
    return {
      id: attempt.id,
      callId,
      outcome: attempt.outcome,
      reason: attempt.reason,
      answers: attempt.answers,
      callStatus: status,
      interactionId,
      at: attempt.at.toISOString(),
    };
  });
}

/** People the agents could not reach, with the reason — the list for the counter (柜台). */
export async function counterList(ctx: AuthedCtx, campaignId: number) {
  requirePermission(ctx.actor, 'campaign.read');
  await loadCampaign(ctx, campaignId);
  const rows = await scopeToBranch(
    ctx.db
      .selectFrom('campaign_calls as cc')
      .innerJoin('customers as c', 'c.id', 'cc.customer_id')
      .select([
        'cc.id',
        'cc.customer_id',
        'c.code',
        'c.name',
        'cc.follow_up_reason',
        'cc.completed_at',
        'cc.agent_id',
      ])
      .where('cc.campaign_id', '=', campaignId)
      .where('cc.status', '=', 'unreachable'),
    ctx.actor,
    'cc.branch_id',
  )
    .orderBy('cc.id')
    .limit(1000)
    .execute();
  return rows.map((r) => ({
    callId: r.id,
    customerId: r.customer_id,
    code: r.code,
    name: r.name,
    reason: r.follow_up_reason,
    agentId: r.agent_id,
    at: iso(r.completed_at),
  }));
}

/**
 * Live progress in one set-based statement: targets and responses, per agent done/remaining against quota,
 * call states, the outcome breakdown, and per step its recipients, SMS results and response rate (people who
 * responded between this step's start and the next step's start, over the step's recipients).
 */
export async function campaignProgress(ctx: AuthedCtx, campaignId: number) {
  requirePermission(ctx.actor, 'campaign.read');
  const c = await loadCampaign(ctx, campaignId);
  const scope = scopeSql(ctx.actor, 'branch_id');
  const res = await sql<{ p: any }>`
    with t as (select * from campaign_targets where campaign_id = ${campaignId} and ${scope}),
    calls as (select * from campaign_calls where campaign_id = ${campaignId} and ${scope}),
    att as (select a.* from campaign_attempts a join calls on calls.id = a.call_id),
    steps as (
      select s.*, lead(s.started_at) over (order by s.position) as next_started_at
        from campaign_steps s where s.campaign_id = ${campaignId}),
    sms as (
      select campaign_step_id as step_id, count(*)::int as recipients,
             count(*) filter (where status in ('sent','delivered','undelivered'))::int as sent,
             count(*) filter (where status = 'delivered')::int as delivered,
             count(*) filter (where status = 'failed')::int as failed,
             count(*) filter (where status = 'skipped')::int as skipped,
             count(*) filter (where status in ('pending','sending'))::int as queued
        from sms_outbox where campaign_id = ${campaignId} and ${scope} group by campaign_step_id),
    callc as (select step_id, count(*)::int as recipients from calls group by step_id)
    select json_build_object(
      'targets', (select count(*)::int from t),
      'responded', (select count(*)::int from t where responded_at is not null),
      'calls', (select json_build_object(
          'total', count(*)::int,
          'open', count(*) filter (where status = 'open')::int,
          'claimed', count(*) filter (where status = 'claimed')::int,
          'done', count(*) filter (where status = 'done')::int,
          'unreachable', count(*) filter (where status = 'unreachable')::int,
          'remaining', count(*) filter (where status in ('open','claimed')
                                        and customer_id not in (select customer_id from t where responded_at is not null))::int)
          from calls),
      'outcomes', (select coalesce(json_object_agg(outcome, n), '{}') from (select outcome, count(*)::int as n from att group by outcome) o),
      'agents', (select coalesce(json_agg(json_build_object(
          'userId', a.user_id, 'name', u.display_name, 'quota', a.quota,
          'done', (select count(*)::int from att where att.agent_id = a.user_id and att.at >= ${periodStart(c.quota_period)}),
          'doneTotal', (select count(*)::int from att where att.agent_id = a.user_id),
          'claimed', (select count(*)::int from calls where calls.agent_id = a.user_id and calls.status = 'claimed')
        ) order by a.user_id), '[]')
          from campaign_agents a join users u on u.id = a.user_id where a.campaign_id = ${campaignId}),
      'steps', (select coalesce(json_agg(json_build_object(
          'stepId', s.id, 'position', s.position, 'channel', s.channel, 'status', s.status,
          'startedAt', s.started_at,
          'recipients', coalesce(sms.recipients - sms.skipped, callc.recipients, 0),
          'sent', sms.sent, 'delivered', sms.delivered, 'failed', sms.failed, 'skipped', sms.skipped, 'queued', sms.queued,
          'responded', r.n,
          'responseRate', case when coalesce(sms.recipients - sms.skipped, callc.recipients, 0) > 0
                               then round(r.n::numeric / coalesce(sms.recipients - sms.skipped, callc.recipients), 4) end
        ) order by s.position), '[]')
          from steps s
          left join sms on sms.step_id = s.id
          left join callc on callc.step_id = s.id
          left join lateral (
            select count(*)::int as n from t
             where s.started_at is not null and t.responded_at >= s.started_at
               and (s.next_started_at is null or t.responded_at < s.next_started_at)
               and (exists (select 1 from sms_outbox o where o.campaign_step_id = s.id and o.customer_id = t.customer_id and o.status <> 'skipped')
                    or exists (select 1 from calls where calls.step_id = s.id and calls.customer_id = t.customer_id))
          ) r on true)
    ) as p`.execute(ctx.db);
  const p = res.rows[0].p;
  return {
    campaignId,
    status: c.status,
    ...p,
    agents: p.agents.map((a: any) => ({ ...a, remaining: Math.max(a.quota - a.done, 0) })),
  };
}

// Regulatory callbacks (监管回访): rule-driven callback tasks. Every new account within a deadline (a number of
// working days on the business calendar, days, or months), and a yearly sample of existing customers drawn randomly
// and reproducibly (`order by md5(seed || id) limit ceil(share × population)`; dormant accounts excluded). Each
// callback verifies the questions below and records the result. Records are kept: the table refuses DELETE and
// there is no delete route.
import { sql } from 'kysely';
import type { Database } from '../../db/index.ts';
import { audit } from '../../platform/audit.ts';
import { type AuthedCtx, type Ctx, withTx } from '../../platform/context.ts';
import { badRequest, conflict, notFound } from '../../platform/errors.ts';
import { defineJob } from '../../platform/jobs.ts';
import { requirePermission, scopeToBranch } from '../../platform/permissions.ts';
import { timeZone, zoneSql } from '../../platform/time.ts';
import {
  addBusinessDays,
  type CalendarSpec,
  defaultCalendarId,
  loadCalendarSpec,
} from '../calendar/index.ts';
import { scopeSql } from '../campaigns/index.ts';
import { recordInteraction } from '../customers/index.ts';
import { closeGeneratedTasks, createGeneratedTasks } from '../tasks/index.ts';

/** What a regulatory callback verifies (回访内容). */
export const CALLBACK_QUESTIONS = [
  { key: 'is_self', text: '是否本人开户 / Is it the customer themselves' },
  { key: 'signed_risk_disclosure', text: '是否签署风险揭示书 / Did they sign the risk disclosure' },
  { key: 'risks_explained', text: '是否已讲解风险 / Were the risks explained' },
  { key: 'unauthorised_trading', text: '是否存在未授权交易 / Any unauthorised trading' },
  { key: 'discretionary_arrangement', text: '是否存在全权委托 / Any discretionary arrangement' },
] as const;
export type CallbackAnswers = Record<(typeof CALLBACK_QUESTIONS)[number]['key'], boolean>;

type Rule = {
  id: number;
  name: string;
  kind: 'new_account' | 'yearly_sample';
  deadline_amount: number;
  deadline_unit: 'working_days' | 'days' | 'months';
  sample_share: string | null;
  effective_from: Date;
  active: boolean;
};

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

const ruleOut = (r: Rule) => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  deadlineAmount: r.deadline_amount,
  deadlineUnit: r.deadline_unit,
  sampleShare: r.sample_share == null ? null : Number(r.sample_share),
  effectiveFrom: r.effective_from.toISOString(),
  active: r.active,
});

/** Mon–Fri 09:00–17:00 in the firm's time zone when no calendar is defined. */
const FALLBACK: CalendarSpec = {
  get timezone() {
    return timeZone(); // read when used, not at import
  },
  week: Object.fromEntries([1, 2, 3, 4, 5].map((d) => [d, [[540, 1020]]])) as CalendarSpec['week'],
  days: {},
};

async function calendar(db: Ctx['db'] | Database) {
  const id = await defaultCalendarId(db);
  return id == null ? FALLBACK : loadCalendarSpec(db, id);
}

export function dueFrom(
  start: Date,
  rule: Pick<Rule, 'deadline_amount' | 'deadline_unit'>,
  cal: CalendarSpec,
) {
  if (rule.deadline_unit === 'working_days') return addBusinessDays(start, rule.deadline_amount, cal);
  const d = new Date(start);
  if (rule.deadline_unit === 'days') d.setTime(d.getTime() + rule.deadline_amount * 86_400_000);
  else d.setUTCMonth(d.getUTCMonth() + rule.deadline_amount);
  return d;
}

export async function listRules(ctx: AuthedCtx) {
  requirePermission(ctx.actor, 'callback.read');
  const rows = await ctx.db.selectFrom('callback_rules').selectAll().orderBy('id').execute();
  return rows.map((r) => ruleOut(r as Rule));
}

export async function createRule(
  ctx: AuthedCtx,
  input: {
    name: string;
    kind: 'new_account' | 'yearly_sample';
    deadlineAmount: number;
    deadlineUnit: 'working_days' | 'days' | 'months';
    sampleShare?: number | null;
    effectiveFrom?: string;
  },
) {
  requirePermission(ctx.actor, 'admin.settings');
  if ((input.kind === 'yearly_sample') !== (input.sampleShare != null))
    throw badRequest('SAMPLE_SHARE', 'A yearly sample needs its share (and only it)', {
      sampleShare: 'SAMPLE_SHARE',
    });
  return withTx(ctx, async (tx) => {
    const row = await tx.db
      .insertInto('callback_rules')
      .values({
        name: input.name,
        kind: input.kind,
        deadline_amount: input.deadlineAmount,
        deadline_unit: input.deadlineUnit,
        sample_share: input.sampleShare ?? null,
        ...(input.effectiveFrom && { effective_from: input.effectiveFrom }),
        created_by: ctx.actor.id,
      } as any)
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(tx, {
      action: 'callback_rule.created',
      entity: 'callback_rule',
      entityId: row.id,
      after: row,
    });
    return ruleOut(row as Rule);
  });
}

async function loadRule(db: Ctx['db'], id: number, kind?: Rule['kind']) {
  const r = (await db.selectFrom('callback_rules').selectAll().where('id', '=', id).executeTakeFirst()) as
    | Rule
    | undefined;
  if (!r) throw notFound('CALLBACK_RULE_NOT_FOUND', 'Rule not found');
  if (kind && r.kind !== kind) throw badRequest('RULE_KIND', `This rule is not a ${kind} rule`);
  return r;
}

/** Inserts callbacks (and their call tasks, one per callback) for customers; returns how many were new. */
async function insertCallbacks(
  db: Ctx['db'],
  rule: Rule,
  rows: { customer_id: number; branch_id: number; owner_id: number | null; due_at: Date }[],
  sampleYear: number,
) {
  if (!rows.length) return 0;
  const ids = rows.map((r) => r.customer_id);
  const owners = rows.map((r) => r.owner_id);
  const created = await sql<{ id: number; customer_id: number }>`
    insert into regulatory_callbacks (rule_id, kind, customer_id, branch_id, sample_year, due_at)
    select ${rule.id}, ${rule.kind}, v.customer_id, v.branch_id, ${sampleYear}, v.due_at
      from unnest(${ids}::bigint[], ${rows.map((r) => r.branch_id)}::bigint[],
                  ${rows.map((r) => r.due_at.toISOString())}::timestamptz[]) as v(customer_id, branch_id, due_at)
    on conflict (rule_id, customer_id, sample_year) do nothing
    returning id::int, customer_id::int`.execute(db);
  if (!created.rows.length) return 0;
  // One call task per new callback, for the customer's owner (routed like all generated work).
  const tasks = await createGeneratedTasks(
    { db },
    sql`
      select ${`监管回访 ${rule.name}`.slice(0, 200)}::text as title, null::text as description, 'call' as kind,
             cb.customer_id, cb.branch_id, o.owner_id as assignee_id, null::bigint as department_id, cb.due_at,
             'callback' as source_kind, cb.id as source_id, null::bigint as created_by
        from regulatory_callbacks cb
        join unnest(${ids}::bigint[], ${owners}::bigint[]) as o(customer_id, owner_id) on o.customer_id = cb.customer_id
       where cb.id = any(${created.rows.map((r) => r.id)}::bigint[])`,
  );
  if (tasks.length)
    await sql`update regulatory_callbacks r set task_id = t.task_id
                from unnest(${tasks.map((x) => x.sourceId)}::bigint[], ${tasks.map((x) => x.id)}::bigint[]) as t(id, task_id)
               where r.id = t.id`.execute(db);
  return created.rows.length;
}

/**
 * New accounts since the rule took effect that have no callback of the rule yet get one, due `deadline` after
 * the account was opened (working days counted on the default business calendar). Idempotent.
 */
export async function generateNewAccountCallbacks(
  db: Ctx['db'],
  ruleId?: number,
  scope: ReturnType<typeof scopeSql> = sql<boolean>`true`,
) {
  const rules = (await db
    .selectFrom('callback_rules')
    .selectAll()
    .where('kind', '=', 'new_account')
    .where('active', '=', true)
    .$if(ruleId != null, (q) => q.where('id', '=', ruleId!))
    .execute()) as Rule[];
  const cal = await calendar(db);
  let n = 0;
  for (const rule of rules) {
    const found = await sql<{
      customer_id: number;
      branch_id: number;
      owner_id: number | null;
      created_at: Date;
    }>`
      select c.id as customer_id, c.branch_id, c.owner_id, c.created_at from customers c
       where c.status = 'active' and c.created_at >= ${rule.effective_from} and ${scope}
         and not exists (select 1 from regulatory_callbacks r where r.rule_id = ${rule.id} and r.customer_id = c.id)
       order by c.id limit 50000`.execute(db);
    n += await insertCallbacks(
      db,
      rule,
      found.rows.map((r) => ({ ...r, due_at: dueFrom(r.created_at, rule, cal) })),
      0,
    );
  }
  return n;
}

export async function runNewAccountRule(ctx: AuthedCtx, ruleId: number) {
  requirePermission(ctx.actor, 'callback.write');
  return withTx(ctx, async (tx) => {
    await loadRule(tx.db, ruleId, 'new_account');
    const created = await generateNewAccountCallbacks(tx.db, ruleId, scopeSql(ctx.actor, 'c.branch_id'));
    await audit(tx, {
      action: 'callback.generated',
      entity: 'callback_rule',
      entityId: ruleId,
      meta: { created },
    });
    return { created };
  });
}

defineJob(
  'callbacks:new_accounts',
  async (_p, { db, log }) => {
    const n = await db.transaction().execute((trx) => generateNewAccountCallbacks(trx));
    if (n) log('regulatory callbacks created for new accounts', { n });
  },
  '*/30 * * * *',
);

/** The sample for `year`: active customers opened before the year began (dormant/closed excluded), reproducible. */
function sampleQuery(rule: Rule, year: number, seed: string, scope: ReturnType<typeof scopeSql>) {
  return sql<{ customer_id: number; branch_id: number; owner_id: number | null }>`
    with pop as (
      select c.id, c.branch_id, c.owner_id from customers c
       where c.status = 'active' and c.created_at < make_timestamptz(${year}, 1, 1, 0, 0, 0, ${zoneSql()}) and ${scope}
    )
    select id as customer_id, branch_id, owner_id from pop
     order by md5(${seed} || id::text), id
     limit (select ceil(count(*) * ${rule.sample_share}::numeric)::int from pop)`;
}

export async function previewSample(ctx: AuthedCtx, ruleId: number, q: { year: number; seed: string }) {
  requirePermission(ctx.actor, 'callback.read');
  const rule = await loadRule(ctx.db, ruleId, 'yearly_sample');
  const rows = (await sampleQuery(rule, q.year, q.seed, scopeSql(ctx.actor, 'c.branch_id')).execute(ctx.db))
    .rows;
  return {
    year: q.year,
    seed: q.seed,
    count: rows.length,
    customerIds: rows.map((r) => Number(r.customer_id)),
  };
}

export async function drawSample(ctx: AuthedCtx, ruleId: number, input: { year: number; seed: string }) {
  requirePermission(ctx.actor, 'callback.write');
  return withTx(ctx, async (tx) => {
    const rule = await loadRule(tx.db, ruleId, 'yearly_sample');
    const rows = (
      await sampleQuery(rule, input.year, input.seed, scopeSql(ctx.actor, 'c.branch_id')).execute(tx.db)
    ).rows;
    const cal = await calendar(tx.db);
    const due = dueFrom(new Date(), rule, cal);
    const created = await insertCallbacks(
      tx.db,
      rule,
      rows.map((r) => ({ ...r, due_at: due })),
      input.year,
    );
    await audit(tx, {
      action: 'callback.sample_drawn',
      entity: 'callback_rule',
      entityId: ruleId,
      meta: { year: input.year, seed: input.seed, drawn: rows.length, created },
    });
    return { year: input.year, seed: input.seed, drawn: rows.length, created };
  });
}

const callbackOut = (r: any) => ({
  id: r.id,
  ruleId: r.rule_id,
  kind: r.kind,
  customerId: r.customer_id,
  customerName: r.customer_name ?? null,
  customerCode: r.customer_code ?? null,
  branchId: r.branch_id,
  sampleYear: r.sample_year || null,
  dueAt: r.due_at.toISOString(),
  status: r.status,
  overdue: r.status === 'open' && r.due_at.getTime() < Date.now(),
  taskId: r.task_id,
  result: r.result,
  notes: r.notes,
  completedAt: iso(r.completed_at),
  completedBy: r.completed_by,
  createdAt: r.created_at.toISOString(),
});

const baseQuery = (ctx: AuthedCtx) =>
  scopeToBranch(
    ctx.db
      .selectFrom('regulatory_callbacks as r')
      .innerJoin('customers as c', 'c.id', 'r.customer_id')
      .selectAll('r')
      .select(['c.name as customer_name', 'c.code as customer_code']),
    ctx.actor,
    'r.branch_id',
  );

export async function listCallbacks(
  ctx: AuthedCtx,
  q: {
    status?: 'open' | 'done' | 'unreachable';
    overdue?: boolean;
    ruleId?: number;
    customerId?: number;
    limit: number;
  },
) {
  requirePermission(ctx.actor, 'callback.read');
  let qb = baseQuery(ctx);
  if (q.status) qb = qb.where('r.status', '=', q.status);
  if (q.ruleId) qb = qb.where('r.rule_id', '=', q.ruleId);
  if (q.customerId) qb = qb.where('r.customer_id', '=', q.customerId);
  if (q.overdue) qb = qb.where('r.status', '=', 'open').where('r.due_at', '<', new Date());
  const rows = await qb.orderBy('r.due_at').orderBy('r.id').limit(q.limit).execute();
  return rows.map(callbackOut);
}

export async function getCallback(ctx: AuthedCtx, id: number) {
  requirePermission(ctx.actor, 'callback.read');
  const r = await baseQuery(ctx).where('r.id', '=', id).executeTakeFirst();
  if (!r) throw notFound('CALLBACK_NOT_FOUND', 'Callback not found');
  return callbackOut(r);
}

/**
 * The callback an actor may dial (拨打, POST /api/calls/reveal): an open callback of their branches, for whoever may
 * record its result (callback.write). Another branch's answers 404; one whose result is recorded, 409.
 */
export async function callbackToDial(ctx: AuthedCtx, id: number) {
  requirePermission(ctx.actor, 'callback.write');
  const r = await scopeToBranch(
    ctx.db
      .selectFrom('regulatory_callbacks')
      .select(['id', 'customer_id', 'branch_id', 'status'])
      .where('id', '=', id),
    ctx.actor,
    'regulatory_callbacks.branch_id',
  ).executeTakeFirst();
  if (!r) throw notFound('CALLBACK_NOT_FOUND', 'Callback not found');
  if (r.status !== 'open') throw conflict('CALLBACK_DONE', 'The result of this callback is already recorded');
  return { customerId: r.customer_id, branchId: r.branch_id };
}

/** Records the result: reached (with every question answered) or unreachable; closes the task; logs the call. */
export async function recordCallbackResult(
  ctx: AuthedCtx,
  id: number,
  input: { reached: boolean; answers?: Partial<CallbackAnswers>; notes?: string | null },
) {
  requirePermission(ctx.actor, 'callback.write');
  return withTx(ctx, async (tx) => {
    const r = await scopeToBranch(
      tx.db.selectFrom('regulatory_callbacks').selectAll().where('id', '=', id).forUpdate(),
      ctx.actor,
      'regulatory_callbacks.branch_id',
    ).executeTakeFirst();
    if (!r) throw notFound('CALLBACK_NOT_FOUND', 'Callback not found');
    if (r.status !== 'open')
      throw conflict('CALLBACK_DONE', 'The result of this callback is already recorded');
    if (input.reached) {
      const missing = CALLBACK_QUESTIONS.filter((q) => typeof input.answers?.[q.key] !== 'boolean');
      if (missing.length)
        throw badRequest(
          'ANSWERS_REQUIRED',
          'Every question must be answered',
          Object.fromEntries(missing.map((q) => [`answers.${q.key}`, 'REQUIRED'])),
        );
    } else if (!input.notes?.trim())
      throw badRequest('NOTES_REQUIRED', 'Say why the customer could not be reached', {
        notes: 'NOTES_REQUIRED',
      });
    const answers = input.reached ? input.answers! : null;
    // Anything a regulator would follow up: not the customer, no disclosure, risks not explained, or irregular trading.
    const issues = answers
      ? !answers.is_self ||
        !answers.signed_risk_disclosure ||
        !answers.risks_explained ||
        !!answers.unauthorised_trading ||
        !!answers.discretionary_arrangement
      : false;
    const status = input.reached ? 'done' : 'unreachable';
    const result = { reached: input.reached, answers, issues };
    const after = await tx.db
      .updateTable('regulatory_callbacks')
      .set({
        status,
        result: JSON.stringify(result),
        notes: input.notes ?? null,
        completed_at: new Date(),
        completed_by: ctx.actor.id,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (r.task_id)
      await closeGeneratedTasks(
        tx,
        { taskId: r.task_id },
        { status: 'done', outcome: status, by: ctx.actor.id },
      );
    await recordInteraction(tx, {
      customerId: r.customer_id,
      channel: 'phone_out',
      direction: 'outbound',
      staffId: ctx.actor.id,
      summary: `监管回访：${input.reached ? (issues ? '已回访，发现问题' : '已回访，无异常') : '未能联系'}${input.notes ? ` — ${input.notes}` : ''}`,
      outcome: status,
      createdBy: ctx.actor.id,
      countsAsContact: input.reached,
    });
    await audit(tx, {
      action: 'callback.result_recorded',
      entity: 'regulatory_callback',
      entityId: id,
      branchId: r.branch_id,
      before: { status: r.status },
      after: { status, result },
    });
    return callbackOut(after);
  });
}

/** Completion within the deadline per branch (callbacks due in `year`, or all). */
export async function callbackReport(ctx: AuthedCtx, q: { year?: number; ruleId?: number }) {
  requirePermission(ctx.actor, 'callback.read');
  const res = await sql<any>`
    select r.branch_id, b.code as branch_code, b.name as branch_name,
           count(*)::int as total,
           count(*) filter (where r.status <> 'open')::int as completed,
           count(*) filter (where r.status <> 'open' and r.completed_at <= r.due_at)::int as on_time,
           count(*) filter (where r.status = 'open' and r.due_at < now())::int as overdue
      from regulatory_callbacks r join branches b on b.id = r.branch_id
     where ${scopeSql(ctx.actor, 'r.branch_id')}
       and (${q.year ?? null}::int is null or extract(year from r.due_at at time zone ${zoneSql()}) = ${q.year ?? null}::int)
       and (${q.ruleId ?? null}::bigint is null or r.rule_id = ${q.ruleId ?? null}::bigint)
     group by r.branch_id, b.code, b.name order by b.code`.execute(ctx.db);
  return res.rows.map((r) => ({
    branchId: r.branch_id,
    branchCode: r.branch_code,
    branchName: r.branch_name,
    total: r.total,
    completed: r.completed,
    onTime: r.on_time,
    overdue: r.overdue,
    onTimeRate: r.total ? Math.round((r.on_time / r.total) * 10000) / 10000 : null,
  }));
}

// Suitability (适当性管理): risk-tolerance questionnaires with score bands (C1–C5), the lowest-category flag
// (最低类别), professional investors via category requests with evidence, products with risk levels (R1–R5), the
// matching rule, and offers recorded with the customer's choice. Assessments and offers are append-only (DB
// triggers refuse UPDATE/DELETE): a correction is a new record. A merged customer's records are carried over to the
// survivor as copies (merge.ts); a record's time is when it was made, so "newest" orders by created_at, then id.
//
// Matching: a customer of level Cn may take products up to Rn; professional investors may take all; a customer of
// the lowest category only R1, with no override. A mismatched offer can be recorded as `proceed` only with the
// warning acknowledged (409 SUITABILITY_ACK_REQUIRED otherwise); for the lowest category it is refused outright
// (409 SUITABILITY_BLOCKED). Without a valid assessment an offer cannot proceed (409 SUITABILITY_ASSESSMENT_REQUIRED).

import { sql } from 'kysely';
import { audit } from '../../platform/audit.ts';
import { type AuthedCtx, withTx } from '../../platform/context.ts';
import { badRequest, conflict, notFound } from '../../platform/errors.ts';
import { defineJob } from '../../platform/jobs.ts';
import { requirePermission, scopeToBranch } from '../../platform/permissions.ts';
import { assertCustomerVisible } from '../customers/index.ts';
import { createGeneratedTasks } from '../tasks/index.ts';
import type { Band, Level, QQuestion, RiskLevel } from './tables.ts';

export const LEVELS: Level[] = ['C1', 'C2', 'C3', 'C4', 'C5'];
export const RISK_LEVELS: RiskLevel[] = ['R1', 'R2', 'R3', 'R4', 'R5'];
/** Days before expiry at which a re-assessment task is created. */
export const REASSESS_AHEAD_DAYS = 30;

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function levelOf(score: number, bands: Band[]): Level {
  const b = bands.find((x) => score >= x.min && score <= x.max);
  if (!b) throw badRequest('SCORE_OUT_OF_BANDS', `No band for score ${score}`);
  return b.level;
}

/** The matching rule, in one place. */
export function matchRule(
  a: { level: Level; professional: boolean; lowest: boolean } | null,
  risk: RiskLevel,
) {
  const r = Number(risk.slice(1));
  if (!a) return { matched: false, blocked: false, reason: 'NO_VALID_ASSESSMENT' as const };
  if (a.lowest)
    return r <= 1
      ? { matched: true, blocked: false, reason: null }
      : { matched: false, blocked: true, reason: 'LOWEST_CATEGORY' as const };
  if (a.professional) return { matched: true, blocked: false, reason: null };
  return r <= Number(a.level.slice(1))
    ? { matched: true, blocked: false, reason: null }
    : { matched: false, blocked: false, reason: 'LEVEL_BELOW_PRODUCT' as const };
}

function checkBands(bands: Band[]) {
  const sorted = [...bands].sort((a, b) => a.min - b.min);
  if (sorted.length !== 5 || sorted.some((b, i) => b.level !== LEVELS[i]))
    throw badRequest('BANDS_INVALID', 'One band per level C1–C5, in order', { bands: 'BANDS_INVALID' });
  for (let i = 0; i < sorted.length; i++) {
    if (sorted[i].min > sorted[i].max || (i > 0 && sorted[i].min !== sorted[i - 1].max + 1))
      throw badRequest('BANDS_INVALID', 'Bands must be contiguous and not overlap', {
        bands: 'BANDS_INVALID',
      });
  }
}

export const questionnaireOut = (r: any) => ({
  id: r.id,
  name: r.name,
  questions: r.questions as QQuestion[],
  bands: r.bands as Band[],
  validMonths: r.valid_months,
  active: r.active,
  createdAt: r.created_at.toISOString(),
});

export async function listQuestionnaires(ctx: AuthedCtx) {
  requirePermission(ctx.actor, 'suitability.read');
  const rows = await ctx.db
    .selectFrom('suitability_questionnaires')
    .selectAll()
    .orderBy('id', 'desc')
    .execute();
  return rows.map(questionnaireOut);
}

export async function createQuestionnaire(
  ctx: AuthedCtx,
  input: { name: string; questions: QQuestion[]; bands: Band[]; validMonths: number },
) {
  requirePermission(ctx.actor, 'suitability.manage');
  checkBands(input.bands);
  const keys = new Set(input.questions.map((q) => q.key));
  if (keys.size !== input.questions.length)
    throw badRequest('QUESTION_KEY_DUPLICATE', 'Question keys must be unique', {
      questions: 'QUESTION_KEY_DUPLICATE',
    });
  return withTx(ctx, async (tx) => {
    // The new questionnaire replaces the active one; old assessments keep pointing at theirs.
    await tx.db
      .updateTable('suitability_questionnaires')
      .set({ active: false })
      .where('active', '=', true)
      .execute();
    const row = await tx.db
      .insertInto('suitability_questionnaires')
      .values({
        name: input.name,
        questions: JSON.stringify(input.questions),
        bands: JSON.stringify(input.bands),
        valid_months: input.validMonths,
        created_by: ctx.actor.id,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(tx, {
      action: 'suitability.questionnaire_created',
      entity: 'suitability_questionnaire',
      entityId: row.id,
      after: row,
    });
    return questionnaireOut(row);
  });
}

const productOut = (r: any) => ({
  id: r.id,
  code: r.code,
  name: r.name,
  kind: r.kind,
  riskLevel: r.risk_level as RiskLevel,
  active: r.active,
});

export async function listProducts(ctx: AuthedCtx) {
  requirePermission(ctx.actor, 'suitability.read');
  const rows = await ctx.db.selectFrom('products').selectAll().orderBy('code').execute();
  return rows.map(productOut);
}

export async function createProduct(
  ctx: AuthedCtx,
  input: { code: string; name: string; kind?: 'product' | 'service'; riskLevel: RiskLevel },
) {
  requirePermission(ctx.actor, 'suitability.manage');
  return withTx(ctx, async (tx) => {
    const row = await tx.db
      .insertInto('products')
      .values({
        code: input.code,
        name: input.name,
        kind: input.kind ?? 'product',
        risk_level: input.riskLevel,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(tx, { action: 'product.created', entity: 'product', entityId: row.id, after: row });
    return productOut(row);
  });
}

const assessmentOut = (r: any) => ({
  id: r.id,
  customerId: r.customer_id,
  questionnaireId: r.questionnaire_id,
  answers: r.answers as Record<string, string>,
  score: r.score,
  level: r.level as Level,
  lowestCategory: r.lowest_category,
  professional: r.professional,
  evidence: r.evidence as number[],
  validUntil: r.valid_until.toISOString(),
  expired: r.valid_until.getTime() < Date.now(),
  assessedBy: r.assessed_by,
  createdAt: r.created_at.toISOString(),
  carriedFromId: r.carried_from_id ?? null,
});

const offerOut = (r: any) => ({
  id: r.id,
  customerId: r.customer_id,
  productId: r.product_id,
  assessmentId: r.assessment_id,
  customerLevel: r.customer_level,
  professional: r.professional,
  lowestCategory: r.lowest_category,
  productLevel: r.product_level,
  matched: r.matched,
  warningAcknowledged: r.warning_acknowledged,
  choice: r.choice,
  note: r.note,
  offeredBy: r.offered_by,
  createdAt: r.created_at.toISOString(),
  carriedFromId: r.carried_from_id ?? null,
});

/** The customer's current (newest) assessment, valid or not — its own or one carried over by a merge. */
async function latestAssessment(db: AuthedCtx['db'], customerId: number) {
  return db
    .selectFrom('suitability_assessments')
    .selectAll()
    .where('customer_id', '=', customerId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function getSuitability(ctx: AuthedCtx, customerId: number) {
  requirePermission(ctx.actor, 'suitability.read');
  await assertCustomerVisible(ctx, customerId);
  const [assessments, offers, requests] = await Promise.all([
    ctx.db
      .selectFrom('suitability_assessments')
      .selectAll()
      .where('customer_id', '=', customerId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(50)
      .execute(),
    ctx.db
      .selectFrom('suitability_offers')
      .selectAll()
      .where('customer_id', '=', customerId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(100)
      .execute(),
    ctx.db
      .selectFrom('suitability_category_requests')
      .selectAll()
      .where('customer_id', '=', customerId)
      .orderBy('id', 'desc')
      .limit(50)
      .execute(),
  ]);
  return {
    current: assessments[0] ? assessmentOut(assessments[0]) : null,
    assessments: assessments.map(assessmentOut),
    offers: offers.map(offerOut),
    categoryRequests: requests.map(requestOut),
  };
}

export async function createAssessment(
  ctx: AuthedCtx,
  customerId: number,
  input: { questionnaireId?: number; answers: Record<string, string>; lowestCategory?: boolean },
) {
  requirePermission(ctx.actor, 'suitability.write');
  return withTx(ctx, async (tx) => {
    const c = await assertCustomerVisible(tx as AuthedCtx, customerId);
    let qb = tx.db.selectFrom('suitability_questionnaires').selectAll();
    qb = input.questionnaireId
      ? qb.where('id', '=', input.questionnaireId)
      : qb.where('active', '=', true).orderBy('id', 'desc').limit(1);
    const q = await qb.executeTakeFirst();
    if (!q)
      throw badRequest('QUESTIONNAIRE_NOT_FOUND', 'No such questionnaire', {
        questionnaireId: 'QUESTIONNAIRE_NOT_FOUND',
      });
    const fields: Record<string, string> = {};
    let score = 0;
    for (const question of q.questions) {
      const opt = question.options.find((o) => o.key === input.answers[question.key]);
      if (!opt) fields[`answers.${question.key}`] = 'ANSWER_REQUIRED';
      else score += opt.score;
    }
    for (const k of Object.keys(input.answers))
      if (!q.questions.some((x) => x.key === k)) fields[`answers.${k}`] = 'QUESTION_UNKNOWN';
    if (Object.keys(fields).length)
      throw badRequest('ANSWERS_INVALID', 'Every question needs one of its options', fields);
    const level = levelOf(score, q.bands);
    const prev = await latestAssessment(tx.db, customerId);
    const row = await tx.db
      .insertInto('suitability_assessments')
      .values({
        customer_id: customerId,
        branch_id: c.branch_id,
        questionnaire_id: q.id,
        answers: JSON.stringify(input.answers),
        score,
        level,
        lowest_category: input.lowestCategory ?? false,
        // A professional investor stays one through re-assessments; the category changes only through a request.
        professional: prev?.professional ?? false,
        evidence: JSON.stringify(prev?.evidence ?? []),
        valid_until: sql<Date>`now() + make_interval(months => ${q.valid_months})` as any,
        assessed_by: ctx.actor.id,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(tx, {
      action: 'suitability.assessed',
      entity: 'suitability_assessment',
      entityId: row.id,
      branchId: c.branch_id,
      after: {
        customerId,
        score,
        level,
        lowestCategory: row.lowest_category,
        professional: row.professional,
      },
    });
    return assessmentOut(row);
  });
}

const requestOut = (r: any) => ({
  id: r.id,
  customerId: r.customer_id,
  toProfessional: r.to_professional,
  evidence: r.evidence as number[],
  reason: r.reason,
  status: r.status,
  requestedBy: r.requested_by,
  decidedBy: r.decided_by,
  decidedAt: iso(r.decided_at),
  assessmentId: r.assessment_id,
  createdAt: r.created_at.toISOString(),
});

/** A request to change the customer's category (ordinary ↔ professional), with evidence documents (attachments). */
export async function requestCategoryChange(
  ctx: AuthedCtx,
  customerId: number,
  input: { toProfessional: boolean; evidence: number[]; reason?: string | null },
) {
  requirePermission(ctx.actor, 'suitability.write');
  return withTx(ctx, async (tx) => {
    const c = await assertCustomerVisible(tx as AuthedCtx, customerId);
    if (input.toProfessional && input.evidence.length === 0)
      throw badRequest('EVIDENCE_REQUIRED', 'A professional investor needs evidence documents', {
        evidence: 'EVIDENCE_REQUIRED',
      });
    if (input.evidence.length) {
      const n = await tx.db
        .selectFrom('customer_attachments')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('customer_id', '=', customerId)
        .where('id', 'in', input.evidence)
        .executeTakeFirstOrThrow();
      if (n.n !== new Set(input.evidence).size)
        throw badRequest('EVIDENCE_INVALID', 'An evidence document is not this customer’s', {
          evidence: 'EVIDENCE_INVALID',
        });
    }
    const row = await tx.db
      .insertInto('suitability_category_requests')
      .values({
        customer_id: customerId,
        branch_id: c.branch_id,
        to_professional: input.toProfessional,
        evidence: JSON.stringify(input.evidence),
        reason: input.reason ?? null,
        requested_by: ctx.actor.id,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(tx, {
      action: 'suitability.category_requested',
      entity: 'suitability_category_request',
      entityId: row.id,
      branchId: c.branch_id,
      after: row,
    });
    return requestOut(row);
  });
}

/** Approving writes a new assessment record with the new category (the old one stays as it was). */
export async function decideCategoryRequest(ctx: AuthedCtx, id: number, input: { approve: boolean }) {
  requirePermission(ctx.actor, 'suitability.manage');
  return withTx(ctx, async (tx) => {
    const req = await scopeToBranch(
      tx.db.selectFrom('suitability_category_requests').selectAll().where('id', '=', id).forUpdate(),
      ctx.actor,
      'suitability_category_requests.branch_id',
    ).executeTakeFirst();
    if (!req) throw notFound('CATEGORY_REQUEST_NOT_FOUND', 'Request not found');
    if (req.status !== 'pending')
      throw conflict('CATEGORY_REQUEST_DECIDED', 'This request was already decided');
    let assessmentId: number | null = null;
    if (input.approve) {
      const prev = await latestAssessment(tx.db, req.customer_id);
      if (!prev) throw conflict('SUITABILITY_ASSESSMENT_REQUIRED', 'The customer has no assessment yet');
      const row = await tx.db
        .insertInto('suitability_assessments')
        .values({
          customer_id: prev.customer_id,
          branch_id: prev.branch_id,
          questionnaire_id: prev.questionnaire_id,
          answers: JSON.stringify(prev.answers),
          score: prev.score,
          level: prev.level,
          lowest_category: req.to_professional ? false : prev.lowest_category,
          professional: req.to_professional,
          evidence: JSON.stringify(req.evidence),
          valid_until: prev.valid_until,
          assessed_by: ctx.actor.id,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      assessmentId = row.id;
    }
    const after = await tx.db
      .updateTable('suitability_category_requests')
      .set({
        status: input.approve ? 'approved' : 'rejected',
        decided_by: ctx.actor.id,
        decided_at: new Date(),
        assessment_id: assessmentId,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(tx, {
      action: 'suitability.category_decided',
      entity: 'suitability_category_request',
      entityId: id,
      branchId: req.branch_id,
      before: { status: req.status },
      after: { status: after.status, assessmentId },
    });
    return requestOut(after);
  });
}

async function matchFor(ctx: AuthedCtx, customerId: number, productId: number) {
  const product = await ctx.db
    .selectFrom('products')
    .selectAll()
    .where('id', '=', productId)
    .executeTakeFirst();
  if (!product) throw badRequest('PRODUCT_NOT_FOUND', 'No such product', { productId: 'PRODUCT_NOT_FOUND' });
  const a = await latestAssessment(ctx.db, customerId);
  const valid = a && a.valid_until.getTime() >= Date.now() ? a : null;
  const m = matchRule(
    valid ? { level: valid.level, professional: valid.professional, lowest: valid.lowest_category } : null,
    product.risk_level,
  );
  return { product, assessment: valid, ...m };
}

export async function checkMatch(ctx: AuthedCtx, customerId: number, productId: number) {
  requirePermission(ctx.actor, 'suitability.read');
  await assertCustomerVisible(ctx, customerId);
  const m = await matchFor(ctx, customerId, productId);
  return {
    customerLevel: m.assessment?.level ?? null,
    professional: m.assessment?.professional ?? false,
    lowestCategory: m.assessment?.lowest_category ?? false,
    productLevel: m.product.risk_level,
    matched: m.matched,
    blocked: m.blocked,
    warning: m.matched ? null : m.reason,
  };
}

export async function recordOffer(
  ctx: AuthedCtx,
  customerId: number,
  input: { productId: number; choice: 'proceed' | 'decline'; acknowledged?: boolean; note?: string | null },
) {
  requirePermission(ctx.actor, 'suitability.write');
  return withTx(ctx, async (tx) => {
    const c = await assertCustomerVisible(tx as AuthedCtx, customerId);
    const m = await matchFor(tx as AuthedCtx, customerId, input.productId);
    if (input.choice === 'proceed' && !m.matched) {
      if (!m.assessment)
        throw conflict('SUITABILITY_ASSESSMENT_REQUIRED', 'The customer has no valid risk assessment');
      if (m.blocked)
        throw conflict(
          'SUITABILITY_BLOCKED',
          'A lowest-category investor may only take R1 products; no override',
        );
      if (!input.acknowledged)
        throw conflict(
          'SUITABILITY_ACK_REQUIRED',
          'The product is above the customer’s level: the warning must be acknowledged',
          {
            customerLevel: m.assessment.level,
            productLevel: m.product.risk_level,
          },
        );
    }
    const row = await tx.db
      .insertInto('suitability_offers')
      .values({
        customer_id: customerId,
        branch_id: c.branch_id,
        product_id: m.product.id,
        assessment_id: m.assessment?.id ?? null,
        customer_level: m.assessment?.level ?? null,
        professional: m.assessment?.professional ?? false,
        lowest_category: m.assessment?.lowest_category ?? false,
        product_level: m.product.risk_level,
        matched: m.matched,
        warning_acknowledged: !m.matched && !!input.acknowledged,
        choice: input.choice,
        note: input.note ?? null,
        offered_by: ctx.actor.id,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(tx, {
      action: 'suitability.offer_recorded',
      entity: 'suitability_offer',
      entityId: row.id,
      branchId: c.branch_id,
      after: row,
    });
    return offerOut(row);
  });
}

/**
 * Creates a re-assessment task for every customer whose newest assessment expires within REASSESS_AHEAD_DAYS.
 * Idempotent: one task per assessment (unique index tasks_outreach_key), so it may run any number of times. A
 * carried-over copy counts as its original (source_id), whose task moved to the survivor with the merge.
 */
export async function createReassessmentTasks(db: AuthedCtx['db'], aheadDays = REASSESS_AHEAD_DAYS) {
  const created = await createGeneratedTasks(
    { db },
    sql`
      select '适当性重新评估 Suitability re-assessment' as title, null::text as description, 'review' as kind,
             a.customer_id, a.branch_id, c.owner_id as assignee_id, null::bigint as department_id,
             a.valid_until as due_at, 'suitability' as source_kind, coalesce(a.carried_from_id, a.id) as source_id,
             null::bigint as created_by
        from (select distinct on (customer_id) * from suitability_assessments
               order by customer_id, created_at desc, id desc) a
        join customers c on c.id = a.customer_id and c.status not in ('closed','merged')
       where a.valid_until < now() + make_interval(days => ${aheadDays})`,
  );
  return created.length;
}

defineJob(
  'suitability:reassessment_due',
  async (_p, { db, log }) => {
    const n = await createReassessmentTasks(db);
    if (n) log('suitability re-assessment tasks created', { n });
  },
  '15 6 * * *',
);

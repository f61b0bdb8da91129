// When customers merge, their suitability records become the survivor's without being edited: assessments and
// offers are append-only (DB triggers refuse UPDATE/DELETE, and the app's database role holds neither). Each record
// of a merged customer is copied onto the survivor as a new row — same answers, score, level, category, evidence,
// validity, assessor and time — with carried_from_id = the original record and merge_id = the merge. The original
// stays on the merged customer as it was written. Offers are copied after the assessments and point at the copy of
// the assessment they were made under. Category requests are ordinary rows and move with the generic repointing.
import { sql } from 'kysely';
import { audit } from '../../platform/audit.ts';
import type { AuthedCtx } from '../../platform/context.ts';
import { type MergeStep, registerCustomerMerge } from '../customers/index.ts';

/** Copies the suitability records of `fromIds` onto `toId` for merge `mergeId`; returns the rows written per table. */
export async function carryOverOnMerge(tx: AuthedCtx, { mergeId, fromIds, toId, toBranchId }: MergeStep) {
  const assessments = await sql<{ id: number; carried_from_id: number }>`
    insert into suitability_assessments (customer_id, branch_id, questionnaire_id, answers, score, level,
           lowest_category, professional, evidence, valid_until, assessed_by, created_at, carried_from_id, merge_id)
    select ${toId}, a.branch_id, a.questionnaire_id, a.answers, a.score, a.level, a.lowest_category, a.professional,
           a.evidence, a.valid_until, a.assessed_by, a.created_at, coalesce(a.carried_from_id, a.id), ${mergeId}
      from suitability_assessments a
     where a.customer_id = any(${fromIds}::bigint[])
     order by a.created_at, a.id
    returning id::int, carried_from_id::int`.execute(tx.db);
  const offers = await sql<{ id: number; carried_from_id: number }>`
    insert into suitability_offers (customer_id, branch_id, product_id, assessment_id, customer_level, professional,
           lowest_category, product_level, matched, warning_acknowledged, choice, note, offered_by, created_at,
           carried_from_id, merge_id)
    select ${toId}, o.branch_id, o.product_id,
           coalesce((select n.id from suitability_assessments oa
                       join suitability_assessments n on n.merge_id = ${mergeId} and n.customer_id = ${toId}
                                                    and n.carried_from_id = coalesce(oa.carried_from_id, oa.id)
                      where oa.id = o.assessment_id
                      order by n.id limit 1), o.assessment_id),
           o.customer_level, o.professional, o.lowest_category, o.product_level, o.matched, o.warning_acknowledged,
           o.choice, o.note, o.offered_by, o.created_at, coalesce(o.carried_from_id, o.id), ${mergeId}
      from suitability_offers o
     where o.customer_id = any(${fromIds}::bigint[])
     order by o.created_at, o.id
    returning id::int, carried_from_id::int`.execute(tx.db);
  if (assessments.rows.length || offers.rows.length)
    await audit(tx, {
      action: 'suitability.carried_over',
      entity: 'customer',
      entityId: toId,
      branchId: toBranchId,
      meta: {
        mergeId,
        fromIds,
        // [original record, its copy on the survivor]
        assessments: assessments.rows.map((r) => [r.carried_from_id, r.id]),
        offers: offers.rows.map((r) => [r.carried_from_id, r.id]),
      },
    });
  return { suitability_assessments: assessments.rows.length, suitability_offers: offers.rows.length };
}

registerCustomerMerge({
  tables: ['suitability_assessments', 'suitability_offers'],
  move: carryOverOnMerge,
});

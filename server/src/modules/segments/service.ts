// Segments (客户分群): a rule over customer fields, custom fields, tags and metrics (evaluated live, as one SQL
// query), or a static list of customers. A segment's members are always limited to the viewer's branches.
//
// Use a segment wherever a list of customers is used: `segmentCustomerQuery(ctx, id)` is a Kysely subquery of
// customer ids (`select customers.id …`), e.g. `where('customers.id', 'in', await segmentCustomerQuery(ctx, id))`.
import { type ExpressionBuilder, expressionBuilder, type SelectQueryBuilder, sql } from 'kysely';
import type { DB } from '../../db/types.ts';
import { audit } from '../../platform/audit.ts';
import { type AuthedCtx, type Ctx, withTx } from '../../platform/context.ts';
import { badRequest, conflict, notFound } from '../../platform/errors.ts';
import { type Actor, branchScope, requirePermission } from '../../platform/permissions.ts';
import { decodeCursor, encodeCursor } from '../../platform/schemas.ts';
import {
  type CustomFieldDef,
  customerSummaryOut,
  loadCustomFields,
  SUMMARY_COLUMNS,
  scopedCustomers,
} from '../customers/index.ts';
import { checkRule, compileRule, RuleError, type RuleGroup, usesMetrics } from './compile.ts';

/** Live counts stop here, so a count never scans more than this many matches. */
export const SEGMENT_COUNT_CAP = 1_000_000;

type Scope = 'all' | number[];
export type SegmentRow = {
  id: number;
  name: string;
  description: string | null;
  kind: 'rule' | 'static';
  rule: unknown;
  branch_id: number | null;
  created_by: number | null;
  created_at: Date;
  updated_at: Date;
  version: number;
};

/** The customers (not merged, in the scope's branches) matching a rule or a static list: `select customers.id`. */
export function membersQuery(
  db: Ctx['db'],
  seg: Pick<SegmentRow, 'id' | 'kind' | 'rule' | 'branch_id'>,
  defs: CustomFieldDef[],
  scope: Scope,
) {
  let qb = db.selectFrom('customers') as SelectQueryBuilder<DB, 'customers', object>;
  if (seg.kind === 'rule') {
    const rule = seg.rule as RuleGroup;
    if (usesMetrics(rule))
      qb = qb.leftJoin('customer_metrics_current as m', 'm.customer_id', 'customers.id') as any;
    qb = qb.where((eb) => compileRule(eb, rule, defs));
  } else {
    qb = qb.where((eb) =>
      eb.exists(
        eb
          .selectFrom('segment_members as sm')
          .select(sql`1`.as('x'))
          .where('sm.segment_id', '=', seg.id)
          .whereRef('sm.customer_id', '=', 'customers.id'),
      ),
    );
  }
  qb = qb.where('customers.status', '!=', 'merged');
  if (seg.branch_id != null) qb = qb.where('customers.branch_id', '=', seg.branch_id);
  if (scope !== 'all') qb = qb.where('customers.branch_id', 'in', scope);
  return qb.select('customers.id');
}

const visibleSegments = (ctx: AuthedCtx) => {
  const scope = branchScope(ctx.actor);
  const qb = ctx.db.selectFrom('segments').selectAll();
  return scope === 'all'
    ? qb
    : qb.where((eb) => eb.or([eb('segments.branch_id', 'is', null), eb('segments.branch_id', 'in', scope)]));
};

async function loadSegment(ctx: AuthedCtx, id: number): Promise<SegmentRow> {
  const row = await visibleSegments(ctx).where('segments.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('SEGMENT_NOT_FOUND', 'Segment not found');
  return row as SegmentRow;
}

/**
 * The customer ids of a segment as a Kysely subquery, limited to the actor's branches — the one way other modules
 * (export, bulk actions, packages, campaigns, reports) use a segment.
 */
export async function segmentCustomerQuery(ctx: AuthedCtx, segmentId: number) {
  const seg = await loadSegment(ctx, segmentId);
  return membersQuery(ctx.db, seg, await loadCustomFields(ctx), branchScope(ctx.actor));
}

/** For jobs (no actor): the segment's members in every branch it covers. */
export async function segmentCustomerQueryForSystem(ctx: Ctx, segmentId: number) {
  const seg = await ctx.db.selectFrom('segments').selectAll().where('id', '=', segmentId).executeTakeFirst();
  if (!seg) throw notFound('SEGMENT_NOT_FOUND', 'Segment not found');
  return membersQuery(ctx.db, seg as SegmentRow, await loadCustomFields(ctx), 'all');
}

export function segmentOut(r: SegmentRow) {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    kind: r.kind,
    rule: (r.rule as RuleGroup | null) ?? null,
    branchId: r.branch_id,
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    version: r.version,
  };
}

function validateRule(rule: RuleGroup, defs: CustomFieldDef[]) {
  const errors = checkRule(rule, defs, expressionBuilder<DB, 'customers'>() as ExpressionBuilder<any, any>);
  if (Object.keys(errors).length) throw badRequest('RULE_INVALID', 'The rule is not valid', errors);
}

export async function listSegments(ctx: AuthedCtx) {
  requirePermission(ctx.actor, 'segment.read');
  const rows = await visibleSegments(ctx)
    .orderBy('segments.name')
    .orderBy('segments.id')
    .limit(1000)
    .execute();
  return rows.map((r) => segmentOut(r as SegmentRow));
}

export async function getSegment(ctx: AuthedCtx, id: number) {
  requirePermission(ctx.actor, 'segment.read');
  return segmentOut(await loadSegment(ctx, id));
}

/** A branch-scoped actor's segments belong to their branch; head office may make company-wide ones (null). */
function segmentBranch(actor: Actor, requested: number | null | undefined) {
  const scope = branchScope(actor);
  if (scope === 'all') return requested ?? null;
  if (requested != null && !scope.includes(requested))
    throw badRequest('BRANCH_NOT_FOUND', 'No such branch', { branchId: 'BRANCH_NOT_FOUND' });
  return requested ?? actor.branchId;
}

export type SegmentInput = {
  name: string;
  description?: string | null;
  kind: 'rule' | 'static';
  rule?: RuleGroup | null;
  branchId?: number | null;
  customerIds?: number[];
  codes?: string[];
};

export async function createSegment(ctx: AuthedCtx, input: SegmentInput) {
  requirePermission(ctx.actor, 'segment.write');
  if (input.kind === 'rule' && !input.rule)
    throw badRequest('RULE_REQUIRED', 'A rule segment needs a rule', { rule: 'REQUIRED' });
  const defs = await loadCustomFields(ctx);
  if (input.kind === 'rule') validateRule(input.rule!, defs);
  const branchId = segmentBranch(ctx.actor, input.branchId);
  const id = await withTx(ctx, async (tx) => {
    const row = await tx.db
      .insertInto('segments')
      .values({
        name: input.name,
        description: input.description ?? null,
        kind: input.kind,
        rule: input.kind === 'rule' ? JSON.stringify(input.rule) : null,
        branch_id: branchId,
        created_by: ctx.actor.id,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(tx, { action: 'segment.created', entity: 'segment', entityId: row.id, branchId, after: row });
    return row.id;
  });
  if (input.kind === 'static' && (input.customerIds?.length || input.codes?.length))
    await addMembers(ctx, id, { customerIds: input.customerIds, codes: input.codes });
  return getSegment(ctx, id);
}

async function lockWritable(ctx: AuthedCtx, id: number, version?: number) {
  const seg = await loadSegment(ctx, id);
  // A company-wide segment is changed by head office only.
  if (seg.branch_id == null && branchScope(ctx.actor) !== 'all')
    throw notFound('SEGMENT_NOT_FOUND', 'Segment not found');
  const row = await ctx.db
    .selectFrom('segments')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirstOrThrow();
  if (version != null && row.version !== version)
    throw conflict('VERSION_CONFLICT', 'Someone else changed this segment; reload and try again', {
      current: row.version,
    });
  return row as SegmentRow;
}

export async function updateSegment(
  ctx: AuthedCtx,
  id: number,
  input: { name?: string; description?: string | null; rule?: RuleGroup; version: number },
) {
  requirePermission(ctx.actor, 'segment.write');
  const defs = await loadCustomFields(ctx);
  await withTx(ctx, async (tx) => {
    const t = { ...ctx, db: tx.db };
    const before = await lockWritable(t, id, input.version);
    if (input.rule) {
      if (before.kind !== 'rule')
        throw badRequest('SEGMENT_STATIC', 'A static segment has no rule', { rule: 'SEGMENT_STATIC' });
      validateRule(input.rule, defs);
    }
    const after = await tx.db
      .updateTable('segments')
      .set({
        ...(input.name !== undefined && { name: input.name }),
        ...(input.description !== undefined && { description: input.description }),
        ...(input.rule !== undefined && { rule: JSON.stringify(input.rule) }),
        updated_at: sql`now()`,
        version: sql`version + 1`,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(tx, {
      action: 'segment.updated',
      entity: 'segment',
      entityId: id,
      branchId: before.branch_id,
      before,
      after,
    });
  });
  return getSegment(ctx, id);
}

export async function deleteSegment(ctx: AuthedCtx, id: number) {
  requirePermission(ctx.actor, 'segment.write');
  await withTx(ctx, async (tx) => {
    const before = await lockWritable({ ...ctx, db: tx.db }, id);
    const bound = await tx.db
      .selectFrom('package_bindings')
      .select('id')
      .where('segment_id', '=', id)
      .executeTakeFirst();
    if (bound) throw conflict('SEGMENT_IN_USE', 'A service package is bound to this segment');
    await tx.db.deleteFrom('segments').where('id', '=', id).execute();
    await audit(tx, {
      action: 'segment.deleted',
      entity: 'segment',
      entityId: id,
      branchId: before.branch_id,
      before,
    });
  });
  return { ok: true as const };
}

/** Adds customers (by id or code, only those the actor can see) to a static segment; returns how many were new. */
export async function addMembers(
  ctx: AuthedCtx,
  id: number,
  input: { customerIds?: number[]; codes?: string[] },
) {
  requirePermission(ctx.actor, 'segment.write');
  return withTx(ctx, async (tx) => {
    const t = { ...ctx, db: tx.db };
    const seg = await lockWritable(t, id);
    if (seg.kind !== 'static') throw badRequest('SEGMENT_RULE', 'Members of a rule segment follow its rule');
    const scope = branchScope(ctx.actor);
    let added = 0;
    let unknown = 0;
    const ids = input.customerIds ?? [];
    const codes = (input.codes ?? []).map((c) => c.trim().toUpperCase()).filter(Boolean);
    const res = await sql<{ n: number; found: number }>`
      with wanted as (
        select c.id from customers c
         where (c.id = any(${ids}::bigint[]) or c.code = any(${codes}::text[]))
           and c.status <> 'merged'
           ${seg.branch_id != null ? sql`and c.branch_id = ${seg.branch_id}` : sql``}
           ${scope === 'all' ? sql`` : sql`and c.branch_id = any(${scope}::bigint[])`}
      ), ins as (
        insert into segment_members (segment_id, customer_id)
        select ${id}, id from wanted on conflict do nothing returning 1
      )
      select (select count(*) from ins)::int as n, (select count(*) from wanted)::int as found`.execute(
      tx.db,
    );
    added = res.rows[0].n;
    unknown = ids.length + codes.length - res.rows[0].found;
    await tx.db.updateTable('segments').set({ updated_at: sql`now()` }).where('id', '=', id).execute();
    await audit(tx, {
      action: 'segment.members_added',
      entity: 'segment',
      entityId: id,
      branchId: seg.branch_id,
      meta: { added, notFound: Math.max(0, unknown) },
    });
    return { added, notFound: Math.max(0, unknown) };
  });
}

export async function removeMembers(ctx: AuthedCtx, id: number, customerIds: number[]) {
  requirePermission(ctx.actor, 'segment.write');
  return withTx(ctx, async (tx) => {
    const seg = await lockWritable({ ...ctx, db: tx.db }, id);
    if (seg.kind !== 'static') throw badRequest('SEGMENT_RULE', 'Members of a rule segment follow its rule');
    const scope = branchScope(ctx.actor);
    const r = await tx.db
      .deleteFrom('segment_members')
      .where('segment_id', '=', id)
      .where('customer_id', 'in', customerIds)
      .$if(scope !== 'all', (q) =>
        q.where(
          'customer_id',
          'in',
          tx.db
            .selectFrom('customers')
            .select('id')
            .where('branch_id', 'in', scope as number[]),
        ),
      )
      .executeTakeFirst();
    const removed = Number(r.numDeletedRows);
    await audit(tx, {
      action: 'segment.members_removed',
      entity: 'segment',
      entityId: id,
      branchId: seg.branch_id,
      meta: { removed },
    });
    return { removed };
  });
}

async function countOf(ctx: AuthedCtx, ids: SelectQueryBuilder<DB, any, { id: number }>) {
  const r = await ctx.db
    .selectFrom(ids.limit(SEGMENT_COUNT_CAP + 1).as('s'))
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow();
  return { value: Math.min(r.n, SEGMENT_COUNT_CAP), capped: r.n > SEGMENT_COUNT_CAP };
}

/** Members as customer summaries (masked as the customer list masks them), keyset-paged by id. */
async function memberPage(
  ctx: AuthedCtx,
  ids: SelectQueryBuilder<DB, any, { id: number }>,
  q: { cursor?: string; limit: number; count?: boolean },
) {
  requirePermission(ctx.actor, 'customer.read');
  let qb = scopedCustomers(ctx).select(SUMMARY_COLUMNS).where('customers.id', 'in', ids);
  const after = decodeCursor(q.cursor);
  if (after && Number.isSafeInteger(after[0])) qb = qb.where('customers.id', '>', after[0] as number);
  const rows = await qb
    .orderBy('customers.id')
    .limit(q.limit + 1)
    .execute();
  const more = rows.length > q.limit;
  const items = rows.slice(0, q.limit);
  return {
    items: items.map((r) => customerSummaryOut(ctx.actor, r)),
    nextCursor: more && items.length ? encodeCursor([items[items.length - 1].id]) : null,
    count: q.count === false ? null : await countOf(ctx, ids),
  };
}

export async function segmentMembers(
  ctx: AuthedCtx,
  id: number,
  q: { cursor?: string; limit: number; count?: boolean },
) {
  requirePermission(ctx.actor, 'segment.read');
  return memberPage(ctx, await segmentCustomerQuery(ctx, id), q);
}

/** A rule tried before it is saved: the live count and the first matching customers. */
export async function previewRule(ctx: AuthedCtx, rule: RuleGroup, limit: number) {
  requirePermission(ctx.actor, 'segment.read');
  const defs = await loadCustomFields(ctx);
  validateRule(rule, defs);
  const ids = membersQuery(
    ctx.db,
    { id: 0, kind: 'rule', rule, branch_id: null },
    defs,
    branchScope(ctx.actor),
  );
  return memberPage(ctx, ids, { limit });
}

/** Only the count (bounded): what the rule editor asks on every change. */
export async function countRule(ctx: AuthedCtx, rule: RuleGroup) {
  requirePermission(ctx.actor, 'segment.read');
  const defs = await loadCustomFields(ctx);
  validateRule(rule, defs);
  const ids = membersQuery(
    ctx.db,
    { id: 0, kind: 'rule', rule, branch_id: null },
    defs,
    branchScope(ctx.actor),
  );
  return countOf(ctx, ids);
}

export { RuleError };

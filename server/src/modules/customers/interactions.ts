// Interactions (接触记录): one timeline per customer of every contact on any channel, logged by hand or by the
// system (emails, portal messages, SMS sent). Logging one moves the customer's last_contact_at forward.
import { sql } from 'kysely';
import { audit } from '../../platform/audit.ts';
import type { AuthedCtx, Ctx } from '../../platform/context.ts';
import { badRequest, notFound } from '../../platform/errors.ts';
import { requirePermission } from '../../platform/permissions.ts';
import { decodeCursor, encodeCursor } from '../../platform/schemas.ts';
import { assertCustomerVisible, inTx } from './repo.ts';
import type { TInteractionInput } from './schema.ts';
import type { InteractionChannel } from './tables.ts';

const DEFAULT_DIRECTION: Record<InteractionChannel, 'inbound' | 'outbound'> = {
  phone_in: 'inbound',
  counter: 'inbound',
  portal: 'inbound',
  phone_out: 'outbound',
  sms: 'outbound',
  email: 'outbound',
  visit: 'outbound',
  wechat: 'inbound',
  meeting: 'outbound',
};

function interactionOut(r: any, attachmentIds: number[]) {
  return {
    id: r.id,
    customerId: r.customer_id,
    channel: r.channel,
    direction: r.direction,
    occurredAt: r.occurred_at.toISOString(),
    staffId: r.staff_id,
    staffName: r.staff_name ?? null,
    summary: r.summary,
    outcome: r.outcome,
    ticketId: r.ticket_id,
    campaignId: r.campaign_id,
    source: r.source,
    attachmentIds,
    createdAt: r.created_at.toISOString(),
  };
}

/**
 * Records an interaction. Other modules call this with `source: 'system'` (an email sent, an SMS, a portal
 * message) inside their own transaction; the route calls it for hand-logged ones.
 */
export async function logInteraction(
  ctx: AuthedCtx,
  customerId: number,
  input: TInteractionInput & { source?: 'manual' | 'system' },
) {
  requirePermission(ctx.actor, 'interaction.write');
  return inTx(ctx, async (tx) => {
    const customer = await assertCustomerVisible(tx, customerId);
    if (customer.status === 'merged')
      throw badRequest('CUSTOMER_MERGED', 'This customer was merged; log the interaction on the survivor');
    const occurredAt = input.occurredAt ? new Date(input.occurredAt) : new Date();
    if (occurredAt.getTime() > Date.now() + 5 * 60_000)
      throw badRequest('OCCURRED_IN_FUTURE', 'An interaction cannot be in the future', {
        occurredAt: 'OCCURRED_IN_FUTURE',
      });
    const staffId = input.staffId === undefined ? ctx.actor.id : input.staffId;
    if (staffId != null && staffId !== ctx.actor.id) {
      const u = await tx.db.selectFrom('users').select('id').where('id', '=', staffId).executeTakeFirst();
      if (!u) throw badRequest('STAFF_INVALID', 'No such staff member', { staffId: 'STAFF_INVALID' });
    }
    const row = await tx.db
      .insertInto('interactions')
      .values({
        customer_id: customerId,
        channel: input.channel,
        direction: input.direction ?? DEFAULT_DIRECTION[input.channel],
        occurred_at: occurredAt,
        staff_id: staffId,
        summary: input.summary,
        outcome: input.outcome ?? null,
        ticket_id: input.ticketId ?? null,
        campaign_id: input.campaignId ?? null,
        source: input.source ?? 'manual',
        created_by: ctx.actor.id,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const attachmentIds = input.attachmentIds ?? [];
    if (attachmentIds.length) {
      const res = await tx.db
        .updateTable('customer_attachments')
        .set({ interaction_id: row.id })
        .where('customer_id', '=', customerId)
        .where('id', 'in', attachmentIds)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== new Set(attachmentIds).size)
        throw badRequest('ATTACHMENT_INVALID', 'An attachment is not this customer’s', {
          attachmentIds: 'ATTACHMENT_INVALID',
        });
    }
    // Not a user edit of the record: no version bump, no history row.
    await tx.db
      .updateTable('customers')
      .set({ last_contact_at: sql`greatest(last_contact_at, ${occurredAt})` })
      .where('id', '=', customerId)
      .execute();
    await audit(tx, {
      action: 'interaction.created',
      entity: 'interaction',
      entityId: row.id,
      branchId: customer.branch_id,
      after: { customerId, channel: row.channel, source: row.source, occurredAt },
    });
    return interactionOut(row, attachmentIds);
  });
}

/** The customer's timeline, newest first (keyset on occurred_at, id). */
export async function listInteractions(
  ctx: AuthedCtx,
  customerId: number,
  q: { channel?: InteractionChannel; cursor?: string; limit: number },
) {
  requirePermission(ctx.actor, 'customer.read');
  await assertCustomerVisible(ctx, customerId);
  const after = decodeCursor(q.cursor);
  let query = ctx.db
    .selectFrom('interactions')
    .leftJoin('users as staff', 'staff.id', 'interactions.staff_id')
    .selectAll('interactions')
    .select('staff.display_name as staff_name')
    .where('interactions.customer_id', '=', customerId);
  if (q.channel) query = query.where('interactions.channel', '=', q.channel);
  if (after && typeof after[0] === 'string' && Number.isFinite(Number(after[1])))
    query = query.where(
      sql<boolean>`(interactions.occurred_at, interactions.id) < (${after[0]}::timestamptz, ${Number(after[1])})`,
    );
  const rows = await query
    .orderBy('interactions.occurred_at', 'desc')
    .orderBy('interactions.id', 'desc')
    .limit(q.limit + 1)
    .execute();
  const more = rows.length > q.limit;
  const items = rows.slice(0, q.limit);
  const att = await attachmentIdsOf(
    ctx,
    customerId,
    items.map((r) => r.id),
  );
  const last = items[items.length - 1];
  return {
    items: items.map((r) => interactionOut(r, att.get(r.id) ?? [])),
    nextCursor: more ? encodeCursor([last.occurred_at.toISOString(), last.id]) : null,
  };
}

async function attachmentIdsOf(ctx: Ctx, customerId: number, ids: number[]) {
  const m = new Map<number, number[]>();
  if (ids.length === 0) return m;
  const rows = await ctx.db
    .selectFrom('customer_attachments')
    .select(['id', 'interaction_id'])
    .where('customer_id', '=', customerId)
    .where('interaction_id', 'in', ids)
    .execute();
  for (const r of rows) m.set(r.interaction_id!, [...(m.get(r.interaction_id!) ?? []), r.id]);
  return m;
}

export async function getInteraction(ctx: AuthedCtx, customerId: number, id: number) {
  requirePermission(ctx.actor, 'customer.read');
  await assertCustomerVisible(ctx, customerId);
  const row = await ctx.db
    .selectFrom('interactions')
    .leftJoin('users as staff', 'staff.id', 'interactions.staff_id')
    .selectAll('interactions')
    .select('staff.display_name as staff_name')
    .where('interactions.customer_id', '=', customerId)
    .where('interactions.id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('INTERACTION_NOT_FOUND', 'Interaction not found');
  return interactionOut(row, (await attachmentIdsOf(ctx, customerId, [id])).get(id) ?? []);
}

// Interactions (接触记录): one timeline per customer of every contact on any channel, logged by hand or by the
// system (emails, portal messages, SMS sent, calls, visits). Only this file writes the table: other modules record
// through recordInteraction / recordInteractions (exported from ./index.ts), which move the customer's
// last_contact_at forward — the figure the "no contact for N days" segment rule and the portfolio read.
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

/** A contact another module records on the customer's timeline (an email sent, an SMS, a call, a visit). */
export type SystemInteraction = {
  customerId: number;
  channel: InteractionChannel;
  /** Defaults to the channel's usual direction (phone_in inbound, sms outbound …). */
  direction?: 'inbound' | 'outbound' | 'internal';
  /** Defaults to the transaction's now(). */
  occurredAt?: Date | null;
  staffId?: number | null;
  /** Cut to the column's 4 000 characters. */
  summary: string;
  outcome?: string | null;
  ticketId?: number | null;
  campaignId?: number | null;
  createdBy?: number | null;
  /**
   * Whether the customer was reached, so that the entry moves `last_contact_at` (default true). A message the
   * gateway or the mail server refused, or an internal note, is on the timeline but is not a contact.
   */
  countsAsContact?: boolean;
};

type DbCtx = Pick<Ctx, 'db'>;

async function insertInteraction(
  ctx: DbCtx,
  r: Omit<SystemInteraction, 'countsAsContact'> & { source: 'manual' | 'system' },
) {
  return ctx.db
    .insertInto('interactions')
    .values({
      customer_id: r.customerId,
      channel: r.channel,
      direction: r.direction ?? DEFAULT_DIRECTION[r.channel],
      occurred_at: r.occurredAt ?? sql<Date>`now()`,
      staff_id: r.staffId ?? null,
      summary: r.summary.slice(0, 4000),
      outcome: r.outcome ?? null,
      ticket_id: r.ticketId ?? null,
      campaign_id: r.campaignId ?? null,
      source: r.source,
      created_by: r.createdBy ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Moves each customer's last contact forward to the latest of the given times — only where that is later than what
 * the row holds, so an older entry writes nothing. Not a user edit of the record: no version bump, no history row.
 * Rows are locked in id order, so two writers touching the same customers cannot deadlock on them.
 */
async function moveLastContact(ctx: DbCtx, items: { customerId: number; at: Date | null }[]) {
  if (items.length === 0) return;
  const latest = new Map<number, Date | null>();
  for (const { customerId, at } of items) {
    const cur = latest.get(customerId);
    if (cur === undefined || (cur && (!at || at > cur))) latest.set(customerId, at);
  }
  const ids = [...latest.keys()];
  const ats = ids.map((id) => latest.get(id) ?? null);
  await sql`
    with v as (
      select v.id, coalesce(v.at, now()) as at from unnest(${ids}::bigint[], ${ats}::timestamptz[]) as v(id, at)
    ), due as (
      select c.id, v.at from customers c join v on v.id = c.id
       where c.last_contact_at is null or c.last_contact_at < v.at
       order by c.id for update of c
    )
    update customers c set last_contact_at = due.at from due where c.id = due.id`.execute(ctx.db);
}

/**
 * The one way another module puts a contact on a customer's timeline: inserts the interaction (source 'system') and
 * keeps the customer's `last_contact_at` right, in the caller's transaction. The caller audits its own write.
 * Returns the interaction's id.
 */
export async function recordInteraction(ctx: DbCtx, r: SystemInteraction): Promise<number> {
  const row = await insertInteraction(ctx, { ...r, source: 'system' });
  if (r.countsAsContact !== false)
    await moveLastContact(ctx, [{ customerId: r.customerId, at: row.occurred_at }]);
  return row.id;
}

/**
 * recordInteraction for many rows at once (the SMS dispatcher's batch, a handover's customers): one INSERT from
 * arrays and one UPDATE of the customers whose last contact moves, whatever the number of rows. Returns the new
 * ids in the order of `rows` (they are drawn from the sequence first; RETURNING promises no order).
 */
export async function recordInteractions(ctx: DbCtx, rows: SystemInteraction[]): Promise<number[]> {
  if (rows.length === 0) return [];
  const drawn = await sql<{ id: number }>`
    select nextval(pg_get_serial_sequence('interactions', 'id')) as id from generate_series(1, ${rows.length})`.execute(
    ctx.db,
  );
  const ids = drawn.rows.map((r) => Number(r.id));
  const col = <T>(f: (r: SystemInteraction) => T) => rows.map(f);
  await sql`
    insert into interactions (id, customer_id, channel, direction, occurred_at, staff_id, summary, outcome, ticket_id,
                              campaign_id, source, created_by)
    select v.id, v.customer_id, v.channel, v.direction, coalesce(v.at, now()), v.staff_id, v.summary, v.outcome,
           v.ticket_id, v.campaign_id, 'system', v.created_by
      from unnest(${ids}::bigint[], ${col((r) => r.customerId)}::bigint[], ${col((r) => r.channel)}::text[],
                  ${col((r) => r.direction ?? DEFAULT_DIRECTION[r.channel])}::text[],
                  ${col((r) => r.occurredAt ?? null)}::timestamptz[], ${col((r) => r.staffId ?? null)}::bigint[],
                  ${col((r) => r.summary.slice(0, 4000))}::text[], ${col((r) => r.outcome ?? null)}::text[],
                  ${col((r) => r.ticketId ?? null)}::bigint[], ${col((r) => r.campaignId ?? null)}::bigint[],
                  ${col((r) => r.createdBy ?? null)}::bigint[])
           as v(id, customer_id, channel, direction, at, staff_id, summary, outcome, ticket_id, campaign_id, created_by)`.execute(
    ctx.db,
  );
  await moveLastContact(
    ctx,
    rows
      .filter((r) => r.countsAsContact !== false)
      .map((r) => ({ customerId: r.customerId, at: r.occurredAt ?? null })),
  );
  return ids;
}

/** The outcome of a system entry changes afterwards (an SMS delivery report: delivered / undelivered). */
export async function setInteractionOutcome(
  ctx: DbCtx,
  r: { id: number; customerId: number; outcome: string },
): Promise<void> {
  await ctx.db
    .updateTable('interactions')
    .set({ outcome: r.outcome.slice(0, 4000) })
    .where('id', '=', r.id)
    .where('customer_id', '=', r.customerId)
    .execute();
}

/**
 * Records a hand-logged interaction (the route's; checks the permission, the customer's scope, the staff member and
 * the attachments, and audits). What the system records goes through recordInteraction.
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
    const row = await insertInteraction(tx, {
      customerId,
      channel: input.channel,
      direction: input.direction ?? DEFAULT_DIRECTION[input.channel],
      occurredAt,
      staffId,
      summary: input.summary,
      outcome: input.outcome ?? null,
      ticketId: input.ticketId ?? null,
      campaignId: input.campaignId ?? null,
      source: input.source ?? 'manual',
      createdBy: ctx.actor.id,
    });
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
    await moveLastContact(tx, [{ customerId, at: occurredAt }]);
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

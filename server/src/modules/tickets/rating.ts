// Customer satisfaction (CSAT): the public page behind the signed, single-use, expiring link sent on close.
import { sql } from 'kysely';
import type { Database } from '../../db/index.ts';
import { audit } from '../../platform/audit.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { recordInteraction } from '../customers/index.ts';
import { verifyRatingToken } from './mail.ts';
import { notify } from './notify.ts';

const invalid = () => notFound('RATING_LINK_INVALID', 'This rating link is not valid or has expired');

async function tokenTicket(db: Database, token: string) {
  const v = await verifyRatingToken(db, token);
  if (!v) throw invalid();
  const row = await db
    .selectFrom('ticket_rating_tokens')
    .innerJoin('tickets', 'tickets.id', 'ticket_rating_tokens.ticket_id')
    .select([
      'ticket_rating_tokens.used_at',
      'ticket_rating_tokens.expires_at',
      'tickets.id',
      'tickets.number',
      'tickets.subject',
      'tickets.locale',
    ])
    .where('ticket_rating_tokens.nonce', '=', v.nonce)
    .where('ticket_rating_tokens.ticket_id', '=', v.ticketId)
    .executeTakeFirst();
  if (!row || row.expires_at < new Date()) throw invalid();
  return row;
}

export async function ratingPage(db: Database, token: string) {
  const t = await tokenTicket(db, token);
  return { ticketNumber: t.number, subject: t.subject, locale: t.locale, used: t.used_at != null };
}

export async function submitRating(
  db: Database,
  token: string,
  input: { score: number; comment?: string | null },
  ip: string | null,
) {
  const t = await tokenTicket(db, token);
  return db.transaction().execute(async (tx) => {
    // Single use: only the first submission flips used_at.
    const used = await tx
      .updateTable('ticket_rating_tokens')
      .set({ used_at: sql`now()` })
      .where('ticket_id', '=', t.id)
      .where('nonce', '=', token.split('.')[1])
      .where('used_at', 'is', null)
      .returning('nonce')
      .executeTakeFirst();
    if (!used) throw new AppError('RATING_LINK_USED', 410, 'This rating link has been used already');
    const ticket = await tx
      .updateTable('tickets')
      .set({
        rating_score: input.score,
        rating_comment: input.comment ?? null,
        rated_at: sql`now()`,
        rated_user_id: sql`first_contact_owner_id`,
        updated_at: sql`now()`,
        version: sql`version + 1`,
      })
      .where('id', '=', t.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('ticket_events')
      .values({ ticket_id: t.id, kind: 'rated', data: JSON.stringify({ score: input.score }) })
      .execute();
    if (ticket.customer_id)
      await recordInteraction(
        { db: tx },
        {
          customerId: ticket.customer_id,
          channel: 'portal',
          direction: 'inbound',
          staffId: ticket.first_contact_owner_id,
          summary: `满意度评价 ${input.score}/5（工单 ${ticket.number}）${input.comment ? `：${input.comment}` : ''}`,
          outcome: `csat:${input.score}`,
          ticketId: ticket.id,
        },
      );
    await notify(tx, [ticket.first_contact_owner_id, ticket.assignee_id], {
      kind: 'rated',
      ticketId: t.id,
      title: `${ticket.number} 客户评分 ${input.score}/5`,
      params: { number: ticket.number, score: input.score },
      body: input.comment ?? null,
    });
    await audit(
      { db: tx, actor: null, ip },
      {
        action: 'ticket.rate',
        entity: 'ticket',
        entityId: t.id,
        branchId: ticket.branch_id,
        after: { score: input.score },
      },
    );
    return { ok: true as const };
  });
}

/** Average rating of an agent (the first-contact owner rated) — bounded to the latest 1000 ratings. */
export async function agentRating(db: Database, userId: number) {
  const r = await db
    .selectFrom(
      db
        .selectFrom('tickets')
        .select('rating_score')
        .where('rated_user_id', '=', userId)
        .where('rating_score', 'is not', null)
        .orderBy('rated_at', 'desc')
        .limit(1000)
        .as('x'),
    )
    .select([sql<number>`count(*)`.as('n'), sql<string | null>`avg(rating_score)`.as('avg')])
    .executeTakeFirstOrThrow();
  return { count: Number(r.n), average: r.avg == null ? null : Math.round(Number(r.avg) * 100) / 100 };
}

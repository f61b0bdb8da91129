// In-app notifications for staff: a ticket assigned or transferred to them, an SLA warning or breach, a rating;
// for the first-contact owner every internal note and hand-back (回转) on their ticket.
import { sql } from 'kysely';
import type { Database } from '../../db/index.ts';
import { audit } from '../../platform/audit.ts';
import { type Ctx, withTx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import type { NotificationTable } from './tables.ts';

type Db = Ctx['db'] | Database;

export async function notify(
  db: Db,
  userIds: (number | null | undefined)[],
  n: {
    kind: NotificationTable['kind'];
    ticketId: number;
    title: string;
    body?: string | null;
    /** Rendered per reader's locale by the web app; `title` stays as the fallback for older readers. */
    params?: Record<string, string | number | null>;
  },
) {
  const ids = [...new Set(userIds.filter((x): x is number => x != null))];
  if (!ids.length) return;
  await db
    .insertInto('notifications')
    .values(
      ids.map((user_id) => ({
        user_id,
        kind: n.kind,
        ticket_id: n.ticketId,
        title: n.title,
        body: n.body ?? null,
        params: JSON.stringify(n.params ?? {}),
      })),
    )
    .execute();
}

/** Active users of a branch who supervise tickets (客服主管) — the people an SLA breach goes to. */
export async function supervisorsOf(db: Db, branchId: number): Promise<number[]> {
  const rows = await db
    .selectFrom('users')
    .select('users.id')
    .where('users.branch_id', '=', branchId)
    .where('users.status', '=', 'active')
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('user_roles')
          .innerJoin('roles', 'roles.id', 'user_roles.role_id')
          .select(sql`1`.as('x'))
          .whereRef('user_roles.user_id', '=', 'users.id')
          .where(sql<boolean>`'ticket.supervise' = any(roles.permissions)`),
      ),
    )
    .execute();
  return rows.map((r) => r.id);
}

const out = (n: any) => ({
  id: n.id,
  kind: n.kind,
  ticketId: n.ticket_id,
  title: n.title,
  body: n.body,
  params: n.params ?? {},
  readAt: n.read_at?.toISOString() ?? null,
  createdAt: n.created_at.toISOString(),
});

export async function listNotifications(
  ctx: Ctx & { actor: { id: number } },
  q: { unread?: boolean; before?: number; limit: number },
) {
  let query = ctx.db.selectFrom('notifications').selectAll().where('user_id', '=', ctx.actor.id);
  if (q.unread) query = query.where('read_at', 'is', null);
  if (q.before) query = query.where('id', '<', q.before);
  const items = await query.orderBy('id', 'desc').limit(q.limit).execute();
  // The unread count is bounded so the badge stays cheap however many pile up.
  const unread = await ctx.db
    .selectFrom(
      ctx.db
        .selectFrom('notifications')
        .select('id')
        .where('user_id', '=', ctx.actor.id)
        .where('read_at', 'is', null)
        .limit(100)
        .as('u'),
    )
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return { items: items.map(out), unread: Number(unread.n) };
}

export async function markNotificationRead(ctx: Ctx & { actor: { id: number } }, id: number) {
  return withTx(ctx, async (tx) => {
    const row = await tx.db
      .updateTable('notifications')
      .set({ read_at: sql`coalesce(read_at, now())` })
      .where('id', '=', id)
      .where('user_id', '=', ctx.actor.id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notFound('NOTIFICATION_NOT_FOUND', 'Notification not found');
    await audit(tx, { action: 'notification.read', entity: 'notification', entityId: id });
    return out(row);
  });
}

export async function markAllNotificationsRead(ctx: Ctx & { actor: { id: number } }) {
  return withTx(ctx, async (tx) => {
    const res = await tx.db
      .updateTable('notifications')
      .set({ read_at: sql`now()` })
      .where('user_id', '=', ctx.actor.id)
      .where('read_at', 'is', null)
      .executeTakeFirst();
    const updated = Number(res.numUpdatedRows);
    await audit(tx, { action: 'notification.read_all', entity: 'notification', meta: { updated } });
    return { updated };
  });
}

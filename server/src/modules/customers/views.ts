// Saved views: a user's named customer searches (query, filters, sort). Private to the user who saved them.
import { sql } from 'kysely';
import { audit } from '../../platform/audit.ts';
import type { AuthedCtx } from '../../platform/context.ts';
import { conflict, notFound } from '../../platform/errors.ts';
import { requirePermission } from '../../platform/permissions.ts';
import { inTx } from './repo.ts';
import type { TCustomerQuery } from './schema.ts';

const ENTITY = 'customers';
const viewOut = (r: any) => ({
  id: r.id,
  name: r.name,
  entity: r.entity,
  query: r.query as TCustomerQuery,
  isDefault: r.is_default,
  updatedAt: r.updated_at.toISOString(),
});

export async function listSavedViews(ctx: AuthedCtx) {
  requirePermission(ctx.actor, 'customer.read');
  const rows = await ctx.db
    .selectFrom('saved_views')
    .selectAll()
    .where('user_id', '=', ctx.actor.id)
    .where('entity', '=', ENTITY)
    .orderBy('name')
    .limit(200)
    .execute();
  return rows.map(viewOut);
}

async function nameTaken(ctx: AuthedCtx, name: string, exceptId?: number) {
  const r = await ctx.db
    .selectFrom('saved_views')
    .select('id')
    .where('user_id', '=', ctx.actor.id)
    .where('entity', '=', ENTITY)
    .where('name', '=', name)
    .$if(!!exceptId, (q) => q.where('id', '!=', exceptId!))
    .executeTakeFirst();
  if (r) throw conflict('VIEW_NAME_TAKEN', 'You already have a view with this name');
}

export async function createSavedView(
  ctx: AuthedCtx,
  input: { name: string; query: TCustomerQuery; isDefault?: boolean },
) {
  requirePermission(ctx.actor, 'customer.read');
  return inTx(ctx, async (tx) => {
    await nameTaken(tx, input.name);
    if (input.isDefault) await clearDefault(tx);
    const row = await tx.db
      .insertInto('saved_views')
      .values({
        user_id: ctx.actor.id,
        entity: ENTITY,
        name: input.name,
        query: JSON.stringify(input.query),
        is_default: !!input.isDefault,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(tx, { action: 'saved_view.created', entity: 'saved_view', entityId: row.id });
    return viewOut(row);
  });
}

async function clearDefault(ctx: AuthedCtx) {
  await ctx.db
    .updateTable('saved_views')
    .set({ is_default: false })
    .where('user_id', '=', ctx.actor.id)
    .where('entity', '=', ENTITY)
    .where('is_default', '=', true)
    .execute();
}

export async function updateSavedView(
  ctx: AuthedCtx,
  id: number,
  input: { name?: string; query?: TCustomerQuery; isDefault?: boolean },
) {
  requirePermission(ctx.actor, 'customer.read');
  return inTx(ctx, async (tx) => {
    const mine = await tx.db
      .selectFrom('saved_views')
      .select('id')
      .where('id', '=', id)
      .where('user_id', '=', ctx.actor.id)
      .forUpdate()
      .executeTakeFirst();
    if (!mine) throw notFound('VIEW_NOT_FOUND', 'Saved view not found');
    if (input.name) await nameTaken(tx, input.name, id);
    if (input.isDefault) await clearDefault(tx);
    const row = await tx.db
      .updateTable('saved_views')
      .set({
        ...(input.name !== undefined && { name: input.name }),
        ...(input.query !== undefined && { query: JSON.stringify(input.query) }),
        ...(input.isDefault !== undefined && { is_default: input.isDefault }),
        updated_at: sql`now()`,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(tx, { action: 'saved_view.updated', entity: 'saved_view', entityId: id });
    return viewOut(row);
  });
}

export async function deleteSavedView(ctx: AuthedCtx, id: number) {
  requirePermission(ctx.actor, 'customer.read');
  await inTx(ctx, async (tx) => {
    const r = await tx.db
      .deleteFrom('saved_views')
      .where('id', '=', id)
      .where('user_id', '=', ctx.actor.id)
      .executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw notFound('VIEW_NOT_FOUND', 'Saved view not found');
    await audit(tx, { action: 'saved_view.deleted', entity: 'saved_view', entityId: id });
  });
}

// Views of other lists kept in the same table (the ticket list's: entity 'tickets'). The caller checks its own
// permission; a view is always the actor's own.

/** The actor's saved views of another list, by name. */
export async function listViewsOf(ctx: AuthedCtx, entity: string) {
  const rows = await ctx.db
    .selectFrom('saved_views')
    .select(['id', 'name', 'query'])
    .where('user_id', '=', ctx.actor.id)
    .where('entity', '=', entity)
    .orderBy('name')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, query: r.query as Record<string, unknown> }));
}

/** Saves (or replaces, by name) one of the actor's views of another list. */
export async function saveViewOf(ctx: AuthedCtx, entity: string, input: { name: string; query: unknown }) {
  const row = await ctx.db
    .insertInto('saved_views')
    .values({ user_id: ctx.actor.id, entity, name: input.name, query: JSON.stringify(input.query) })
    .onConflict((oc) =>
      oc
        .columns(['user_id', 'entity', 'name'])
        .doUpdateSet({ query: JSON.stringify(input.query), updated_at: sql`now()` }),
    )
    .returning(['id', 'name', 'query'])
    .executeTakeFirstOrThrow();
  return { id: row.id, name: row.name, query: row.query as Record<string, unknown> };
}

/** Deletes one of the actor's views of another list; 404 when it is not theirs or not of that list. */
export async function deleteViewOf(ctx: AuthedCtx, entity: string, id: number) {
  const res = await ctx.db
    .deleteFrom('saved_views')
    .where('id', '=', id)
    .where('user_id', '=', ctx.actor.id)
    .where('entity', '=', entity)
    .executeTakeFirst();
  if (!Number(res.numDeletedRows)) throw notFound('VIEW_NOT_FOUND', 'Saved view not found');
}

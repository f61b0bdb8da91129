// SQL of roles: the roles with how many users hold each, and their changes.
import { type Selectable, sql } from 'kysely';
import type { RoleTable } from '../../db/types.ts';
import type { Ctx } from '../../platform/context.ts';

export type RoleRow = Selectable<RoleTable>;

/** The roles (built-in first, then by id), or the one of this id, each with its number of users. */
export async function roleRows(ctx: Ctx, id?: number) {
  let q = ctx.db
    .selectFrom('roles')
    .select([
      'roles.id',
      'roles.code',
      'roles.name',
      'roles.description',
      'roles.permissions',
      'roles.builtin',
    ])
    .select((eb) =>
      eb
        .selectFrom('user_roles')
        .select(sql<number>`count(*)::int`.as('n'))
        .whereRef('user_roles.role_id', '=', 'roles.id')
        .as('userCount'),
    )
    .orderBy('roles.builtin', 'desc')
    .orderBy('roles.id');
  if (id) q = q.where('roles.id', '=', id);
  return (await q.execute()).map((r) => ({ ...r, userCount: r.userCount ?? 0 }));
}

export function insertRole(
  ctx: Ctx,
  values: { code: string; name: string; description: string | null; permissions: string[] },
) {
  return ctx.db.insertInto('roles').values(values).returningAll().executeTakeFirstOrThrow();
}

/** The role, locked for a change. */
export function lockRole(ctx: Ctx, id: number) {
  return ctx.db.selectFrom('roles').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function updateRoleRow(
  ctx: Ctx,
  id: number,
  values: { name?: string; description?: string | null; permissions?: string[] },
) {
  return ctx.db
    .updateTable('roles')
    .set({ ...values, updated_at: sql`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Whether some user holds the role. */
export async function roleInUse(ctx: Ctx, id: number) {
  const used = await ctx.db
    .selectFrom('user_roles')
    .select('user_id')
    .where('role_id', '=', id)
    .limit(1)
    .executeTakeFirst();
  return !!used;
}

export async function deleteRoleRow(ctx: Ctx, id: number) {
  await ctx.db.deleteFrom('roles').where('id', '=', id).execute();
}

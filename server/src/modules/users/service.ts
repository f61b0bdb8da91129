// Staff accounts: created and changed by administrators within their branch scope, never with more power than they hold.
import { sql } from 'kysely';
import { audit, diff } from '../../platform/audit.ts';
import { endUserSessions, hashPassword, passwordProblem } from '../../platform/auth.ts';
import { type AuthedCtx, withTx } from '../../platform/context.ts';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { assertInScope, requirePermission, scopeToBranch } from '../../platform/permissions.ts';
import { decodeCursor, encodeCursor } from '../../platform/schemas.ts';
import { updateVersioned } from '../../platform/versioned.ts';

export type UserInput = {
  username: string;
  displayName: string;
  email?: string | null;
  phone?: string | null;
  branchId: number;
  departmentId: number;
  teamId?: number | null;
  locale?: 'zh-CN' | 'zh-TW' | 'en';
  roles: string[];
  password: string;
};

const userColumns = [
  'users.id',
  'users.username',
  'users.display_name',
  'users.email',
  'users.phone',
  'users.status',
  'users.branch_id',
  'users.department_id',
  'users.team_id',
  'users.locale',
  'users.locked_until',
  'users.last_login_at',
  'users.created_at',
  'users.version',
] as const;

export function userOut(u: any, roles: string[]) {
  return {
    id: u.id,
    username: u.username,
    displayName: u.display_name,
    email: u.email,
    phone: u.phone,
    status: u.status,
    branchId: u.branch_id,
    departmentId: u.department_id,
    teamId: u.team_id,
    locale: u.locale,
    lockedUntil: u.locked_until && u.locked_until > new Date() ? u.locked_until.toISOString() : null,
    lastLoginAt: u.last_login_at?.toISOString() ?? null,
    createdAt: u.created_at.toISOString(),
    version: u.version,
    roles,
  };
}

async function rolesOf(ctx: AuthedCtx, userIds: number[]) {
  if (userIds.length === 0) return new Map<number, string[]>();
  const rows = await ctx.db
    .selectFrom('user_roles')
    .innerJoin('roles', 'roles.id', 'user_roles.role_id')
    .select(['user_roles.user_id', 'roles.code'])
    .where('user_roles.user_id', 'in', userIds)
    .orderBy('roles.code')
    .execute();
  const m = new Map<number, string[]>();
  for (const r of rows) m.set(r.user_id, [...(m.get(r.user_id) ?? []), r.code]);
  return m;
}

/** Roles may only be handed out by someone who holds every permission in them (no privilege escalation). */
async function resolveRoles(ctx: AuthedCtx, codes: string[]) {
  if (codes.length === 0) return [];
  const roles = await ctx.db
    .selectFrom('roles')
    .select(['id', 'code', 'permissions'])
    .where('code', 'in', codes)
    .execute();
  const missing = codes.filter((c) => !roles.some((r) => r.code === c));
  if (missing.length)
    throw badRequest('ROLE_UNKNOWN', `Unknown role ${missing.join(', ')}`, { roles: 'ROLE_UNKNOWN' });
  for (const r of roles) {
    const beyond = r.permissions.filter((p) => !ctx.actor.permissions.has(p));
    if (beyond.length)
      throw forbidden(`Role ${r.code} carries permissions you do not hold: ${beyond.join(', ')}`);
  }
  return roles;
}

/**
 * Changing a user (edit, disable, re-email, reset the password, unlock, change roles) is only for someone who holds
 * every permission that user holds: otherwise a user administrator could take over or silence a more powerful
 * account. Answers 403 naming what the actor lacks; the caller's transaction then changes nothing.
 */
async function assertCanManage(ctx: AuthedCtx, userId: number) {
  const held = await ctx.db
    .selectFrom('user_roles')
    .innerJoin('roles', 'roles.id', 'user_roles.role_id')
    .select(['roles.code', 'roles.permissions'])
    .where('user_roles.user_id', '=', userId)
    .orderBy('roles.code')
    .execute();
  for (const r of held) {
    const beyond = r.permissions.filter((p) => !ctx.actor.permissions.has(p));
    if (beyond.length)
      throw forbidden(
        `Role ${r.code} carries permissions you do not hold (${beyond.join(', ')}): you cannot change a user who has it`,
      );
  }
}

async function checkPlacement(
  ctx: AuthedCtx,
  branchId: number,
  departmentId: number,
  teamId: number | null | undefined,
) {
  assertInScope(ctx.actor, branchId, 'BRANCH_NOT_FOUND');
  const dept = await ctx.db
    .selectFrom('departments')
    .select(['branch_id'])
    .where('id', '=', departmentId)
    .executeTakeFirst();
  if (!dept || (dept.branch_id != null && dept.branch_id !== branchId)) {
    throw badRequest('DEPARTMENT_INVALID', 'The department does not exist in this branch', {
      departmentId: 'DEPARTMENT_INVALID',
    });
  }
  if (teamId != null) {
    const team = await ctx.db
      .selectFrom('teams')
      .select(['branch_id'])
      .where('id', '=', teamId)
      .executeTakeFirst();
    if (!team || team.branch_id !== branchId)
      throw badRequest('TEAM_INVALID', 'The team is not in this branch', { teamId: 'TEAM_INVALID' });
  }
}

export async function listUsers(
  ctx: AuthedCtx,
  q: {
    q?: string;
    branchId?: number;
    departmentId?: number;
    status?: string;
    role?: string;
    cursor?: string;
    limit: number;
  },
) {
  requirePermission(ctx.actor, 'admin.users');
  let query = scopeToBranch(ctx.db.selectFrom('users').select(userColumns), ctx.actor, 'users.branch_id');
  if (q.q) {
    const like = `%${q.q.replace(/[\\%_]/g, '\\$&')}%`;
    query = query.where((eb) =>
      eb.or([eb('users.username', 'ilike', like), eb('users.display_name', 'ilike', like)]),
    );
  }
  if (q.branchId) query = query.where('users.branch_id', '=', q.branchId);
  if (q.departmentId) query = query.where('users.department_id', '=', q.departmentId);
  if (q.status) query = query.where('users.status', '=', q.status);
  if (q.role) {
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('user_roles')
          .innerJoin('roles', 'roles.id', 'user_roles.role_id')
          .select(sql`1`.as('x'))
          .whereRef('user_roles.user_id', '=', 'users.id')
          .where('roles.code', '=', q.role!),
      ),
    );
  }
  const after = decodeCursor(q.cursor);
  if (after) query = query.where('users.id', '>', Number(after[0]));
  const rows = await query
    .orderBy('users.id')
    .limit(q.limit + 1)
    .execute();
  const more = rows.length > q.limit;
  const items = rows.slice(0, q.limit);
  const roles = await rolesOf(
    ctx,
    items.map((r) => r.id),
  );
  return {
    items: items.map((u) => userOut(u, roles.get(u.id) ?? [])),
    nextCursor: more ? encodeCursor([items[items.length - 1].id]) : null,
  };
}

export async function getUser(ctx: AuthedCtx, id: number) {
  requirePermission(ctx.actor, 'admin.users');
  const u = await scopeToBranch(
    ctx.db.selectFrom('users').select(userColumns).where('users.id', '=', id),
    ctx.actor,
    'users.branch_id',
  ).executeTakeFirst();
  if (!u) throw notFound('USER_NOT_FOUND', 'User not found');
  return userOut(u, (await rolesOf(ctx, [id])).get(id) ?? []);
}

export async function createUser(ctx: AuthedCtx, input: UserInput) {
  requirePermission(ctx.actor, 'admin.users');
  await checkPlacement(ctx, input.branchId, input.departmentId, input.teamId);
  const problem = passwordProblem(input.password);
  if (problem) throw badRequest(problem, 'The password is too weak', { password: problem });
  const roles = await resolveRoles(ctx, input.roles);
  const passwordHash = await hashPassword(input.password);
  const id = await withTx(ctx, async (tx) => {
    const taken = await tx.db
      .selectFrom('users')
      .select('id')
      .where(sql`lower(username)`, '=', input.username.toLowerCase())
      .executeTakeFirst();
    if (taken) throw conflict('USERNAME_TAKEN', 'This username is already taken');
    const row = await tx.db
      .insertInto('users')
      .values({
        username: input.username,
        display_name: input.displayName,
        email: input.email ?? null,
        phone: input.phone ?? null,
        branch_id: input.branchId,
        department_id: input.departmentId,
        team_id: input.teamId ?? null,
        locale: input.locale ?? 'zh-CN',
        password_hash: passwordHash,
      })
      .returning(userColumns)
      .executeTakeFirstOrThrow();
    if (roles.length)
      await tx.db
        .insertInto('user_roles')
        .values(roles.map((r) => ({ user_id: row.id, role_id: r.id })))
        .execute();
    await audit(tx, {
      action: 'user.created',
      entity: 'user',
      entityId: row.id,
      branchId: row.branch_id,
      after: { ...row, roles: input.roles },
    });
    return row.id;
  });
  return getUser(ctx, id);
}

export async function updateUser(
  ctx: AuthedCtx,
  id: number,
  input: Partial<Omit<UserInput, 'password' | 'username'>> & {
    status?: 'active' | 'disabled';
    version: number;
  },
) {
  requirePermission(ctx.actor, 'admin.users');
  const roles = input.roles ? await resolveRoles(ctx, input.roles) : undefined;
  await withTx(ctx, async (tx) => {
    let beforeRoles: string[] = [];
    await updateVersioned(tx, {
      table: 'users',
      id,
      version: input.version,
      columns: userColumns,
      branchScope: { actor: ctx.actor, column: 'users.branch_id' },
      notFound: ['USER_NOT_FOUND', 'User not found'],
      conflict: { message: 'Someone else changed this user; reload and try again' },
      patch: async (before) => {
        if (id === ctx.actor.id && input.status === 'disabled')
          throw badRequest('CANNOT_DISABLE_SELF', 'You cannot disable your own account');
        // An account manager who still owns customers is handed over first (modules/handover), so no one is orphaned.
        if (input.status === 'disabled' && before.status !== 'disabled') {
          const owned = await tx.db
            .selectFrom('customers')
            .select(sql<number>`count(*)::int`.as('n'))
            .where('owner_id', '=', id)
            .where('status', '!=', 'merged')
            .executeTakeFirstOrThrow();
          if (owned.n > 0)
            throw conflict('OWNER_HAS_CUSTOMERS', `Still owns ${owned.n} customers: hand them over first`, {
              count: owned.n,
            });
        }
        const branchId = input.branchId ?? before.branch_id;
        if (input.branchId !== undefined || input.departmentId !== undefined || input.teamId !== undefined) {
          await checkPlacement(
            { ...ctx, db: tx.db },
            branchId,
            input.departmentId ?? before.department_id,
            input.teamId === undefined ? before.team_id : input.teamId,
          );
        }
        beforeRoles = (await rolesOf({ ...ctx, db: tx.db }, [id])).get(id) ?? [];
        return {
          ...(input.displayName !== undefined && { display_name: input.displayName }),
          ...(input.email !== undefined && { email: input.email }),
          ...(input.phone !== undefined && { phone: input.phone }),
          ...(input.branchId !== undefined && { branch_id: input.branchId }),
          ...(input.departmentId !== undefined && { department_id: input.departmentId }),
          ...(input.teamId !== undefined && { team_id: input.teamId }),
          ...(input.locale !== undefined && { locale: input.locale }),
          ...(input.status !== undefined && { status: input.status }),
        };
      },
      audit: {
        action: 'user.updated',
        entity: 'user',
        branchId: (_before, after) => after.branch_id,
        record: (before, after) =>
          diff({ ...before, roles: beforeRoles }, { ...after, roles: input.roles ?? beforeRoles }),
      },
    });
    // Only over a user with no more power than oneself (their roles as they were: user_roles is not changed yet).
    // A refusal here undoes the update above (and its audit row) with the rest of the transaction.
    await assertCanManage({ ...ctx, db: tx.db }, id);
    if (roles) {
      // Taking away a role the actor could not grant is as much an escalation as granting it.
      const removed = beforeRoles.filter((c) => !input.roles!.includes(c));
      if (removed.length) await resolveRoles({ ...ctx, db: tx.db }, removed);
      await tx.db.deleteFrom('user_roles').where('user_id', '=', id).execute();
      if (roles.length)
        await tx.db
          .insertInto('user_roles')
          .values(roles.map((r) => ({ user_id: id, role_id: r.id })))
          .execute();
    }
    if (input.status === 'disabled') await endUserSessions(tx.db, id);
  });
  return getUser(ctx, id);
}

export async function resetPassword(ctx: AuthedCtx, id: number, password: string) {
  requirePermission(ctx.actor, 'admin.users');
  const problem = passwordProblem(password);
  if (problem) throw badRequest(problem, 'The password is too weak', { password: problem });
  const passwordHash = await hashPassword(password);
  await withTx(ctx, async (tx) => {
    const u = await scopeToBranch(
      tx.db.selectFrom('users').select(['users.id', 'users.branch_id']).where('users.id', '=', id),
      ctx.actor,
      'users.branch_id',
    )
      .forUpdate()
      .executeTakeFirst();
    if (!u) throw notFound('USER_NOT_FOUND', 'User not found');
    // Setting someone's password is taking over their account: only over users with no more power than oneself.
    await assertCanManage({ ...ctx, db: tx.db }, id);
    await tx.db
      .updateTable('users')
      .set({
        password_hash: passwordHash,
        password_changed_at: sql`now()`,
        failed_attempts: 0,
        locked_until: null,
        updated_at: sql`now()`,
      })
      .where('id', '=', id)
      .execute();
    await endUserSessions(tx.db, id);
    await audit(tx, { action: 'user.password_reset', entity: 'user', entityId: id, branchId: u.branch_id });
  });
}

export async function unlockUser(ctx: AuthedCtx, id: number) {
  requirePermission(ctx.actor, 'admin.users');
  await withTx(ctx, async (tx) => {
    const u = await scopeToBranch(
      tx.db
        .selectFrom('users')
        .select(['users.id', 'users.branch_id', 'users.locked_until'])
        .where('users.id', '=', id),
      ctx.actor,
      'users.branch_id',
    )
      .forUpdate()
      .executeTakeFirst();
    if (!u) throw notFound('USER_NOT_FOUND', 'User not found');
    await assertCanManage({ ...ctx, db: tx.db }, id);
    await tx.db
      .updateTable('users')
      .set({ failed_attempts: 0, locked_until: null })
      .where('id', '=', id)
      .execute();
    await audit(tx, {
      action: 'user.unlocked',
      entity: 'user',
      entityId: id,
      branchId: u.branch_id,
      before: { lockedUntil: u.locked_until },
    });
  });
  return getUser(ctx, id);
}

/** The staff a user may pick as assignee or owner: active users of the caller's scope, light fields only. */
export async function userOptions(
  ctx: AuthedCtx,
  q: { q?: string; branchId?: number; departmentId?: number; limit: number },
) {
  let query = scopeToBranch(
    ctx.db
      .selectFrom('users')
      .select([
        'users.id',
        'users.username',
        'users.display_name',
        'users.branch_id',
        'users.department_id',
        'users.team_id',
      ])
      .where('users.status', '=', 'active'),
    ctx.actor,
    'users.branch_id',
  );
  if (q.q) {
    const like = `%${q.q.replace(/[\\%_]/g, '\\$&')}%`;
    query = query.where((eb) =>
      eb.or([eb('users.username', 'ilike', like), eb('users.display_name', 'ilike', like)]),
    );
  }
  if (q.branchId) query = query.where('users.branch_id', '=', q.branchId);
  if (q.departmentId) query = query.where('users.department_id', '=', q.departmentId);
  const rows = await query.orderBy('users.display_name').limit(q.limit).execute();
  return rows.map((u) => ({
    id: u.id,
    username: u.username,
    displayName: u.display_name,
    branchId: u.branch_id,
    departmentId: u.department_id,
    teamId: u.team_id,
  }));
}

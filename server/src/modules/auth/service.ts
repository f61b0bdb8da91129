// Signing in and out: lockout after repeated failures, every attempt that matters written to the audit log.
import { sql } from 'kysely';
import type { Database } from '../../db/index.ts';
import { audit } from '../../platform/audit.ts';
import {
  createSession,
  dummyPasswordHash,
  hashPassword,
  passwordProblem,
  tokenId,
  verifyPassword,
} from '../../platform/auth.ts';
import type { AuthedCtx, Ctx } from '../../platform/context.ts';
import { withTx } from '../../platform/context.ts';
import { AppError, badRequest } from '../../platform/errors.ts';

export const MAX_FAILED_ATTEMPTS = 5;
export const LOCK_MINUTES = 15;

const invalid = () => new AppError('INVALID_CREDENTIALS', 401, 'Wrong username or password');

export async function signIn(ctx: Ctx, input: { username: string; password: string }, sessionHours: number) {
  const db = ctx.db as Database;
  const user = await db
    .selectFrom('users')
    .select(['id', 'username', 'password_hash', 'status', 'locked_until', 'branch_id'])
    .where(sql`lower(username)`, '=', input.username.trim().toLowerCase())
    .executeTakeFirst();
  if (!user) {
    await verifyPassword(await dummyPasswordHash(), input.password);
    await audit(ctx, {
      action: 'auth.login_failed',
      entity: 'user',
      meta: { username: input.username, reason: 'unknown_user' },
    });
    throw invalid();
  }
  const actorLike = { ...ctx, actor: null };
  if (user.locked_until && user.locked_until.getTime() > Date.now()) {
    await audit(actorLike, {
      action: 'auth.login_refused_locked',
      entity: 'user',
      entityId: user.id,
      branchId: user.branch_id,
      meta: { username: user.username, lockedUntil: user.locked_until },
    });
    throw new AppError('ACCOUNT_LOCKED', 423, 'Account locked after repeated failed sign-ins', undefined, {
      lockedUntil: user.locked_until.toISOString(),
    });
  }
  if (user.status !== 'active') {
    await audit(actorLike, {
      action: 'auth.login_failed',
      entity: 'user',
      entityId: user.id,
      branchId: user.branch_id,
      meta: { reason: 'disabled' },
    });
    throw new AppError('ACCOUNT_DISABLED', 403, 'This account is disabled');
  }
  if (!(await verifyPassword(user.password_hash, input.password))) {
    const lockedUntil = await withTx(ctx, async (tx) => {
      const row = await tx.db
        .updateTable('users')
        .set({ failed_attempts: sql`failed_attempts + 1` })
        .where('id', '=', user.id)
        .returning(['failed_attempts'])
        .executeTakeFirstOrThrow();
      await audit(tx, {
        action: 'auth.login_failed',
        entity: 'user',
        entityId: user.id,
        branchId: user.branch_id,
        meta: { username: user.username, reason: 'wrong_password', attempt: row.failed_attempts },
      });
      if (row.failed_attempts < MAX_FAILED_ATTEMPTS) return null;
      const until = new Date(Date.now() + LOCK_MINUTES * 60_000);
      await tx.db
        .updateTable('users')
        .set({ locked_until: until, failed_attempts: 0 })
        .where('id', '=', user.id)
        .execute();
      await audit(tx, {
        action: 'auth.account_locked',
        entity: 'user',
        entityId: user.id,
        branchId: user.branch_id,
        meta: { username: user.username, lockedUntil: until, minutes: LOCK_MINUTES },
      });
      return until;
    });
    if (lockedUntil) {
      throw new AppError('ACCOUNT_LOCKED', 423, 'Account locked after repeated failed sign-ins', undefined, {
        lockedUntil: lockedUntil.toISOString(),
      });
    }
    throw invalid();
  }
  return withTx(ctx, async (tx) => {
    await tx.db
      .updateTable('users')
      .set({ failed_attempts: 0, locked_until: null, last_login_at: sql`now()` })
      .where('id', '=', user.id)
      .execute();
    const session = await createSession(tx.db as unknown as Database, user.id, sessionHours, {
      ip: ctx.ip,
      userAgent: ctx.userAgent ?? null,
    });
    await audit(
      { ...tx, actor: null },
      {
        action: 'auth.login',
        entity: 'user',
        entityId: user.id,
        branchId: user.branch_id,
        meta: { username: user.username },
      },
    );
    return session;
  });
}

export async function changeOwnPassword(
  ctx: AuthedCtx,
  input: { currentPassword: string; newPassword: string },
  keepSessionId: string,
) {
  const db = ctx.db as Database;
  const user = await db
    .selectFrom('users')
    .select(['password_hash', 'branch_id'])
    .where('id', '=', ctx.actor.id)
    .executeTakeFirstOrThrow();
  if (!(await verifyPassword(user.password_hash, input.currentPassword))) {
    throw badRequest('PASSWORD_WRONG', 'The current password is wrong', {
      currentPassword: 'PASSWORD_WRONG',
    });
  }
  const problem = passwordProblem(input.newPassword);
  if (problem) throw badRequest(problem, 'The new password is too weak', { newPassword: problem });
  const passwordHash = await hashPassword(input.newPassword);
  await withTx(ctx, async (tx) => {
    await tx.db
      .updateTable('users')
      .set({ password_hash: passwordHash, password_changed_at: sql`now()`, updated_at: sql`now()` })
      .where('id', '=', ctx.actor.id)
      .execute();
    // Other sign-ins of this user end: a changed password must lock out whoever knew the old one.
    await tx.db
      .deleteFrom('sessions')
      .where('user_id', '=', ctx.actor.id)
      .where('id', '!=', keepSessionId)
      .execute();
    await audit(tx, {
      action: 'user.password_changed',
      entity: 'user',
      entityId: ctx.actor.id,
      branchId: user.branch_id,
    });
  });
}

export async function updateOwnProfile(
  ctx: AuthedCtx,
  input: { locale?: string; displayName?: string; email?: string | null; phone?: string | null },
) {
  await withTx(ctx, async (tx) => {
    const before = await tx.db
      .selectFrom('users')
      .select(['locale', 'display_name', 'email', 'phone', 'branch_id'])
      .where('id', '=', ctx.actor.id)
      .executeTakeFirstOrThrow();
    const set = {
      ...(input.locale !== undefined && { locale: input.locale }),
      ...(input.displayName !== undefined && { display_name: input.displayName }),
      ...(input.email !== undefined && { email: input.email }),
      ...(input.phone !== undefined && { phone: input.phone }),
    };
    if (Object.keys(set).length === 0) return;
    const after = await tx.db
      .updateTable('users')
      .set({ ...set, updated_at: sql`now()` })
      .where('id', '=', ctx.actor.id)
      .returning(['locale', 'display_name', 'email', 'phone'])
      .executeTakeFirstOrThrow();
    await audit(tx, {
      action: 'user.profile_updated',
      entity: 'user',
      entityId: ctx.actor.id,
      branchId: before.branch_id,
      before,
      after,
    });
  });
}

/** Ends the session of a token; a session that existed leaves an audit row, like signing in does. */
export async function signOut(ctx: Ctx, token: string) {
  await withTx(ctx, async (tx) => {
    const s = await tx.db
      .deleteFrom('sessions')
      .where('id', '=', tokenId(token))
      .returning('user_id')
      .executeTakeFirst();
    if (!s) return;
    const user = await tx.db
      .selectFrom('users')
      .select(['id', 'username', 'branch_id'])
      .where('id', '=', s.user_id)
      .executeTakeFirst();
    await audit(tx, {
      action: 'auth.logout',
      entity: 'user',
      entityId: s.user_id,
      branchId: user?.branch_id ?? null,
      meta: { username: user?.username },
    });
  });
}

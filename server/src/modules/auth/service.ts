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
import {
  lockAccount,
  markSignedIn,
  setFailedSignIns,
  setOwnPasswordHash,
  updateOwnProfileRow,
} from '../users/index.ts';

export const MAX_FAILED_ATTEMPTS = 5;
export const LOCK_MINUTES = 15;

const invalid = () => new AppError('INVALID_CREDENTIALS', 401, 'Wrong username or password');
const locked = (until: Date) =>
  new AppError('ACCOUNT_LOCKED', 423, 'Account locked after repeated failed sign-ins', undefined, {
    lockedUntil: until.toISOString(),
  });

/**
 * Signs in. The password is verified before anything about the account is told: an unknown name, a disabled
 * account, a locked account and a wrong password all answer the same 401 until the password is right. Only then
 * does a lock (423) or a disabled account (403) show. Failures are counted under a row lock on the user, so
 * parallel guesses are counted one after another: the 5th locks the account (once), the ones after it are
 * refused, and a right password that reaches the row after the lock is refused too.
 */
export async function signIn(ctx: Ctx, input: { username: string; password: string }, sessionHours: number) {
  const db = ctx.db as Database;
  const user = await db
    .selectFrom('users')
    .select(['id', 'username', 'password_hash', 'branch_id'])
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
  const passwordOk = await verifyPassword(user.password_hash, input.password);
  const actorLike = { ...ctx, actor: null };
  // The outcome is decided with the user's row locked; the audit rows commit, then the refusal is thrown.
  const outcome = await withTx(actorLike, async (tx) => {
    const row = await tx.db
      .selectFrom('users')
      .select(['status', 'locked_until', 'failed_attempts'])
      .where('id', '=', user.id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const isLocked = row.locked_until !== null && row.locked_until.getTime() > Date.now();
    const base = { entity: 'user', entityId: user.id, branchId: user.branch_id } as const;
    if (isLocked) {
      await audit(tx, {
        ...base,
        action: 'auth.login_refused_locked',
        meta: { username: user.username, lockedUntil: row.locked_until, passwordOk },
      });
      return passwordOk ? locked(row.locked_until!) : invalid();
    }
    if (!passwordOk) {
      const attempt = row.failed_attempts + 1;
      await audit(tx, {
        ...base,
        action: 'auth.login_failed',
        meta: { username: user.username, reason: 'wrong_password', attempt },
      });
      if (attempt < MAX_FAILED_ATTEMPTS) {
        await setFailedSignIns(tx, user.id, attempt);
        return invalid();
      }
      const until = new Date(Date.now() + LOCK_MINUTES * 60_000);
      await lockAccount(tx, user.id, until);
      await audit(tx, {
        ...base,
        action: 'auth.account_locked',
        meta: { username: user.username, lockedUntil: until, minutes: LOCK_MINUTES },
      });
      // Told as a wrong password: the lock shows only to someone who knows the password.
      return invalid();
    }
    if (row.status !== 'active') {
      await audit(tx, {
        ...base,
        action: 'auth.login_failed',
        meta: { username: user.username, reason: 'disabled' },
      });
      return new AppError('ACCOUNT_DISABLED', 403, 'This account is disabled');
    }
    await markSignedIn(tx, user.id);
    const session = await createSession(tx.db as unknown as Database, user.id, sessionHours, {
      ip: ctx.ip,
      userAgent: ctx.userAgent ?? null,
    });
    await audit(tx, { ...base, action: 'auth.login', meta: { username: user.username } });
    return session;
  });
  if (outcome instanceof AppError) throw outcome;
  return outcome;
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
    await setOwnPasswordHash(tx, ctx.actor.id, passwordHash);
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
    const after = await updateOwnProfileRow(tx, ctx.actor.id, set);
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

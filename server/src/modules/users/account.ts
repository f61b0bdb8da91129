// The account row's sign-in state, password and own profile: the users module's writes for the auth module (sign-in,
// "my account"), each in the caller's transaction. The rules (lockout, password strength, sessions) stay with auth.
import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';

type Db = Pick<Ctx, 'db'>;

/** A wrong password: the count of failures in a row so far. */
export async function setFailedSignIns(ctx: Db, userId: number, attempts: number) {
  await ctx.db.updateTable('users').set({ failed_attempts: attempts }).where('id', '=', userId).execute();
}

/** Too many wrong passwords: locked until `until`, the count starting again. */
export async function lockAccount(ctx: Db, userId: number, until: Date) {
  await ctx.db
    .updateTable('users')
    .set({ locked_until: until, failed_attempts: 0 })
    .where('id', '=', userId)
    .execute();
}

/** A successful sign-in: failures and lock cleared, the time kept. */
export async function markSignedIn(ctx: Db, userId: number) {
  await ctx.db
    .updateTable('users')
    .set({ failed_attempts: 0, locked_until: null, last_login_at: sql`now()` })
    .where('id', '=', userId)
    .execute();
}

/** The user's own new password (already hashed and checked by the caller). */
export async function setOwnPasswordHash(ctx: Db, userId: number, passwordHash: string) {
  await ctx.db
    .updateTable('users')
    .set({ password_hash: passwordHash, password_changed_at: sql`now()`, updated_at: sql`now()` })
    .where('id', '=', userId)
    .execute();
}

/** The user's own profile fields; returns them as they are now. */
export async function updateOwnProfileRow(
  ctx: Db,
  userId: number,
  set: { locale?: string; display_name?: string; email?: string | null; phone?: string | null },
) {
  return ctx.db
    .updateTable('users')
    .set({ ...set, updated_at: sql`now()` })
    .where('id', '=', userId)
    .returning(['locale', 'display_name', 'email', 'phone'])
    .executeTakeFirstOrThrow();
}

// Passwords (argon2id), sessions (opaque cookie token, stored hashed), and loading the acting user with permissions.
import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { sql } from 'kysely';
import type { Database } from '../db/index.ts';
import type { Actor } from './permissions.ts';

// argon2id; 19 MiB, 2 passes: the OWASP baseline, ~30 ms here.
const ARGON = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string) => hash(password, ARGON);
export const verifyPassword = async (passwordHash: string, password: string) => {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
};

/** A hash of a password no one knows, so a login for an unknown user costs the same time as for a known one. */
let dummyHash: Promise<string> | undefined;
export const dummyPasswordHash = () => {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  return dummyHash;
};

export const PASSWORD_RULE = 'at least 8 characters, with letters and digits';
export function passwordProblem(pw: string): string | undefined {
  if (pw.length < 8) return 'PASSWORD_TOO_SHORT';
  if (!/[A-Za-z]/.test(pw) || !/\d/.test(pw)) return 'PASSWORD_TOO_WEAK';
  return undefined;
}

export const SESSION_COOKIE = 'kefu_session';
export const tokenId = (token: string) => createHash('sha256').update(token).digest('hex');

export async function createSession(
  db: Database,
  userId: number,
  hours: number,
  meta: { ip: string | null; userAgent: string | null },
) {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + hours * 3600_000);
  await db
    .insertInto('sessions')
    .values({
      id: tokenId(token),
      user_id: userId,
      expires_at: expiresAt,
      ip: meta.ip,
      user_agent: meta.userAgent,
    })
    .execute();
  return { token, expiresAt };
}

export async function deleteSession(db: Database, token: string) {
  await db.deleteFrom('sessions').where('id', '=', tokenId(token)).execute();
}

/** Ends every session of a user (disabled, or the password reset), in the caller's transaction. */
export async function endUserSessions(db: Database, userId: number) {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}

/**
 * Finds the live session of a token and loads the acting user with their roles in ONE query (it runs on every
 * request), then slides the session's expiry at most once a minute.
 */
export async function actorFromSession(db: Database, token: string, hours: number): Promise<Actor | null> {
  const id = tokenId(token);
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.last_seen_at',
      'users.id',
      'users.username',
      'users.display_name',
      'users.branch_id',
      'users.department_id',
      'users.team_id',
      'users.locale',
    ])
    .select(
      sql<{ code: string; permissions: string[] }[]>`coalesce((
        select json_agg(json_build_object('code', r.code, 'permissions', r.permissions) order by r.code)
        from user_roles ur join roles r on r.id = ur.role_id where ur.user_id = users.id), '[]'::json)`.as(
        'roles',
      ),
    )
    .where('sessions.id', '=', id)
    .where('sessions.expires_at', '>', sql<Date>`now()`)
    .where('users.status', '=', 'active')
    .executeTakeFirst();
  if (!row) return null;
  if (Date.now() - row.last_seen_at.getTime() > 60_000) {
    await db
      .updateTable('sessions')
      .set({ last_seen_at: sql`now()`, expires_at: sql`now() + make_interval(secs => ${hours * 3600})` })
      .where('id', '=', id)
      .execute();
  }
  return toActor(row, row.roles);
}

function toActor(
  user: {
    id: number;
    username: string;
    display_name: string;
    branch_id: number;
    department_id: number;
    team_id: number | null;
    locale: string;
  },
  roles: { code: string; permissions: string[] }[],
): Actor {
  return {
    id: user.id,
    username: user.username,
    displayName: user.display_name,
    branchId: user.branch_id,
    departmentId: user.department_id,
    teamId: user.team_id,
    locale: user.locale,
    roles: roles.map((r) => r.code),
    permissions: new Set(roles.flatMap((r) => r.permissions)),
  };
}

export async function loadActor(db: Database, userId: number): Promise<Actor | null> {
  const user = await db
    .selectFrom('users')
    .select(['id', 'username', 'display_name', 'branch_id', 'department_id', 'team_id', 'locale', 'status'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user || user.status !== 'active') return null;
  const roles = await db
    .selectFrom('user_roles')
    .innerJoin('roles', 'roles.id', 'user_roles.role_id')
    .select(['roles.code', 'roles.permissions'])
    .where('user_roles.user_id', '=', userId)
    .execute();
  return toActor(user, roles);
}

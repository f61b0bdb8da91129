// Small helpers for building requests in tests: ids of demo records, unique names, extra users and roles.
import { sql } from 'kysely';
import type { TestApp } from './app.ts';

let counter = 0;
/** A name no other call returns: lower-case letters and digits after the prefix (fits role codes, usernames). */
export const uniq = (prefix: string) => `${prefix}${Date.now().toString(36)}${(++counter).toString(36)}`;

export const branchId = async (t: TestApp, code: string) =>
  (await t.db.selectFrom('branches').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;

export const departmentId = async (t: TestApp, code: string) =>
  (await t.db.selectFrom('departments').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;

export const userId = async (t: TestApp, username: string) =>
  (await t.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;

/** The first team of a branch (the demo has one per branch outside HQ). */
export const teamOf = async (t: TestApp, branchCode: string) =>
  (
    await t.db
      .selectFrom('teams')
      .innerJoin('branches', 'branches.id', 'teams.branch_id')
      .select('teams.id')
      .where('branches.code', '=', branchCode)
      .orderBy('teams.id')
      .executeTakeFirstOrThrow()
  ).id;

/** A role with these permissions, created directly in the database if missing; returns its id. */
export async function ensureRole(t: TestApp, code: string, permissions: string[] = []) {
  const row = await t.db
    .insertInto('roles')
    .values({ code, name: code, permissions })
    .onConflict((oc) => oc.column('code').doUpdateSet({ permissions }))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * A user (password = the demo password) in a branch with the given roles, created directly in the database if
 * missing; returns its id. Existing users are left as they are. Safe to call concurrently.
 */
export async function ensureUser(
  t: TestApp,
  username: string,
  opts: { branch?: string; department?: string; roles?: string[] } = {},
) {
  const find = () =>
    t.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
  const found = await find();
  if (found) return found.id;
  const model = await t.db
    .selectFrom('users')
    .select('password_hash')
    .where('username', '=', 'viewer')
    .executeTakeFirstOrThrow();
  const values = {
    username,
    display_name: username,
    branch_id: await branchId(t, opts.branch ?? 'BJ01'),
    department_id: await departmentId(t, opts.department ?? 'CS'),
    password_hash: model.password_hash,
  };
  // One transaction: a concurrent call waits on the unique username and then finds the user with its roles.
  const id = await t.db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('users')
      .values(values)
      .onConflict((oc) => oc.expression(sql`lower(username)`).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!row) return null;
    for (const code of opts.roles ?? [])
      await tx
        .insertInto('user_roles')
        .columns(['user_id', 'role_id'])
        .expression((eb) =>
          eb
            .selectFrom('roles')
            .select([sql.lit(row.id).as('user_id'), 'id'])
            .where('code', '=', code),
        )
        .execute();
    return row.id;
  });
  return id ?? (await find())!.id;
}

/** A checksum of a table's full contents (row count and an md5 of every row), to prove nothing changed. */
export async function tableChecksum(t: TestApp, table: string): Promise<string> {
  const r = await sql<{ c: string }>`
    select count(*)::text || ':' || coalesce(md5(string_agg(x::text, '|' order by x::text)), '') as c
    from ${sql.table(table)} x`.execute(t.db);
  return r.rows[0].c;
}

// Who Kefu connects to its database as. The OWNER (the embedded cluster's superuser, or DATABASE_URL's user) runs
// the migrations, backup and restore, and owns every table. The APP role — the connection every request and job
// uses — owns nothing: it may read and write rows, but has no UPDATE, DELETE or TRUNCATE on the records the schema
// declares immutable (audit_log, suitability assessments and offers, …), and, owning no table, cannot ALTER a table
// or its triggers (so cannot `ALTER TABLE … DISABLE TRIGGER`). See docs/SECURITY.md, "The database enforces it".
import { sql } from 'kysely';
import pg from 'pg';
import type { Database } from './index.ts';

/** The app role of the embedded database (its password is kept in `<data>/pg-app-password`). */
export const EMBEDDED_APP_ROLE = 'kefu_app';

/** Schemas whose tables the app works with: Kefu's and the job queue's. */
const SCHEMAS = ['public', 'graphile_worker'];
/** Kysely's bookkeeping: only the owner touches it. */
const OWNER_ONLY = ['kysely_migration', 'kysely_migration_lock'];

const qi = (s: string) => `"${s.replace(/"/g, '""')}"`;
const ql = (s: string) => `'${s.replace(/'/g, "''")}'`;

export type RefusedOp = 'UPDATE' | 'DELETE' | 'TRUNCATE';

/**
 * Tables the schema declares immutable, found from the catalogue: a BEFORE trigger without a WHEN condition or a
 * column list that runs a refusing function (`refuse_change`, `audit_log_refuse_change`, any `…refuse…`) makes the
 * operations it fires on forbidden. The app role is given none of those privileges, so the rule holds even for a
 * connection that could otherwise switch the trigger off.
 */
export async function immutableTables(db: Database): Promise<{ table: string; refused: RefusedOp[] }[]> {
  const r = await sql<{ table: string; upd: boolean; del: boolean; trunc: boolean }>`
    select c.relname as table,
           bool_or(t.tgtype & 16 <> 0) as upd, bool_or(t.tgtype & 8 <> 0) as del, bool_or(t.tgtype & 32 <> 0) as trunc
      from pg_trigger t
      join pg_class c on c.oid = t.tgrelid
      join pg_namespace n on n.oid = c.relnamespace
      join pg_proc p on p.oid = t.tgfoid
     where n.nspname = 'public' and not t.tgisinternal
       and t.tgtype & 2 <> 0 and t.tgqual is null and cardinality(t.tgattr::int2[]) = 0
       and p.proname like '%refuse%'
     group by c.relname
     order by c.relname`.execute(db);
  return r.rows.map((x) => ({
    table: x.table,
    refused: [
      ...(x.upd ? (['UPDATE'] as const) : []),
      ...(x.del ? (['DELETE'] as const) : []),
      ...(x.trunc ? (['TRUNCATE'] as const) : []),
    ],
  }));
}

/**
 * Gives the app role what it needs and nothing more, as the owner, after the migrations (at every start, so a
 * table a later migration makes immutable loses its privileges too). Default privileges make the tables and
 * sequences the owner creates later readable and writable by the app role. One transaction, serialised with an
 * advisory lock so processes starting together do not collide.
 */
export async function grantAppRole(db: Database, role: string) {
  const r = qi(role);
  await db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(hashtext('kefu:grant_app_role'))`.execute(tx);
    const exec = (text: string) => sql.raw(text).execute(tx);
    const present = (
      await sql<{
        nspname: string;
      }>`select nspname from pg_namespace where nspname = any(${SCHEMAS})`.execute(tx)
    ).rows.map((x) => x.nspname);
    const connect = await sql<{ ok: boolean }>`
      select has_database_privilege(${role}, current_database(), 'CONNECT') as ok`.execute(tx);
    if (!connect.rows[0]?.ok)
      await exec(`grant connect on database ${qi(await currentDatabase(tx))} to ${r}`);
    for (const s of present) {
      const n = qi(s);
      await exec(`grant usage on schema ${n} to ${r}`);
      await exec(`revoke create on schema ${n} from ${r}`);
      await exec(`grant select, insert, update, delete on all tables in schema ${n} to ${r}`);
      await exec(`revoke truncate, references, trigger on all tables in schema ${n} from ${r}`);
      await exec(`grant usage, select on all sequences in schema ${n} to ${r}`);
      await exec(`grant execute on all functions in schema ${n} to ${r}`);
      await exec(
        `alter default privileges in schema ${n} grant select, insert, update, delete on tables to ${r}`,
      );
      await exec(`alter default privileges in schema ${n} grant usage, select on sequences to ${r}`);
      await exec(`alter default privileges in schema ${n} grant execute on functions to ${r}`);
    }
    // The job queue keeps its tables behind row-level security with no policy (only their owner sees rows); the
    // app enqueues and runs jobs, so it gets a policy of its own on each of them.
    const rls = await sql<{ schema: string; table: string }>`
      select n.nspname as schema, c.relname as table
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'graphile_worker' and c.relkind in ('r', 'p') and c.relrowsecurity
         and not exists (select 1 from pg_policy p where p.polrelid = c.oid and p.polname = ${`${role}_all`})`.execute(
      tx,
    );
    for (const t of rls.rows)
      await exec(
        `create policy ${qi(`${role}_all`)} on ${qi(t.schema)}.${qi(t.table)} for all to ${r} using (true) with check (true)`,
      );
    for (const t of OWNER_ONLY)
      if (
        (await sql<{ ok: boolean }>`select to_regclass(${`public.${t}`}) is not null as ok`.execute(tx))
          .rows[0].ok
      )
        await exec(`revoke all on table public.${qi(t)} from ${r}`);
    for (const t of await immutableTables(tx as unknown as Database))
      await exec(`revoke ${t.refused.join(', ')} on table public.${qi(t.table)} from ${r}`);
  });
}

async function currentDatabase(db: { executeQuery: Database['executeQuery'] } | Database) {
  const r = await sql<{ d: string }>`select current_database() as d`.execute(db as Database);
  return r.rows[0].d;
}

/**
 * Creates the app role when it is missing (LOGIN, no other attribute), or checks the existing one: never a
 * superuser, never a member of the owner. `password` (when given) is set on a role created here, and — with
 * `resetPassword` (the embedded database, whose password file is the truth) — on an existing one.
 */
export async function ensureAppRole(
  owner: pg.ClientBase,
  role: string,
  opts: { password?: string; resetPassword?: boolean } = {},
) {
  const me = (
    await owner.query<{ name: string; super: boolean; createrole: boolean }>(
      'select current_user as name, rolsuper as super, rolcreaterole as createrole from pg_roles where rolname = current_user',
    )
  ).rows[0];
  if (me.name === role)
    throw new Error(`The app role ${role} is the owner itself; give the app its own role.`);
  const found = await owner.query<{ super: boolean }>(
    'select rolsuper as super from pg_roles where rolname = $1',
    [role],
  );
  if (!found.rowCount) {
    if (!me.super && !me.createrole)
      throw new Error(
        `The database role ${role} (the app's connection, KEFU_APP_DATABASE_URL) does not exist, and ${me.name} may ` +
          `not create roles. Create it once as a superuser: create role ${role} login password '…'; then start ` +
          'Kefu again (it grants the role what it needs).',
      );
    const pw = opts.password ? ` password ${ql(opts.password)}` : '';
    try {
      await owner.query(
        `create role ${qi(role)} login nosuperuser nocreatedb nocreaterole noreplication${pw}`,
      );
    } catch (e) {
      // Another process created it at the same moment.
      if (!['42710', '23505'].includes((e as { code?: string }).code ?? '')) throw e;
    }
  } else {
    if (found.rows[0].super)
      throw new Error(
        `The database role ${role} (the app's connection) is a superuser; it must be an ordinary role.`,
      );
    if (opts.password && opts.resetPassword)
      await owner.query(`alter role ${qi(role)} with login password ${ql(opts.password)}`);
  }
  const member = await owner.query<{ m: boolean }>(`select pg_has_role($1, current_user, 'MEMBER') as m`, [
    role,
  ]);
  if (member.rows[0].m)
    throw new Error(
      `The database role ${role} (the app's connection) is a member of ${me.name}, the owner of Kefu's tables, so it ` +
        `could alter them: revoke ${me.name} from ${role}.`,
    );
}

/** The tables and sequences (of the given schemas) the role owns: the app role must own none. */
export async function ownedBy(client: pg.ClientBase, role: string): Promise<string[]> {
  const r = await client.query<{ name: string }>(
    `select n.nspname || '.' || c.relname as name
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relowner = (select oid from pg_roles where rolname = $1) and n.nspname = any($2)
      order by 1`,
    [role, SCHEMAS],
  );
  return r.rows.map((x) => x.name);
}

/**
 * What is wrong with the connection the app runs on, for a warning at start: a superuser (which can switch any
 * trigger off and read any file the server can), or the owner of Kefu's tables (which can disable the audit log's
 * trigger). Empty when the app runs least-privileged.
 */
export async function appConnectionWarnings(db: Database): Promise<string[]> {
  const r = await sql<{ name: string; super: boolean; owns: number }>`
    select current_user as name, r.rolsuper as super,
           (select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
             where c.relowner = r.oid and n.nspname = 'public') as owns
      from pg_roles r where r.rolname = current_user`.execute(db);
  const me = r.rows[0];
  const out: string[] = [];
  if (me?.super)
    out.push(
      `Kefu's app connection runs as the PostgreSQL superuser ${me.name}: it can switch off the audit log's ` +
        'append-only trigger. Give it a least-privileged role (KEFU_APP_DATABASE_URL, docs/operations.md).',
    );
  else if (me?.owns)
    out.push(
      `Kefu's app connection runs as ${me.name}, the owner of ${me.owns} of Kefu's tables: it can alter them and ` +
        'switch off the audit log trigger. Give it a role that owns nothing (KEFU_APP_DATABASE_URL, docs/operations.md).',
    );
  return out;
}

/** The URL with another user and password (same server and database). */
export function withCredentials(url: string, user: string, password?: string) {
  const u = new URL(url);
  u.username = encodeURIComponent(user);
  u.password = password ? encodeURIComponent(password) : '';
  return u.toString();
}

export const urlUser = (url: string) => decodeURIComponent(new URL(url).username);

/** A short-lived client on the URL, for role checks. */
export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => {});
  }
}

// The permission table, enforced: every registered route has exactly one row saying who may call it, and every
// row is tried as each of the 8 built-in roles — an allowed role is let through, a denied one gets 403 FORBIDDEN
// and, for a write, leaves the database exactly as it was. Rows live in modules/<x>/permission-cases.ts.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './app.ts';
import { tableChecksum } from './fixtures.ts';
import {
  BUILTIN_ROLE_USERS,
  type Caller,
  type CaseRequest,
  cases,
  type RoleCode,
  type RouteCase,
  sendCase,
} from './permission-cases.ts';
import { listRoutes, type RegisteredRoute } from './routes.ts';

let t: TestApp;
let routes: RegisteredRoute[];
let tables: Set<string>;

beforeAll(async () => {
  t = await createTestApp();
  routes = listRoutes(t.app);
  tables = new Set(
    (
      await sql<{ n: string }>`select tablename as n from pg_tables where schemaname = 'public'`.execute(t.db)
    ).rows.map((r) => r.n),
  );
  for (const u of Object.values(BUILTIN_ROLE_USERS)) await t.login(u);
});
afterAll(async () => t?.close());

const ROLES = Object.keys(BUILTIN_ROLE_USERS) as RoleCode[];
const methodOf = (c: RouteCase) => c.route.split(' ')[0];
const isWrite = (c: RouteCase) => methodOf(c) !== 'GET';
const allows = (c: RouteCase, role: RoleCode | null) =>
  c.allowed === 'public' || (role != null && (c.allowed === 'everyone' || c.allowed.includes(role)));

/**
 * Everything a denied write must leave alone: the caller's audit rows (rows of others may still arrive from work an
 * earlier allowed call finished after answering, e.g. a streamed export), the URL's own table, the row's tables.
 */
async function snapshot(c: RouteCase, username: string): Promise<Record<string, string>> {
  const own = c.route.split(' ')[1].split('/')[2]?.replace(/-/g, '_');
  const names = new Set([...(c.tables ?? []), ...(own && tables.has(own) ? [own] : [])]);
  const out: Record<string, string> = {};
  const audit = await sql<{ n: string; m: string | null }>`
    select count(*)::text as n, max(id)::text as m from audit_log where actor_name = ${username}`.execute(
    t.db,
  );
  out.audit_log = `${audit.rows[0].n}:${audit.rows[0].m}`;
  for (const name of names) out[name] = await tableChecksum(t, name);
  return out;
}

describe('the permission table', () => {
  it('has exactly one row for every registered route that needs a session', () => {
    const byRoute = new Map<string, number>();
    for (const c of cases) byRoute.set(c.route, (byRoute.get(c.route) ?? 0) + 1);
    const missing = routes.filter((r) => !r.public && !byRoute.has(r.key)).map((r) => r.key);
    const doubled = [...byRoute].filter(([, n]) => n > 1).map(([k]) => k);
    const registered = new Set(routes.map((r) => r.key));
    const stale = cases.filter((c) => !registered.has(c.route)).map((c) => c.route);
    const publicMismatch = cases
      .filter((c) => registered.has(c.route))
      .filter((c) => (c.allowed === 'public') !== routes.find((r) => r.key === c.route)!.public)
      .map((c) => `${c.route}: row says ${c.allowed === 'public' ? '' : 'not '}public, route says otherwise`);
    expect({ missing, doubled, stale, publicMismatch }).toEqual({
      missing: [],
      doubled: [],
      stale: [],
      publicMismatch: [],
    });
  });

  it('builds a request for every route with path parameters', () => {
    expect(cases.filter((c) => c.route.includes('/:') && !c.request).map((c) => c.route)).toEqual([]);
  });
});

type Row = { c: RouteCase; role: RoleCode | null };
const rows: [string, Row][] = cases.flatMap((c) =>
  (c.allowed === 'public' ? [null] : ROLES).map((role): [string, Row] => [
    `${role ?? 'anonymous'} ${c.route} → ${allows(c, role) ? 'allowed' : 'denied'}`,
    { c, role },
  ]),
);

/**
 * A read's request is built once and used for every role when its builder ignores the caller (takes only `t`);
 * writes, and builders that take the caller, are built for every call.
 */
const readRequests = new Map<RouteCase, Promise<CaseRequest>>();
function build(c: RouteCase, caller: Caller): Promise<CaseRequest> {
  if (!c.request) return Promise.resolve({ url: c.route.split(' ')[1] });
  if (isWrite(c) || c.request.length > 1) return c.request(t, caller);
  if (!readRequests.has(c)) readRequests.set(c, c.request(t, caller));
  return readRequests.get(c)!;
}

async function check(c: RouteCase, role: RoleCode | null) {
  const caller: Caller = role ? { role, username: BUILTIN_ROLE_USERS[role] } : null;
  const cookie = caller ? await t.login(caller.username) : null;
  const req = await build(c, caller);
  const allowed = allows(c, role);
  const before = caller && !allowed && isWrite(c) ? await snapshot(c, caller.username) : null;
  const res = await sendCase(t, cookie, methodOf(c), req);
  const said = `${res.status} ${JSON.stringify(res.body)?.slice(0, 300)}`;
  if (allowed) {
    expect(res.status, said).toBeLessThan(500);
    expect([401, 403], said).not.toContain(res.status);
  } else {
    expect(res.status, said).toBe(403);
    expect(res.body?.error?.code, said).toBe('FORBIDDEN');
    if (before) expect(await snapshot(c, caller!.username)).toEqual(before);
  }
}

// Reads run a few at a time; writes one by one, so a denied write's before/after comparison sees only itself.
describe('route × role: reads', () => {
  it.concurrent.each(rows.filter(([, r]) => !isWrite(r.c)))('%s', async (_name, { c, role }) =>
    check(c, role),
  );
});
describe('route × role: writes', () => {
  it.each(rows.filter(([, r]) => isWrite(r.c)))('%s', async (_name, { c, role }) => check(c, role));
});

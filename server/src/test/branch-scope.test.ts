// Branch scoping, enforced for every branch-owned record: a user of branch BJ01 cannot list, read or change a
// record of branch SH01 through any route — lists leave it out, reads and writes answer 404 and change nothing.
// The caller is 'bj_admin' of BJ01, whose custom role holds every permission except scope.all_branches, so every
// 404 here comes from the branch scope and not from a missing permission.
//
// ADDING YOUR MODULE: append an entry to SCOPED below — a `foreign` record of SH01 (create it as admin, with
// `t.call(await t.login('admin'), …)` or `t.db`), optionally an `own` record of BJ01 (proves the list is not
// just empty), the list URLs that would show it, the URL that reads it, the writes that would change it (or put
// a record into SH01), and the tables those writes touch. Nothing else is needed.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { regulatoryCallback } from '../modules/callbacks/permission-cases.ts';
import { bjCampaign } from '../modules/campaigns/permission-cases.ts';
import { riskNotice } from '../modules/notices/permission-cases.ts';
import { plannedVisit } from '../modules/visits/permission-cases.ts';
import { ALL_PERMISSIONS } from '../platform/permissions.ts';
import { createTestApp, type TestApp } from './app.ts';
import {
  branchId,
  departmentId,
  ensureRole,
  ensureUser,
  tableChecksum,
  teamOf,
  uniq,
  userId,
} from './fixtures.ts';

type Id = number | string;
type Call = { method: string; url: string; body?: unknown; status?: number };
type ScopedResource = {
  name: string;
  /** A record of SH01; returns its id. */
  foreign: (t: TestApp) => Promise<Id>;
  /** A record of BJ01 the caller can see, so a list that hides everything does not pass. */
  own?: (t: TestApp) => Promise<Id>;
  /** List URLs (answering an array or `{items}`) that must not contain the foreign record; the first must
   *  contain the own one. */
  lists?: string[];
  /** The id of a list item (default `item.id`). */
  idOf?: (item: any) => Id;
  /** The URL that reads one record; must answer 404. */
  get?: (id: Id) => string;
  /** Writes that would change the foreign record or create one in SH01; each must answer 404 (or `status`). */
  writes?: (t: TestApp, foreign: Id, own?: Id) => Promise<Call[]>;
  /** Tables the writes would touch; they, and the audit log, must be unchanged after the writes. */
  tables?: string[];
};

const version = async (t: TestApp, id: Id) =>
  (await t.db.selectFrom('users').select('version').where('id', '=', Number(id)).executeTakeFirstOrThrow())
    .version;

/** A department of the branch itself (not a head-office one); the departments entry below creates one. */
const departmentOf = async (t: TestApp, branch: string) =>
  (
    await t.db
      .selectFrom('departments')
      .select('id')
      .where('branch_id', '=', await branchId(t, branch))
      .orderBy('id')
      .executeTakeFirstOrThrow()
  ).id;

const SCOPED: ScopedResource[] = [
  {
    name: 'users',
    foreign: (t) => userId(t, 'sh_agent'),
    own: (t) => userId(t, 'agent'),
    lists: ['/api/users?limit=200', '/api/users?branchId=3&limit=200', '/api/users/options?limit=200'],
    get: (id) => `/api/users/${id}`,
    writes: async (t, id, own) => [
      {
        method: 'PATCH',
        url: `/api/users/${id}`,
        body: { displayName: 'Hijacked', version: await version(t, id) },
      },
      {
        method: 'PATCH',
        url: `/api/users/${id}`,
        body: { status: 'disabled', version: await version(t, id) },
      },
      { method: 'POST', url: `/api/users/${id}/password`, body: { password: 'Hijacked-2026' } },
      { method: 'POST', url: `/api/users/${id}/unlock` },
      {
        method: 'POST',
        url: '/api/users',
        body: {
          username: uniq('intruder'),
          displayName: 'Intruder',
          branchId: await branchId(t, 'SH01'),
          departmentId: await departmentId(t, 'CS'),
          roles: [],
          password: 'Intruder-2026',
        },
      },
      {
        // moving an own user into SH01
        method: 'PATCH',
        url: `/api/users/${own}`,
        body: { branchId: await branchId(t, 'SH01'), version: await version(t, own!) },
      },
    ],
    tables: ['users', 'user_roles'], // not sessions: the caller's own may slide
  },
  {
    name: 'branches',
    foreign: (t) => branchId(t, 'SH01'),
    own: (t) => branchId(t, 'BJ01'),
    lists: ['/api/branches'],
    get: (id) => `/api/branches/${id}`,
    writes: async (_t, id) => [{ method: 'PATCH', url: `/api/branches/${id}`, body: { name: 'Hijacked' } }],
    tables: ['branches'],
  },
  {
    name: 'departments',
    foreign: async (t) => {
      const res = await t.call(await t.login('admin'), 'POST', '/api/departments', {
        code: uniq('SHD'),
        name: '上海营业部客服',
        kind: 'service',
        branchId: await branchId(t, 'SH01'),
      });
      return res.body.id;
    },
    own: async (t) => {
      const res = await t.call(await t.login('admin'), 'POST', '/api/departments', {
        code: uniq('BJD'),
        name: '北京营业部客服',
        kind: 'service',
        branchId: await branchId(t, 'BJ01'),
      });
      return res.body.id;
    },
    lists: ['/api/departments'],
    writes: async (t, id, own) => [
      { method: 'PATCH', url: `/api/departments/${id}`, body: { name: 'Hijacked' } },
      {
        method: 'POST',
        url: '/api/departments',
        body: { code: uniq('X'), name: 'Intruder', branchId: await branchId(t, 'SH01') },
      },
      { method: 'PATCH', url: `/api/departments/${own}`, body: { branchId: await branchId(t, 'SH01') } },
    ],
    tables: ['departments'],
  },
  {
    name: 'teams',
    foreign: (t) => teamOf(t, 'SH01'),
    own: (t) => teamOf(t, 'BJ01'),
    lists: ['/api/teams'],
    writes: async (t, id, own) => [
      { method: 'PATCH', url: `/api/teams/${id}`, body: { name: 'Hijacked' } },
      {
        method: 'POST',
        url: '/api/teams',
        body: {
          name: 'Intruders',
          branchId: await branchId(t, 'SH01'),
          departmentId: await departmentId(t, 'CS'),
        },
      },
      { method: 'PATCH', url: `/api/teams/${own}`, body: { branchId: await branchId(t, 'SH01') } },
      // an own team may not take a leader or a department of SH01
      {
        method: 'PATCH',
        url: `/api/teams/${own}`,
        body: { leaderId: await userId(t, 'sh_agent') },
        status: 400,
      },
      {
        method: 'PATCH',
        url: `/api/teams/${own}`,
        body: { departmentId: await departmentOf(t, 'SH01') },
        status: 400,
      },
      {
        method: 'POST',
        url: '/api/teams',
        body: {
          name: 'Mixed',
          branchId: await branchId(t, 'BJ01'),
          departmentId: await departmentId(t, 'CS'),
          leaderId: await userId(t, 'sh_manager'),
        },
        status: 400,
      },
    ],
    tables: ['teams'],
  },
  {
    name: 'audit rows',
    foreign: async (t) =>
      (
        await t.db
          .selectFrom('audit_log')
          .select('id')
          .where('branch_id', '=', await branchId(t, 'SH01'))
          .orderBy('id', 'desc')
          .executeTakeFirstOrThrow()
      ).id,
    own: async (t) =>
      (
        await t.db
          .selectFrom('audit_log')
          .select('id')
          .where('branch_id', '=', await branchId(t, 'BJ01'))
          .orderBy('id', 'desc')
          .executeTakeFirstOrThrow()
      ).id,
    lists: [
      '/api/audit?limit=200',
      '/api/audit?entity=department&limit=200',
      '/api/audit?entity=user&limit=200',
    ],
  },
  {
    name: 'customers',
    foreign: async (t) => {
      const r = await t.call(await t.login('sh_manager'), 'POST', '/api/customers', {
        code: uniq('SHC'),
        kind: 'individual',
        name: '上海范围客户',
        phone: '13566667777',
      });
      return r.body.id;
    },
    own: async (t) => {
      const r = await t.call(await t.login('agent'), 'POST', '/api/customers', {
        code: uniq('BJC'),
        kind: 'individual',
        name: '北京范围客户',
      });
      return r.body.id;
    },
    lists: ['/api/customers?limit=200', '/api/customers?q=6666', '/api/customers?branchId=3'],
    get: (id) => `/api/customers/${id}`,
    writes: async (t, id) => {
      const c = await t.db
        .selectFrom('customers')
        .select('version')
        .where('id', '=', Number(id))
        .executeTakeFirstOrThrow();
      return [
        { method: 'PATCH', url: `/api/customers/${id}`, body: { version: c.version, name: 'Hijacked' } },
        {
          method: 'POST',
          url: `/api/customers/${id}/interactions`,
          body: { channel: 'phone_out', summary: 'x' },
        },
        { method: 'POST', url: `/api/customers/${id}/reveal`, body: { fields: ['phone'] } },
        {
          method: 'POST',
          url: '/api/customers',
          body: {
            code: uniq('X'),
            kind: 'individual',
            name: 'Intruder',
            branchId: await branchId(t, 'SH01'),
          },
        },
      ];
    },
    tables: ['customers', 'interactions', 'customer_history'],
  },
  {
    name: 'campaigns',
    foreign: async (t) => (await bjCampaign(t, true, 'SH01')).id,
    own: async (t) => (await bjCampaign(t, true, 'BJ01')).id,
    lists: ['/api/campaigns', '/api/campaigns?status=running'],
    get: (id) => `/api/campaigns/${id}`,
    writes: async (t, id) => {
      const call = await t.db
        .selectFrom('campaign_calls')
        .select(['id', 'step_id'])
        .where('campaign_id', '=', Number(id))
        .executeTakeFirstOrThrow();
      await t.db
        .updateTable('campaign_calls')
        .set({ status: 'claimed', agent_id: await userId(t, 'bj_admin') })
        .where('id', '=', call.id)
        .execute();
      return [
        { method: 'POST', url: `/api/campaigns/${id}/start` },
        { method: 'POST', url: `/api/campaigns/${id}/steps/${call.step_id}/dispatch` },
        { method: 'POST', url: `/api/campaigns/${id}/next` },
        { method: 'GET', url: `/api/campaigns/${id}/workspace` },
        { method: 'GET', url: `/api/campaigns/${id}/progress` },
        { method: 'GET', url: `/api/campaigns/${id}/counter-list` },
        {
          method: 'POST',
          url: `/api/campaigns/${id}/calls/${call.id}/attempts`,
          body: { outcome: 'reached', answers: {} },
        },
        // 拨打: the number of another branch's call, though the caller holds it
        { method: 'POST', url: '/api/calls/reveal', body: { purpose: 'campaign', campaignCallId: call.id } },
        {
          method: 'POST',
          url: '/api/campaigns',
          body: {
            name: 'Intruder',
            branchId: await branchId(t, 'SH01'),
            target: { kind: 'list', customerCodes: ['X'] },
            steps: [{ channel: 'call' }],
          },
        },
      ];
    },
    tables: ['campaigns', 'campaign_steps', 'campaign_calls', 'campaign_attempts', 'interactions'],
  },
  {
    name: 'suitability',
    foreign: async (t) => {
      const id = (await bjCampaign(t, false, 'SH01')).customerId;
      const q = await t.db
        .selectFrom('suitability_questionnaires')
        .select('id')
        .orderBy('id')
        .executeTakeFirstOrThrow();
      await t.db
        .insertInto('suitability_assessments')
        .values({
          customer_id: id,
          branch_id: await branchId(t, 'SH01'),
          questionnaire_id: q.id,
          answers: '{}',
          score: 40,
          level: 'C3',
          valid_until: new Date(Date.now() + 86_400_000 * 365),
        })
        .execute();
      return id;
    },
    get: (id) => `/api/suitability/customers/${id}`,
    writes: async (t, id) => {
      const p = await t.db
        .insertInto('products')
        .values({ code: uniq('P'), name: 'P', risk_level: 'R1' })
        .returning('id')
        .executeTakeFirstOrThrow();
      const req = await t.db
        .insertInto('suitability_category_requests')
        .values({
          customer_id: Number(id),
          branch_id: await branchId(t, 'SH01'),
          to_professional: false,
          evidence: '[]',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return [
        { method: 'GET', url: `/api/suitability/customers/${id}/match?productId=${p.id}` },
        {
          method: 'POST',
          url: `/api/suitability/customers/${id}/assessments`,
          body: { answers: { age: 'a' } },
        },
        {
          method: 'POST',
          url: `/api/suitability/customers/${id}/offers`,
          body: { productId: p.id, choice: 'proceed' },
        },
        {
          method: 'POST',
          url: `/api/suitability/customers/${id}/category-requests`,
          body: { toProfessional: false },
        },
        {
          method: 'POST',
          url: `/api/suitability/category-requests/${req.id}/decide`,
          body: { approve: true },
        },
      ];
    },
    tables: ['suitability_assessments', 'suitability_offers', 'suitability_category_requests'],
  },
  {
    name: 'regulatory callbacks',
    foreign: (t) => regulatoryCallback(t, 'SH01'),
    own: (t) => regulatoryCallback(t, 'BJ01'),
    lists: ['/api/callbacks?limit=200', '/api/callbacks?status=open&limit=200'],
    get: (id) => `/api/callbacks/${id}`,
    writes: async (_t, id) => [
      { method: 'POST', url: `/api/callbacks/${id}/result`, body: { reached: false, notes: 'x' } },
      { method: 'POST', url: '/api/calls/reveal', body: { purpose: 'callback', callbackId: Number(id) } },
    ],
    tables: ['regulatory_callbacks', 'tasks', 'interactions'],
  },
  {
    name: 'visits',
    foreign: (t) => plannedVisit(t, 'SH01'),
    own: (t) => plannedVisit(t, 'BJ01'),
    lists: [
      '/api/visits?view=all&limit=200',
      '/api/visits?view=overdue&limit=200',
      '/api/visits?view=month&date=2026-11-20',
    ],
    get: (id) => `/api/visits/${id}`,
    writes: async (_t, id) => [
      { method: 'POST', url: `/api/visits/${id}/check-in`, body: {} },
      { method: 'POST', url: `/api/visits/${id}/complete`, body: { findings: 'x' } },
      { method: 'POST', url: `/api/visits/${id}/cancel`, body: {} },
    ],
    tables: ['visits', 'tasks', 'interactions'],
  },
  {
    name: 'risk notices',
    foreign: (t) => riskNotice(t, 'SH01'),
    own: (t) => riskNotice(t, 'BJ01'),
    lists: [
      '/api/notices?limit=200',
      '/api/notices?status=sent&limit=200',
      '/api/notices?status=overdue&order=open_first&limit=200',
    ],
    get: (id) => `/api/notices/${id}`,
    writes: async (_t, id) => [
      { method: 'POST', url: `/api/notices/${id}/confirm`, body: {} },
      { method: 'POST', url: `/api/notices/${id}/resend` },
    ],
    tables: ['risk_notices', 'risk_notice_resends', 'sms_outbox', 'tasks', 'interactions'],
  },
];

let t: TestApp;
let bj: string;
const ids = new Map<string, { foreign: Id; own?: Id }>();

beforeAll(async () => {
  t = await createTestApp();
  const perms = ALL_PERMISSIONS.filter((p) => p !== 'scope.all_branches');
  await ensureRole(t, 'branch_admin', perms);
  await ensureUser(t, 'bj_admin', { branch: 'BJ01', roles: ['branch_admin'] });
  bj = await t.login('bj_admin');
  // Something happens in each branch, so both have audit rows.
  const admin = await t.login('admin');
  for (const u of ['agent', 'sh_agent'])
    await t.call(admin, 'POST', `/api/users/${await userId(t, u)}/unlock`);
  for (const r of SCOPED) ids.set(r.name, { foreign: await r.foreign(t), own: await r.own?.(t) });
});
afterAll(async () => t?.close());

async function snapshot(tables: string[]) {
  const out: Record<string, string> = {};
  const a = await sql<{
    n: string;
  }>`select count(*)::text || ':' || max(id)::text as n from audit_log`.execute(t.db);
  out.audit_log = a.rows[0].n;
  for (const name of tables) out[name] = await tableChecksum(t, name);
  return out;
}

describe('the caller', () => {
  it('is a BJ01 user holding every permission except the all-branch scope', async () => {
    const me = await t.call(bj, 'GET', '/api/me');
    expect(me.body.branch.code).toBe('BJ01');
    expect(me.body.allBranches).toBe(false);
    expect(me.body.permissions).toContain('admin.users');
    expect(me.body.permissions).toContain('admin.org');
  });

  it('sees only the own branch, as does every BJ01 user', async () => {
    for (const cookie of [bj, await t.login('agent'), await t.login('branchmgr')]) {
      const res = await t.call(cookie, 'GET', '/api/branches');
      expect(res.body.map((b: any) => b.code)).toEqual(['BJ01']);
    }
  });

  it('reads only audit rows of the own branch', async () => {
    const res = await t.call(bj, 'GET', '/api/audit?limit=200');
    expect(res.body.items.length).toBeGreaterThan(0);
    const own = await branchId(t, 'BJ01');
    expect(res.body.items.filter((r: any) => r.branchId !== own)).toEqual([]);
  });
});

describe.each(SCOPED.map((r) => [r.name, r] as const))('%s of another branch', (_name, r) => {
  if (r.lists)
    it('are left out of every list', async () => {
      const { foreign, own } = ids.get(r.name)!;
      const idOf = r.idOf ?? ((x: any) => x.id);
      for (const [i, url] of r.lists!.entries()) {
        const res = await t.call(bj, 'GET', url);
        expect(res.status, url).toBe(200);
        const items: any[] = Array.isArray(res.body) ? res.body : res.body.items;
        const got = items.map((x) => String(idOf(x)));
        expect(got, url).not.toContain(String(foreign));
        if (own !== undefined && i === 0) expect(got, url).toContain(String(own));
      }
    });

  if (r.get)
    it('answer 404 when read', async () => {
      const { foreign, own } = ids.get(r.name)!;
      const res = await t.call(bj, 'GET', r.get!(foreign));
      expect(res.status).toBe(404);
      if (own !== undefined) expect((await t.call(bj, 'GET', r.get!(own))).status).toBe(200);
    });

  if (r.writes)
    it('answer 404 to every write, which changes nothing', async () => {
      const { foreign, own } = ids.get(r.name)!;
      for (const call of await r.writes!(t, foreign, own)) {
        const before = await snapshot(r.tables ?? []);
        const res = await t.call(bj, call.method, call.url, call.body);
        const said = `${call.method} ${call.url} ${JSON.stringify(call.body)} → ${res.status} ${JSON.stringify(res.body)}`;
        expect(res.status, said).toBe(call.status ?? 404);
        expect(await snapshot(r.tables ?? []), said).toEqual(before);
      }
    });
});

// Acceptance (issue 9, 1): personal data never leaves the server unmasked for a role without customer.pii, and an
// unmasked read by a role with it is audited. Canary values (full phones, emails, an ID number, its birth date, a
// street address) are seeded on a customer, a contact, a ticket's contact fields, notes, an interaction, a callback,
// a campaign call and its SMS, a risk notice and audit rows; then EVERY GET route of the served OpenAPI document is
// called (path parameters filled with the seeded records' ids, each optional enum query value tried), plus the CSV
// and XLSX exports and the attachment downloads, as every built-in role without customer.pii and a custom role that
// may export. No canary may appear in any body or header. Then as admin: every response that held a canary wrote
// its `customer.pii_viewed` (or `customer.pii_revealed`) audit row.
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idCard, PNG_BYTES, uploadAttachment } from '../modules/customers/fixtures.ts';
import { BUILTIN_ROLES } from '../platform/permissions.ts';
import { createTestApp, type TestApp } from './app.ts';
import { ensureRole, ensureUser, uniq, userId } from './fixtures.ts';

const ID = idCard('19870615', 731, '310115');
const C = {
  id: ID,
  birth: '1987-06-15',
  birthDigits: '19870615',
  phone: '13912345678',
  backup: '13687654321',
  email: 'canary.zhang@example.org',
  street: '张江路1388弄',
  contactPhone: '15811112222',
  contactEmail: 'contact.li@example.net',
  ticketPhone: '18633334444',
  ticketEmail: 'ticket.wang@example.com',
  notePhone: '13700137000',
  noteEmail: 'notes.canary@example.com',
};
const CANARIES = [
  C.id,
  C.birth,
  C.phone,
  C.backup,
  C.email,
  C.street,
  C.contactPhone,
  C.contactEmail,
  C.ticketPhone,
  C.ticketEmail,
  C.notePhone,
  C.noteEmail,
];
const leaked = (text: string) => CANARIES.filter((c) => text.includes(c));

/**
 * Routes not called, with the reason. Everything else the OpenAPI document lists under GET is called.
 */
const SKIP: Record<string, string> = {
  '/api/openapi.json': 'the API description itself (no data)',
};

let t: TestApp;
const ids: Record<string, number> = {};

beforeAll(async () => {
  t = await createTestApp();
  const admin = await t.login('admin');
  const ok = (r: { status: number; body: any }, what: string) => {
    if (r.status !== 200) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const person = ok(
    await t.call(admin, 'POST', '/api/customers', {
      code: uniq('PII').toUpperCase(),
      kind: 'individual',
      name: '金丝雀',
      branchId: 2,
      idType: 'id_card',
      idNumber: C.id,
      birthDate: C.birth,
      gender: 'male',
      phone: C.phone,
      phoneBackup: C.backup,
      email: C.email,
      address: `上海市浦东新区${C.street}`,
      notes: `另留电话 ${C.notePhone}，邮箱 ${C.noteEmail}`,
      tags: ['VIP'],
    }),
    'customer',
  );
  ids.customer = person.id;
  const org = ok(
    await t.call(admin, 'POST', '/api/customers', {
      code: uniq('PIO').toUpperCase(),
      kind: 'organisation',
      name: '金丝雀机构',
      branchId: 2,
      registeredName: '金丝雀机构有限公司',
      contacts: [{ name: '李联系', phone: C.contactPhone, email: C.contactEmail, isPrimary: true }],
    }),
    'organisation',
  );
  ids.org = org.id;
  ok(
    await t.call(admin, 'POST', `/api/customers/${ids.customer}/interactions`, {
      channel: 'phone_in',
      summary: `客户来电，回拨 ${C.notePhone}`,
    }),
    'interaction',
  );
  const ticket = ok(
    await t.call(admin, 'POST', '/api/tickets', {
      type: 'complaint',
      channel: 'phone_in',
      subject: '金丝雀投诉',
      description: `客户留言：请回拨 ${C.notePhone} 或发邮件到 ${C.noteEmail}`,
      customerId: ids.customer,
      contactName: '金丝雀',
      contactPhone: C.ticketPhone,
      contactEmail: C.ticketEmail,
      assigneeId: await userId(t, 'agent'),
    }),
    'ticket',
  );
  ids.ticket = ticket.id;

  // A photo, not an ID scan: an ID scan answers 403 to every role without customer.pii (attachments.test.ts), so
  // its name would never reach them; a photo is served to them, with the phone in its name masked.
  const png = await uploadAttachment(t, 'admin', ids.customer, PNG_BYTES, `门头照-${C.phone}.png`, {
    category: 'photo',
  });
  ids.customerAttachment = ok(png, 'customer attachment').id;
  const form = new FormData();
  form.append('file', new Blob([PNG_BYTES], { type: 'image/png' }), `截图-${C.ticketPhone}.png`);
  const up = await t.app.inject({
    method: 'POST',
    url: `/api/tickets/${ids.ticket}/attachments`,
    headers: { cookie: admin },
    payload: form as any,
  });
  ids.ticketAttachment = ok({ status: up.statusCode, body: JSON.parse(up.body) }, 'ticket attachment').id;

  // Records whose own write paths need a running workflow are inserted directly.
  const rule = await t.db
    .insertInto('callback_rules')
    .values({ name: '金丝雀回访', kind: 'new_account', deadline_amount: 5, deadline_unit: 'days' })
    .returning('id')
    .executeTakeFirstOrThrow();
  ids.callback = (
    await t.db
      .insertInto('regulatory_callbacks')
      .values({
        rule_id: rule.id,
        kind: 'new_account',
        customer_id: ids.customer,
        branch_id: 2,
        due_at: new Date(Date.now() + 86_400_000),
        notes: `备用号码 ${C.backup}`,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  const campaign = await t.db
    .insertInto('campaigns')
    .values({
      name: '金丝雀活动',
      branch_id: 2,
      status: 'running',
      target_kind: 'list',
      segment_id: null,
      script_article_id: null,
      script: '您好',
      questions: JSON.stringify([]) as any,
      created_by: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  ids.campaign = campaign.id;
  const step = await t.db
    .insertInto('campaign_steps')
    .values({ campaign_id: campaign.id, position: 1, channel: 'call', sms_template: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  const sms = await t.db
    .insertInto('campaign_steps')
    .values({ campaign_id: campaign.id, position: 2, channel: 'sms', sms_template: '您好 {name}' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await t.db
    .insertInto('campaign_targets')
    .values({ campaign_id: campaign.id, customer_id: ids.customer, branch_id: 2 })
    .execute();
  await t.db
    .insertInto('campaign_agents')
    .values({ campaign_id: campaign.id, user_id: await userId(t, 'agent'), quota: 10 })
    .execute();
  ids.call = (
    await t.db
      .insertInto('campaign_calls')
      .values({
        campaign_id: campaign.id,
        step_id: step.id,
        customer_id: ids.customer,
        branch_id: 2,
        agent_id: await userId(t, 'agent'),
        status: 'claimed' as any,
        claimed_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  await t.db
    .insertInto('sms_outbox')
    .values({
      campaign_id: campaign.id,
      campaign_step_id: sms.id,
      customer_id: ids.customer,
      branch_id: 2,
      mobile: C.phone,
      content: `您好 金丝雀，回复请拨 ${C.notePhone}`,
      status: 'sent' as any,
      sent_at: new Date(),
      error: `delivery to ${C.phone} failed once`,
    })
    .execute();
  ids.notice = (
    await t.db
      .insertInto('risk_notices')
      .values({
        customer_id: ids.customer,
        branch_id: 2,
        kind: 'margin_call',
        title: '追加保证金通知',
        body: `请于今日补足保证金，联系电话 ${C.notePhone}`,
        channels: ['sms', 'email'],
        token_hash: 'canary-token-hash',
        email_to: C.email,
        email_status: 'sent',
        sent_by: await userId(t, 'agent'),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  await t.db
    .insertInto('audit_log')
    .values({
      actor_id: null,
      actor_name: 'import',
      ip: null,
      action: 'customer.updated',
      entity: 'customer',
      entity_id: String(ids.customer),
      branch_id: 2,
      before: JSON.stringify({ phone: C.backup, address: `上海市浦东新区${C.street}` }) as any,
      after: JSON.stringify({ note: `改为 ${C.phone}，证件 ${C.id}，邮箱 ${C.email}` }) as any,
      meta: null,
    })
    .execute();
}, 60_000);
afterAll(async () => t?.close());

/** An id for a path parameter, from the segment before it (`/customers/{id}` → the canary customer). */
async function paramValue(path: string, name: string): Promise<string> {
  const segs = path.split('/');
  const at = segs.indexOf(`{${name}}`);
  const prev = segs.slice(0, at).filter((s) => !s.startsWith('{'));
  const resource = prev.join('/');
  if (name === 'attachmentId')
    return String(resource.includes('tickets') ? ids.ticketAttachment : ids.customerAttachment);
  if (name === 'interactionId')
    return String(
      (
        await t.db
          .selectFrom('interactions')
          .select('id')
          .where('customer_id', '=', ids.customer)
          .executeTakeFirstOrThrow()
      ).id,
    );
  if (name === 'customerId') return String(ids.customer);
  if (name === 'year') return String(new Date().getFullYear());
  if (name === 'token') return 'not-a-token';
  const first = async (table: string) => {
    const r = await sql<{ id: number }>`select id from ${sql.table(table)} order by id limit 1`.execute(t.db);
    return String(r.rows[0]?.id ?? 1);
  };
  const byResource: Record<string, () => Promise<string> | string> = {
    '/api/customers': () => String(ids.customer),
    '/api/tickets': () => String(ids.ticket),
    '/api/tickets/ratings/agents': async () => String(await userId(t, 'agent')),
    '/api/callbacks': () => String(ids.callback),
    '/api/callbacks/rules': () => first('callback_rules'),
    '/api/campaigns': () => String(ids.campaign),
    '/api/notices': () => String(ids.notice),
    '/api/users': async () => String(await userId(t, 'agent')),
    '/api/managers': async () => String(await userId(t, 'manager')),
    '/api/branches': () => '2',
    '/api/calendars': () => first('calendars'),
    '/api/kb/articles': () => first('kb_articles'),
    '/api/kb/macros': () => first('kb_macros'),
    '/api/tasks': () => first('tasks'),
    '/api/service-packages': () => first('service_packages'),
    '/api/segments': () => first('segments'),
    '/api/handovers': () => first('handovers'),
    '/api/visits': () => first('visits'),
    '/api/customers/import/jobs': () => first('import_jobs'),
  };
  const f = byResource[resource];
  if (!f)
    throw new Error(`No id for {${name}} in ${path}: add the resource to paramValue in pii-canary.test.ts`);
  return f();
}

type Req = { method: string; url: string; body?: unknown; route: string };

/** Every GET of the OpenAPI document, with each optional enum query value as its own request. */
async function getRequests(): Promise<Req[]> {
  const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
  const doc = JSON.parse(res.body);
  const today = new Date().toISOString().slice(0, 10);
  const out: Req[] = [];
  for (const [path, ops] of Object.entries<any>(doc.paths)) {
    const op = ops.get;
    if (!op || SKIP[path]) continue;
    let url = path;
    for (const m of path.matchAll(/\{(\w+)\}/g)) url = url.replace(m[0], await paramValue(path, m[1]));
    const params = (op.parameters ?? []).filter((p: any) => p.in === 'query');
    const required: Record<string, string> = {};
    for (const p of params.filter((x: any) => x.required)) {
      const s = p.schema ?? {};
      required[p.name] = s.enum
        ? s.enum[0]
        : s.format === 'date'
          ? today
          : p.name === 'productId'
            ? await (async () => {
                const r = await sql<{
                  id: number;
                }>`select id from products order by id limit 1`.execute(t.db);
                return String(r.rows[0]?.id ?? 1);
              })()
            : s.type === 'integer' && (s.minimum ?? 0) >= 2000
              ? String(new Date().getFullYear())
              : s.type === 'integer'
                ? '1'
                : 'x';
    }
    const variants: Record<string, string>[] = [required];
    for (const p of params.filter((x: any) => !x.required && x.schema?.enum))
      for (const v of p.schema.enum) variants.push({ ...required, [p.name]: String(v) });
    if (path === '/api/customers/duplicates')
      for (const by of ['id_number', 'phone', 'name']) variants.push({ by });
    for (const q of variants) {
      const qs = new URLSearchParams(q).toString();
      out.push({ method: 'GET', url: qs ? `${url}?${qs}` : url, route: `GET ${path}` });
    }
  }
  return out;
}

async function call(cookie: string, r: Req) {
  const res = await t.app.inject({
    method: r.method as any,
    url: r.url,
    headers: { cookie, ...(r.body ? { 'content-type': 'application/json' } : {}) },
    payload: r.body ? JSON.stringify(r.body) : undefined,
  });
  return res;
}

async function xlsxText(buf: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as any);
  const cells: string[] = [];
  wb.eachSheet((ws) =>
    ws.eachRow((row) => row.eachCell((cell) => cells.push(String(cell.text ?? cell.value ?? '')))),
  );
  return cells.join('\n');
}

const EXPORTS: Req[] = [
  {
    method: 'POST',
    url: '/api/customers/export',
    body: { format: 'csv' },
    route: 'POST /api/customers/export',
  },
  {
    method: 'POST',
    url: '/api/customers/export',
    body: { format: 'xlsx' },
    route: 'POST /api/customers/export',
  },
  {
    method: 'POST',
    url: '/api/customers/search',
    body: { limit: 100 },
    route: 'POST /api/customers/search',
  },
];

/** The text of a response: headers and body; an XLSX unzipped into its cells. */
async function responseText(res: Awaited<ReturnType<typeof call>>) {
  const headers = JSON.stringify(res.headers);
  const type = String(res.headers['content-type'] ?? '');
  const body = type.includes('spreadsheetml') ? await xlsxText(res.rawPayload) : res.body;
  return `${headers}\n${body}`;
}

describe('personal data canaries', () => {
  it('no canary leaves the server for any role without customer.pii', async () => {
    const reqs = await getRequests();
    expect(reqs.length).toBeGreaterThan(80);
    const roles = Object.entries(BUILTIN_ROLES)
      .filter(([, r]) => !r.permissions.includes('customer.pii'))
      .map(([code]) => code);
    expect(roles.sort()).toEqual(['agent', 'department_staff', 'readonly']);
    const users: string[] = [];
    for (const code of roles) {
      const name = `pii_${code}`;
      await ensureUser(t, name, {
        branch: 'BJ01',
        department: code === 'department_staff' ? 'SETTLE' : 'CS',
        roles: [code],
      });
      users.push(name);
    }
    // A custom role that may export and search but not see personal data (the "custom role").
    await ensureRole(t, 'pii_exporter', [
      'customer.read',
      'customer.export',
      'ticket.read',
      'campaign.read',
      'callback.read',
      'audit.read',
      'visit.read',
      'segment.read',
      'report.read',
      'task.read',
    ]);
    await ensureUser(t, 'pii_exporter', { branch: 'BJ01', roles: ['pii_exporter'] });
    users.push('pii_exporter', 'agent', 'viewer');
    const leaks: string[] = [];
    const served = new Set<string>();
    for (const u of users) {
      const cookie = await t.login(u);
      for (const r of [...reqs, ...EXPORTS]) {
        const res = await call(cookie, r);
        expect(res.statusCode, `${u} ${r.method} ${r.url}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
        if (res.statusCode === 200) served.add(r.route);
        const found = leaked(await responseText(res));
        if (found.length) leaks.push(`${u} ${r.method} ${r.url} → ${found.join(', ')}`);
      }
    }
    expect(leaks).toEqual([]);
    // The sweep reached the records: the canary customer, ticket, callback, campaign, notice, audit and exports.
    for (const route of [
      'GET /api/customers/{id}',
      'GET /api/tickets/{id}',
      'GET /api/tickets',
      'GET /api/callbacks/{id}',
      'GET /api/campaigns/{id}/workspace',
      'GET /api/notices/{id}',
      'GET /api/audit',
      'GET /api/customers/{id}/attachments/{attachmentId}/content',
      'GET /api/tickets/{id}/attachments/{attachmentId}',
      'POST /api/customers/export',
    ])
      expect(served, route).toContain(route);
  }, 60_000);

  it('every unmasked response to a role with customer.pii wrote its audit row', async () => {
    const reqs = await getRequests();
    const cookie = await t.login('admin');
    const unaudited: string[] = [];
    let unmasked = 0;
    for (const r of [...reqs, ...EXPORTS]) {
      const before = await t.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.max('id').as('max'))
        .executeTakeFirstOrThrow();
      const res = await call(cookie, r);
      expect(res.statusCode, `admin ${r.method} ${r.url}`).toBeLessThan(500);
      if (leaked(await responseText(res)).length === 0) continue;
      unmasked++;
      const rows = await t.db
        .selectFrom('audit_log')
        .select(['action', 'meta'])
        .where('id', '>', Number(before.max ?? 0))
        .where('actor_name', '=', 'admin')
        .where('action', 'in', ['customer.pii_viewed', 'customer.pii_revealed', 'customer.exported'])
        .execute();
      if (rows.length === 0) unaudited.push(`${r.method} ${r.url}`);
    }
    expect(unmasked).toBeGreaterThan(10);
    expect(unaudited).toEqual([]);
  }, 60_000);
});

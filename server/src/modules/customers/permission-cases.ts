// Who may call the customer base routes (the permission table, see test/permission-table.ts). Reading needs
// customer.read (everyone but department staff); writing customer.write; logging contacts interaction.write;
// unmasked personal data customer.pii; merging customer.merge; defining custom fields admin.settings.
import type { TestApp } from '../../test/app.ts';
import { uniq, userId } from '../../test/fixtures.ts';
import { addCases, type Caller, type RoleCode } from '../../test/permission-table.ts';
import { customerCode, PNG_BYTES, uploadAttachment } from './fixtures.ts';

const READ: RoleCode[] = [
  'admin',
  'supervisor',
  'agent',
  'account_manager',
  'branch_manager',
  'compliance',
  'readonly',
];
const WRITE: RoleCode[] = ['admin', 'supervisor', 'agent', 'account_manager'];
const PII: RoleCode[] = ['admin', 'supervisor', 'account_manager', 'branch_manager', 'compliance'];
const MERGE: RoleCode[] = ['admin', 'supervisor'];

/** A fresh BJ01 customer, created as the administrator. */
async function customer(t: TestApp, body: Record<string, unknown> = {}) {
  const r = await t.call(await t.login('admin'), 'POST', '/api/customers', {
    code: customerCode(),
    kind: 'individual',
    name: '权限测试',
    branchId: 2,
    phone: '13800138000',
    ...body,
  });
  if (r.status !== 200) throw new Error(`customer: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as { id: number; version: number };
}

async function attachment(t: TestApp, customerId: number) {
  const r = await uploadAttachment(t, 'admin', customerId, PNG_BYTES, 'p.png', { category: 'photo' });
  if (r.status !== 200) throw new Error(`attachment: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.id as number;
}

async function interaction(t: TestApp, customerId: number) {
  const r = await t.call(await t.login('admin'), 'POST', `/api/customers/${customerId}/interactions`, {
    channel: 'phone_in',
    summary: '来电咨询',
  });
  return r.body.id as number;
}

/** A saved view of the caller's own (views are private, so the caller must own it). */
async function view(t: TestApp, as: Caller) {
  const row = await t.db
    .insertInto('saved_views')
    .values({
      user_id: await userId(t, as?.username ?? 'admin'),
      name: uniq('v'),
      query: JSON.stringify({ q: '王' }),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function customField(t: TestApp) {
  const row = await t.db
    .insertInto('custom_field_definitions')
    .values({ key: uniq('f'), kind: 'all', label: '字段', type: 'text' })
    .returning(['id', 'version'])
    .executeTakeFirstOrThrow();
  return row;
}

addCases([
  { route: 'GET /api/customers', allowed: READ },
  {
    route: 'POST /api/customers/search',
    allowed: READ,
    request: async () => ({ url: '/api/customers/search', body: { q: '王伟', withCount: true } }),
  },
  {
    route: 'GET /api/customers/:id',
    allowed: READ,
    request: async (t) => ({ url: `/api/customers/${(await customer(t)).id}` }),
  },
  {
    route: 'POST /api/customers',
    allowed: WRITE,
    request: async () => ({
      url: '/api/customers',
      body: { code: customerCode(), kind: 'individual', name: '新客户', branchId: 2 },
    }),
  },
  {
    route: 'PATCH /api/customers/:id',
    allowed: WRITE,
    request: async (t) => {
      const c = await customer(t);
      return { url: `/api/customers/${c.id}`, body: { version: c.version, tier: 'vip' } };
    },
    tables: ['customer_history'],
  },
  {
    route: 'GET /api/customers/:id/history',
    allowed: READ,
    request: async (t) => ({ url: `/api/customers/${(await customer(t)).id}/history` }),
  },
  {
    route: 'POST /api/customers/:id/reveal',
    allowed: PII,
    request: async (t) => ({
      url: `/api/customers/${(await customer(t)).id}/reveal`,
      body: { fields: ['phone'] },
    }),
  },
  {
    route: 'GET /api/customers/duplicates',
    allowed: MERGE,
    request: async () => ({ url: '/api/customers/duplicates?by=phone' }),
  },
  {
    route: 'GET /api/customers/:id/duplicates',
    allowed: READ,
    request: async (t) => ({ url: `/api/customers/${(await customer(t)).id}/duplicates` }),
  },
  {
    route: 'POST /api/customers/:id/merge',
    allowed: MERGE,
    request: async (t) => {
      const a = await customer(t);
      const b = await customer(t);
      return { url: `/api/customers/${a.id}/merge`, body: { sourceIds: [b.id] } };
    },
    tables: ['customer_history', 'interactions', 'customer_contacts', 'customer_attachments'],
  },
  {
    route: 'GET /api/customers/:id/attachments',
    allowed: READ,
    request: async (t) => ({ url: `/api/customers/${(await customer(t)).id}/attachments` }),
  },
  {
    route: 'POST /api/customers/:id/attachments',
    allowed: WRITE,
    request: async (t) => ({
      url: `/api/customers/${(await customer(t)).id}/attachments`,
      fields: { category: 'photo' },
      file: { name: 'shop.png', content: PNG_BYTES, type: 'image/png' },
    }),
    tables: ['customer_attachments'],
  },
  {
    route: 'GET /api/customers/:id/attachments/:attachmentId/content',
    allowed: READ,
    request: async (t) => {
      const c = await customer(t);
      return { url: `/api/customers/${c.id}/attachments/${await attachment(t, c.id)}/content` };
    },
  },
  {
    route: 'DELETE /api/customers/:id/attachments/:attachmentId',
    allowed: WRITE,
    request: async (t) => {
      const c = await customer(t);
      return { url: `/api/customers/${c.id}/attachments/${await attachment(t, c.id)}` };
    },
    tables: ['customer_attachments', 'customer_history'],
  },
  {
    route: 'GET /api/customers/:id/interactions',
    allowed: READ,
    request: async (t) => ({ url: `/api/customers/${(await customer(t)).id}/interactions` }),
  },
  {
    route: 'POST /api/customers/:id/interactions',
    allowed: WRITE,
    request: async (t) => ({
      url: `/api/customers/${(await customer(t)).id}/interactions`,
      body: { channel: 'phone_out', summary: '回访' },
    }),
    tables: ['interactions'],
  },
  {
    route: 'GET /api/customers/:id/interactions/:interactionId',
    allowed: READ,
    request: async (t) => {
      const c = await customer(t);
      return { url: `/api/customers/${c.id}/interactions/${await interaction(t, c.id)}` };
    },
  },
  { route: 'GET /api/customer-views', allowed: READ },
  {
    route: 'POST /api/customer-views',
    allowed: READ,
    request: async () => ({ url: '/api/customer-views', body: { name: uniq('view'), query: { q: '王伟' } } }),
    tables: ['saved_views'],
  },
  {
    route: 'PATCH /api/customer-views/:id',
    allowed: READ,
    request: async (t, as) => ({
      url: `/api/customer-views/${await view(t, as)}`,
      body: { name: uniq('renamed') },
    }),
    tables: ['saved_views'],
  },
  {
    route: 'DELETE /api/customer-views/:id',
    allowed: READ,
    request: async (t, as) => ({ url: `/api/customer-views/${await view(t, as)}` }),
    tables: ['saved_views'],
  },
  { route: 'GET /api/custom-fields', allowed: READ },
  {
    route: 'POST /api/custom-fields',
    allowed: ['admin'],
    request: async () => ({
      url: '/api/custom-fields',
      body: { key: uniq('f'), kind: 'all', label: '新字段', type: 'text' },
    }),
    tables: ['custom_field_definitions'],
  },
  {
    route: 'PATCH /api/custom-fields/:id',
    allowed: ['admin'],
    request: async (t) => {
      const f = await customField(t);
      return { url: `/api/custom-fields/${f.id}`, body: { version: f.version, label: '改名' } };
    },
    tables: ['custom_field_definitions'],
  },
]);

// Who may call the risk-notice routes (the permission table, see test/permission-table.ts): customer.read to see,
// notice.send to send and to send again, notice.confirm_phone to record a confirmation taken by phone; the customer's confirm link
// (its page and its form's POST) is public: its token is the secret.
import type { TestApp } from '../../test/app.ts';
import { branchId, uniq, userId } from '../../test/fixtures.ts';
import { addCases, type RoleCode } from '../../test/permission-table.ts';

const READ: RoleCode[] = [
  'admin',
  'supervisor',
  'agent',
  'account_manager',
  'branch_manager',
  'compliance',
  'readonly',
];
const SEND: RoleCode[] = ['admin', 'supervisor', 'agent'];
const CONFIRM_PHONE: RoleCode[] = ['admin', 'supervisor', 'agent'];

async function customer(t: TestApp, branch = 'BJ01') {
  const r = await t.db
    .insertInto('customers')
    .values({
      code: uniq('NC'),
      kind: 'individual',
      name: '通知',
      status: 'active',
      branch_id: await branchId(t, branch),
      phone: '13911112222',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** An unconfirmed notice to a customer of `branch`. */
export async function riskNotice(t: TestApp, branch = 'BJ01') {
  const r = await t.db
    .insertInto('risk_notices')
    .values({
      customer_id: await customer(t, branch),
      branch_id: await branchId(t, branch),
      kind: 'margin_call',
      title: '追加保证金通知',
      body: '请追加保证金',
      channels: ['sms'],
      token_hash: uniq('h'),
      sent_by: await userId(t, 'admin'),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

addCases([
  { route: 'GET /api/notices', allowed: READ },
  {
    route: 'POST /api/notices',
    allowed: SEND,
    request: async (t) => ({
      url: '/api/notices',
      body: {
        customerId: await customer(t),
        kind: 'margin_call',
        title: '追加保证金通知',
        body: '请追加保证金',
        channels: ['sms'],
      },
    }),
    tables: ['risk_notices', 'sms_outbox'],
  },
  {
    route: 'GET /api/notices/:id',
    allowed: READ,
    request: async (t) => ({ url: `/api/notices/${await riskNotice(t)}` }),
  },
  {
    route: 'GET /api/notices/:id/timeline',
    allowed: READ,
    request: async (t) => ({ url: `/api/notices/${await riskNotice(t)}/timeline` }),
  },
  {
    route: 'POST /api/notices/:id/resend',
    allowed: SEND,
    request: async (t) => ({ url: `/api/notices/${await riskNotice(t)}/resend` }),
    tables: ['risk_notices', 'risk_notice_resends', 'sms_outbox'],
  },
  {
    route: 'POST /api/notices/:id/confirm',
    allowed: CONFIRM_PHONE,
    request: async (t) => ({
      url: `/api/notices/${await riskNotice(t)}/confirm`,
      body: { note: '来电确认' },
    }),
    tables: ['risk_notices', 'interactions', 'tasks'],
  },
  {
    route: 'GET /api/notices/confirm/:token',
    allowed: 'public',
    request: async () => ({ url: `/api/notices/confirm/${'t'.repeat(32)}` }),
  },
  {
    route: 'POST /api/notices/confirm/:token',
    allowed: 'public',
    request: async () => ({ url: `/api/notices/confirm/${'t'.repeat(32)}`, body: { csrf: 'c'.repeat(32) } }),
    tables: ['risk_notices'],
  },
]);

// A user of another branch cannot find, open, change, merge or reveal a customer through any route: every
// customer route answers 404 for a customer of SH01 to a BJ01 user who holds every permission except
// scope.all_branches, and nothing changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_PERMISSIONS } from '../../platform/permissions.ts';
import { createTestApp, type TestApp } from '../../test/app.ts';
import { ensureRole, ensureUser, tableChecksum } from '../../test/fixtures.ts';
import { buildCustomer, idCard, PNG_BYTES, uploadAttachment } from './fixtures.ts';

let t: TestApp;
let foreign: any;
let own: any;
let attachmentId: number;
let interactionId: number;
beforeAll(async () => {
  t = await createTestApp();
  await ensureRole(
    t,
    'bj_all',
    ALL_PERMISSIONS.filter((p) => p !== 'scope.all_branches'),
  );
  await ensureUser(t, 'bj_all_user', { branch: 'BJ01', roles: ['bj_all'] });
  foreign = (
    await buildCustomer(t, 'sh_manager', {
      name: '上海客户',
      idNumber: idCard('19700101', 11),
      phone: '13512345678',
    })
  ).body;
  expect(foreign.branchId).toBe(3);
  own = (await buildCustomer(t, 'bj_all_user', { name: '北京客户', idNumber: idCard('19700101', 11) })).body;
  attachmentId = (await uploadAttachment(t, 'sh_manager', foreign.id, PNG_BYTES, 'a.png')).body.id;
  interactionId = (
    await t.call(await t.login('sh_manager'), 'POST', `/api/customers/${foreign.id}/interactions`, {
      channel: 'visit',
      summary: '拜访',
    })
  ).body.id;
});
afterAll(async () => t?.close());

const TABLES = [
  'customers',
  'customer_contacts',
  'customer_attachments',
  'customer_history',
  'interactions',
  'audit_log',
];
const checksums = async () => Promise.all(TABLES.map((n) => tableChecksum(t, n)));

describe('branch scoping of customers', () => {
  it('hides the customer from every list and search', async () => {
    const c = await t.login('bj_all_user');
    for (const url of [
      '/api/customers?limit=200',
      '/api/customers?branchId=3',
      `/api/customers?q=${encodeURIComponent('上海客户')}`,
      '/api/customers?q=5678',
      `/api/customers?q=${foreign.code}`,
    ]) {
      const r = await t.call(c, 'GET', url);
      expect(r.status).toBe(200);
      expect(r.body.items.map((x: any) => x.id)).not.toContain(foreign.id);
    }
    const all = await t.call(c, 'GET', '/api/customers?limit=200');
    expect(all.body.items.map((x: any) => x.id)).toContain(own.id);
    const s = await t.call(c, 'POST', '/api/customers/search', {
      filters: [{ field: 'branchId', op: 'eq', value: 3 }],
      withCount: true,
    });
    expect(s.body.count).toEqual({ value: 0, capped: false });
    const dup = await t.call(c, 'GET', `/api/customers/${own.id}/duplicates`);
    expect(dup.body.map((d: any) => d.customer.id)).not.toContain(foreign.id);
    const groups = await t.call(c, 'GET', '/api/customers/duplicates?by=id_number');
    expect(JSON.stringify(groups.body)).not.toContain(`"id":${foreign.id},`);
  });

  it('answers 404 on every route that names the customer, and changes nothing', async () => {
    const c = await t.login('bj_all_user');
    const id = foreign.id;
    const before = await checksums();
    const calls: [string, string, unknown?][] = [
      ['GET', `/api/customers/${id}`],
      ['PATCH', `/api/customers/${id}`, { version: foreign.version, name: '改名' }],
      ['GET', `/api/customers/${id}/history`],
      ['POST', `/api/customers/${id}/reveal`, { fields: ['idNumber', 'phone'] }],
      ['GET', `/api/customers/${id}/duplicates`],
      ['POST', `/api/customers/${id}/merge`, { sourceIds: [own.id] }],
      ['POST', `/api/customers/${own.id}/merge`, { sourceIds: [id] }],
      ['GET', `/api/customers/${id}/interactions`],
      ['POST', `/api/customers/${id}/interactions`, { channel: 'phone_out', summary: 'x' }],
      ['GET', `/api/customers/${id}/interactions/${interactionId}`],
      ['GET', `/api/customers/${id}/attachments`],
      ['GET', `/api/customers/${id}/attachments/${attachmentId}/content`],
      ['DELETE', `/api/customers/${id}/attachments/${attachmentId}`],
    ];
    for (const [method, url, body] of calls) {
      const r = await t.call(c, method, url, body);
      expect(r.status, `${method} ${url} ${JSON.stringify(r.body)}`).toBe(404);
    }
    const up = await uploadAttachment(t, 'bj_all_user', id, PNG_BYTES, 'b.png');
    expect(up.status).toBe(404);
    // Nor can a customer be created into, or moved to, another branch.
    const into = await buildCustomer(t, 'bj_all_user', { name: '越界', branchId: 3 });
    expect(into.status).toBe(404);
    const move = await t.call(c, 'PATCH', `/api/customers/${own.id}`, { version: own.version, branchId: 3 });
    expect(move.status).toBe(404);
    expect(await checksums()).toEqual(before);
  });
});

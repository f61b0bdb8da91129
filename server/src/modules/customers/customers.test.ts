import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadActor } from '../../platform/auth.ts';
import type { AuthedCtx } from '../../platform/context.ts';
import { createTestApp, type TestApp } from '../../test/app.ts';
import { userId } from '../../test/fixtures.ts';
import { buildCustomer, customerCode, idCard } from './fixtures.ts';
import { upsertCustomerByCode } from './service.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

const code = customerCode;
const create = async (user: string, body: Record<string, unknown>) => buildCustomer(t, user, body);

describe('customers', () => {
  it('creates an individual with normalised values and reads it back, masked for an agent', async () => {
    const id = idCard();
    const res = await create('supervisor', {
      name: ' 王 伟 ',
      idNumber: id.toLowerCase(),
      phone: '１３８ 1234-5678',
      phoneBackup: '+86 139 8765 4321',
      tags: ['VIP', 'VIP', '套保'],
      profile: { tradingFrequency: '每日', typicalProducts: ['铜', '螺纹钢'] },
      contacts: [{ name: '李娜', role: '配偶', phone: '13700001111' }],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const c = res.body;
    expect(c).toMatchObject({
      name: '王伟',
      idType: 'id_card',
      idNumber: id,
      phone: '13812345678',
      phoneBackup: '13987654321',
      birthDate: '1990-03-07',
      gender: 'male',
      tags: ['VIP', '套保'],
      status: 'prospect',
      branchId: 2,
      piiMasked: false,
      version: 1,
    });
    expect(c.contacts[0]).toMatchObject({ name: '李娜', phone: '13700001111', isPrimary: true });

    const agent = await t.call(await t.login('agent'), 'GET', `/api/customers/${c.id}`);
    expect(agent.status).toBe(200);
    expect(agent.body.idNumber).toBe(`110***********${id.slice(-4)}`);
    expect(agent.body.phone).toBe('138****5678');
    expect(agent.body.contacts[0].phone).toBe('137****1111');
    expect(agent.body.piiMasked).toBe(true);
    const json = JSON.stringify(agent.body);
    for (const secret of [id, '13812345678', '13987654321', '13700001111'])
      expect(json).not.toContain(secret);
  });

  it('answers 400 with the field for a bad ID number or phone', async () => {
    const bad = idCard().slice(0, 17) + (idCard().endsWith('1') ? '2' : '1');
    const r1 = await create('agent', { name: '张三', idType: 'id_card', idNumber: bad });
    expect(r1.status).toBe(400);
    expect(r1.body.error.fields.idNumber).toBe('ID_NUMBER_CHECK_DIGIT');
    const r2 = await create('agent', { name: '张三', phone: '12345678901' });
    expect(r2.status).toBe(400);
    expect(r2.body.error.fields.phone).toBe('PHONE_INVALID');
  });

  it('refuses a duplicate code with 409', async () => {
    const c = code();
    expect((await create('agent', { code: c, name: '甲' })).status).toBe(200);
    const again = await create('agent', { code: c, name: '乙' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('CUSTOMER_CODE_TAKEN');
  });

  it('keeps every change as history, one row per field, and refuses a stale version', async () => {
    const cookie = await t.login('supervisor');
    const c = (await create('supervisor', { name: '赵敏', phone: '13800000001', tier: 'retail' })).body;
    const p = await t.call(cookie, 'PATCH', `/api/customers/${c.id}`, {
      version: c.version,
      name: '赵敏敏',
      phone: '13800000002',
      custom: {},
      profile: { preferences: '上午联系' },
    });
    expect(p.status, JSON.stringify(p.body)).toBe(200);
    expect(p.body.version).toBe(c.version + 1);
    const h = await t.call(cookie, 'GET', `/api/customers/${c.id}/history`);
    expect(h.status).toBe(200);
    const fields = h.body.items.map((x: any) => x.field).sort();
    expect(fields).toEqual(['*', 'name', 'phone', 'profile.preferences']);
    const phone = h.body.items.find((x: any) => x.field === 'phone');
    expect(phone).toMatchObject({
      oldValue: '13800000001',
      newValue: '13800000002',
      actorName: expect.any(String),
    });
    // The agent sees the same history masked.
    const ha = await t.call(await t.login('agent'), 'GET', `/api/customers/${c.id}/history`);
    expect(JSON.stringify(ha.body)).not.toContain('13800000002');

    const stale = await t.call(cookie, 'PATCH', `/api/customers/${c.id}`, {
      version: c.version,
      tier: 'vip',
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('VERSION_CONFLICT');
    expect(stale.body.error.details.current.name).toBe('赵敏敏');
    expect(stale.body.error.details.current.version).toBe(c.version + 1);
  });

  it('validates custom fields by type, options and required, per kind', async () => {
    const admin = await t.login('admin');
    const f1 = await t.call(admin, 'POST', '/api/custom-fields', {
      key: 'wechat_id',
      kind: 'individual',
      label: '微信号',
      type: 'text',
      required: true,
    });
    expect(f1.status, JSON.stringify(f1.body)).toBe(200);
    const f2 = await t.call(admin, 'POST', '/api/custom-fields', {
      key: 'channels',
      kind: 'all',
      label: '偏好渠道',
      type: 'multi_choice',
      options: [
        { value: 'sms', label: '短信' },
        { value: 'phone', label: '电话' },
      ],
    });
    expect(f2.status).toBe(200);
    expect(
      (
        await t.call(await t.login('agent'), 'POST', '/api/custom-fields', {
          key: 'x',
          kind: 'all',
          label: 'x',
          type: 'text',
        })
      ).status,
    ).toBe(403);

    const missing = await create('agent', { name: '钱多多' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.fields['custom.wechat_id']).toBe('REQUIRED');
    const badOpt = await create('agent', { name: '钱多多', custom: { wechat_id: 'qdd', channels: ['fax'] } });
    expect(badOpt.body.error.fields['custom.channels']).toBe('CUSTOM_OPTION');
    const unknown = await create('agent', { name: '钱多多', custom: { wechat_id: 'qdd', nope: 1 } });
    expect(unknown.body.error.fields['custom.nope']).toBe('CUSTOM_FIELD_UNKNOWN');
    const ok = await create('agent', { name: '钱多多', custom: { wechat_id: 'qdd', channels: ['sms'] } });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.custom).toEqual({ wechat_id: 'qdd', channels: ['sms'] });
    // Organisations do not have the individual-only required field.
    const org = await create('agent', { kind: 'organisation', name: '某某贸易有限公司' });
    expect(org.status, JSON.stringify(org.body)).toBe(200);

    // The custom field is filterable like a built-in one (jsonb containment).
    const s = await t.call(await t.login('agent'), 'POST', '/api/customers/search', {
      filters: [{ field: 'custom.channels', op: 'hasAny', value: ['sms'] }],
      withCount: true,
    });
    expect(s.status, JSON.stringify(s.body)).toBe(200);
    expect(s.body.items.map((x: any) => x.id)).toEqual([ok.body.id]);
    expect(s.body.count).toEqual({ value: 1, capped: false });
    // Retire the required field so later tests are not bound by it.
    await t.call(admin, 'PATCH', `/api/custom-fields/${f1.body.id}`, {
      version: f1.body.version,
      active: false,
    });
  });

  it('logs interactions on a timeline, newest first, and moves last contact', async () => {
    const cookie = await t.login('agent');
    const c = (await create('agent', { name: '孙悟空' })).body;
    const times = ['2026-11-01T09:00:00+08:00', '2026-11-03T09:00:00+08:00', '2026-11-02T09:00:00+08:00'];
    for (const [i, occurredAt] of times.entries()) {
      const r = await t.call(cookie, 'POST', `/api/customers/${c.id}/interactions`, {
        channel: i === 0 ? 'phone_in' : 'visit',
        occurredAt,
        summary: `第${i + 1}次联系`,
      });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }
    const p1 = await t.call(cookie, 'GET', `/api/customers/${c.id}/interactions?limit=2`);
    expect(p1.body.items.map((x: any) => x.summary)).toEqual(['第2次联系', '第3次联系']);
    expect(p1.body.items[0]).toMatchObject({
      direction: 'outbound',
      source: 'manual',
      staffName: expect.any(String),
    });
    const p2 = await t.call(
      cookie,
      'GET',
      `/api/customers/${c.id}/interactions?limit=2&cursor=${p1.body.nextCursor}`,
    );
    expect(p2.body.items.map((x: any) => x.summary)).toEqual(['第1次联系']);
    expect(p2.body.nextCursor).toBeNull();
    const after = await t.call(cookie, 'GET', `/api/customers/${c.id}`);
    expect(after.body.lastContactAt).toBe(new Date(times[1]).toISOString());
    expect(after.body.version).toBe(c.version);
  });

  it('reveals personal data to a permitted user only, and audits it', async () => {
    const id = idCard('19851111', 456);
    const c = (await create('supervisor', { name: '周芷若', idNumber: id, phone: '13911112222' })).body;
    const denied = await t.call(await t.login('agent'), 'POST', `/api/customers/${c.id}/reveal`, {
      fields: ['idNumber'],
    });
    expect(denied.status).toBe(403);
    const r = await t.call(await t.login('manager'), 'POST', `/api/customers/${c.id}/reveal`, {
      fields: ['idNumber', 'phone'],
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ idNumber: id, phone: '13911112222' });
    const rows = await t.db
      .selectFrom('audit_log')
      .select(['action', 'actor_name', 'meta'])
      .where('entity', '=', 'customer')
      .where('entity_id', '=', String(c.id))
      .where('action', '=', 'customer.pii_revealed')
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor_name: 'manager', meta: { fields: ['idNumber', 'phone'] } });
    // Audit rows never hold the full number.
    const all = await t.db
      .selectFrom('audit_log')
      .select(['before', 'after'])
      .where('entity_id', '=', String(c.id))
      .execute();
    expect(JSON.stringify(all)).not.toContain(id);
  });

  it('keeps saved views per user', async () => {
    const a = await t.login('agent');
    const v = await t.call(a, 'POST', '/api/customer-views', {
      name: '我的VIP',
      query: { filters: [{ field: 'tags', op: 'eq', value: 'VIP' }], sort: 'name' },
      isDefault: true,
    });
    expect(v.status, JSON.stringify(v.body)).toBe(200);
    expect((await t.call(a, 'GET', '/api/customer-views')).body.map((x: any) => x.name)).toEqual(['我的VIP']);
    const other = await t.login('agent2');
    expect((await t.call(other, 'GET', '/api/customer-views')).body).toEqual([]);
    expect((await t.call(other, 'PATCH', `/api/customer-views/${v.body.id}`, { name: 'x' })).status).toBe(
      404,
    );
    expect((await t.call(other, 'DELETE', `/api/customer-views/${v.body.id}`)).status).toBe(404);
    expect((await t.call(a, 'DELETE', `/api/customer-views/${v.body.id}`)).status).toBe(200);
  });

  it('upserts by code for the importer: created, updated (history), unchanged', async () => {
    const actor = (await loadActor(t.db, await userId(t, 'agent')))!;
    const ctx: AuthedCtx = { db: t.db, actor, ip: null };
    const c = code();
    const a = await upsertCustomerByCode(ctx, {
      code: c,
      kind: 'individual',
      name: '导入客户',
      phone: '13811112222',
    });
    expect(a.action).toBe('created');
    const b = await upsertCustomerByCode(ctx, { code: c, kind: 'individual', name: '导入客户', tier: 'vip' });
    expect(b).toEqual({ action: 'updated', id: a.id });
    const same = await upsertCustomerByCode(ctx, { code: c, kind: 'individual', name: '导入客户' });
    expect(same.action).toBe('unchanged');
    const row = await t.db
      .selectFrom('customers')
      .select(['tier', 'phone', 'version'])
      .where('id', '=', a.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ tier: 'vip', phone: '13811112222', version: 2 });
    const h = await t.db
      .selectFrom('customer_history')
      .select('field')
      .where('customer_id', '=', a.id)
      .execute();
    expect(h.map((x) => x.field).sort()).toEqual(['*', 'tier']);
    await expect(
      upsertCustomerByCode(ctx, { code: c, kind: 'individual', name: '导入客户', phone: '123' }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: { phone: 'PHONE_INVALID' },
    });
  });

  it('never shows an agent a full ID number or phone in any customer response', async () => {
    const id = idCard('19660606', 606);
    const secrets = [id, '13866660001', '13866660002', '13866660003'];
    const c = (
      await create('supervisor', {
        name: '欧阳锋',
        idNumber: id,
        phone: secrets[1],
        phoneBackup: secrets[2],
        contacts: [{ name: '欧阳克', phone: secrets[3] }],
      })
    ).body;
    await create('supervisor', { name: '欧阳锋', phone: secrets[1] }); // a duplicate to be listed
    const agent = await t.login('agent');
    const responses = [
      await t.call(agent, 'GET', `/api/customers/${c.id}`),
      await t.call(agent, 'GET', `/api/customers?q=${encodeURIComponent('欧阳')}`),
      await t.call(agent, 'GET', '/api/customers?q=6666'),
      await t.call(agent, 'POST', '/api/customers/search', { q: secrets[1] }),
      await t.call(agent, 'GET', `/api/customers/${c.id}/duplicates`),
      await t.call(agent, 'GET', `/api/customers/${c.id}/history`),
      await t.call(agent, 'POST', `/api/customers/${c.id}/interactions`, {
        channel: 'phone_in',
        summary: '来电',
      }),
      await t.call(agent, 'GET', `/api/customers/${c.id}/interactions`),
      await t.call(agent, 'PATCH', `/api/customers/${c.id}`, { version: c.version, tier: 'vip' }),
      await t.call(agent, 'PATCH', `/api/customers/${c.id}`, { version: c.version, tier: 'x' }), // 409 with the record
      await t.call(agent, 'PATCH', `/api/customers/${c.id}`, {
        version: c.version + 1,
        phone: '13866660009',
        contacts: [{ name: '欧阳克', phone: secrets[3] }],
      }),
      await t.call(agent, 'GET', `/api/customers/${c.id}/history`),
    ];
    expect(responses.map((r) => r.status)).toEqual([
      200, 200, 200, 200, 200, 200, 200, 200, 200, 409, 200, 200,
    ]);
    expect(responses[2].body.items.map((x: any) => x.id)).toContain(c.id);
    const json = JSON.stringify(responses.map((r) => r.body));
    for (const secret of [...secrets, '13866660009']) expect(json).not.toContain(secret);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sniffContentType } from '../../platform/files.ts';
import { createTestApp, type TestApp } from '../../test/app.ts';
import { buildCustomer, PNG_BYTES, type UploadOpts, uploadAttachment } from './fixtures.ts';

let t: TestApp;
let customerId: number;
beforeAll(async () => {
  t = await createTestApp();
  customerId = (await buildCustomer(t, 'agent', { name: '门店客户' })).body.id;
});
afterAll(async () => t?.close());

const PNG = PNG_BYTES;
const PDF = Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n');

const upload = (user: string, id: number, content: Buffer, filename: string, opts?: UploadOpts) =>
  uploadAttachment(t, user, id, content, filename, opts);

describe('attachments', () => {
  it('reads the type from the bytes, not the name or the header', async () => {
    const r = await upload('agent', customerId, PNG, '门头照片.pdf', {
      category: 'photo',
      claimedType: 'application/pdf',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({
      contentType: 'image/png',
      inline: true,
      filename: '门头照片.pdf',
      category: 'photo',
    });
    const html = await upload('agent', customerId, Buffer.from('<html><script>alert(1)</script>'), 'x.png', {
      claimedType: 'image/png',
    });
    expect(html.status).toBe(400);
    expect(html.body.error.code).toBe('FILE_TYPE_NOT_ALLOWED');
    expect(await sniffContentType(PDF, 'a.bin')).toBe('application/pdf');
  });

  it('serves images inline and documents as downloads, with nosniff', async () => {
    const img = await upload('agent', customerId, PNG, 'shop.png', { category: 'photo' });
    const doc = await upload('agent', customerId, PDF, '合同.pdf', { category: 'document' });
    const cookie = await t.login('viewer');
    const a = await t.app.inject({
      url: `/api/customers/${customerId}/attachments/${img.body.id}/content`,
      headers: { cookie },
    });
    expect(a.statusCode).toBe(200);
    expect(a.headers['content-type']).toBe('image/png');
    expect(a.headers['content-disposition']).toMatch(/^inline;/);
    expect(a.headers['x-content-type-options']).toBe('nosniff');
    expect(a.rawPayload.equals(PNG)).toBe(true);
    const d = await t.app.inject({
      url: `/api/customers/${customerId}/attachments/${doc.body.id}/content`,
      headers: { cookie },
    });
    expect(d.headers['content-type']).toBe('application/pdf');
    expect(d.headers['content-disposition']).toContain(
      'attachment; filename="__.pdf"; filename*=UTF-8\'\'%E5%90%88%E5%90%8C.pdf',
    );
    const list = await t.call(cookie, 'GET', `/api/customers/${customerId}/attachments`);
    expect(list.body.length).toBeGreaterThanOrEqual(2);
  });

  it('refuses files over 10 MB with 413', async () => {
    const big = Buffer.concat([PNG, Buffer.alloc(10 * 1024 * 1024 + 10)]);
    const r = await upload('agent', customerId, big, 'big.png');
    expect(r.status).toBe(413);
  });

  it('treats an ID scan as personal data', async () => {
    const scan = await upload('agent', customerId, PNG, 'id.png', { category: 'id_scan' });
    const url = `/api/customers/${customerId}/attachments/${scan.body.id}/content`;
    const agent = await t.app.inject({ url, headers: { cookie: await t.login('agent') } });
    expect(agent.statusCode).toBe(403);
    const mgr = await t.app.inject({ url, headers: { cookie: await t.login('manager') } });
    expect(mgr.statusCode).toBe(200);
    const audited = await t.db
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'customer.pii_viewed')
      .where('entity_id', '=', String(customerId))
      .execute();
    expect(audited.length).toBeGreaterThanOrEqual(1);
  });

  it('deletes with a history row; readers may not delete', async () => {
    const f = await upload('agent', customerId, PNG, 'old.png');
    expect(
      (
        await t.call(
          await t.login('viewer'),
          'DELETE',
          `/api/customers/${customerId}/attachments/${f.body.id}`,
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await t.call(
          await t.login('agent'),
          'DELETE',
          `/api/customers/${customerId}/attachments/${f.body.id}`,
        )
      ).status,
    ).toBe(200);
    const h = await t.call(await t.login('agent'), 'GET', `/api/customers/${customerId}/history`);
    expect(h.body.items[0]).toMatchObject({
      field: 'attachments',
      newValue: null,
      oldValue: { filename: 'old.png' },
    });
  });
});

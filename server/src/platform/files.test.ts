// The one file policy (platform/files.ts, docs/SECURITY.md "Files"): types read from the content against the
// allow-list, active content never inline, one size limit per kind (413 naming the field), download names masked.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCustomer, PNG_BYTES, uploadAttachment } from '../modules/customers/fixtures.ts';
import { createTestApp, type TestApp } from '../test/app.ts';
import { userId } from '../test/fixtures.ts';
import { makeZip } from '../test/zip.ts';
import { fileHeaders, safeFilename, sniffContentType } from './files.ts';
import type { Actor } from './permissions.ts';

const actor = (permissions: string[]): Actor => ({
  id: 1,
  username: 'x',
  displayName: 'x',
  branchId: 2,
  departmentId: 1,
  teamId: null,
  locale: 'zh-CN',
  roles: [],
  permissions: new Set(permissions),
});
const CFB = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1]);

describe('file types', () => {
  it('reads the type from the content with file-type and keeps only the allow-list', async () => {
    expect(await sniffContentType(PNG_BYTES, 'a.pdf')).toBe('image/png');
    expect(await sniffContentType(JPEG, 'a.txt')).toBe('image/jpeg');
    expect(await sniffContentType(Buffer.from('%PDF-1.7\n1 0 obj\n'), 'a.png')).toBe('application/pdf');
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('a').addRow(['x']);
    const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
    expect(await sniffContentType(xlsx, 'book.zip')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    // A plain zip archive is not an Office file, whatever it is called.
    expect(await sniffContentType(makeZip([{ name: 'a.txt', data: 'hello' }]), 'a.docx')).toBeNull();
    // Legacy Word and Excel share one container: the extension tells them apart; another name is refused.
    expect(await sniffContentType(CFB, '旧合同.doc')).toBe('application/msword');
    expect(await sniffContentType(CFB, '报表.XLS')).toBe('application/vnd.ms-excel');
    expect(await sniffContentType(CFB, 'setup.msi')).toBeNull();
    expect(await sniffContentType(Buffer.from('客户来电记录\n第二行'), 'notes.txt')).toBe('text/plain');
    expect(await sniffContentType(Buffer.from('a\u0000b'), 'x.txt')).toBeNull();
    expect(await sniffContentType(Buffer.alloc(0), 'x.txt')).toBeNull();
  });

  it('refuses active content: HTML, SVG, XML, whatever the name', async () => {
    for (const text of [
      '<html><script>alert(1)</script></html>',
      '  <!DOCTYPE html><p>x',
      '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
      '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
      '\uFEFF<script>alert(1)</script>',
    ])
      expect(await sniffContentType(Buffer.from(text), 'photo.png'), text).toBeNull();
  });

  it('cleans names: no path, no control or direction-override characters', () => {
    expect(safeFilename('../../etc/passwd')).toBe('passwd');
    expect(safeFilename('C:\\temp\\报告.pdf')).toBe('报告.pdf');
    expect(safeFilename('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
    expect(safeFilename('a"b\r\nc.txt')).toBe('abc.txt');
    expect(safeFilename('')).toBe('file');
  });
});

describe('download headers', () => {
  const png = { filename: '截图-18633334444.png', contentType: 'image/png', size: 68 };

  it('serves only safe images inline; anything else, and types off the list, as a download', () => {
    const img = fileHeaders(actor(['customer.pii']), png).headers;
    expect(img).toMatchObject({
      'content-type': 'image/png',
      'content-length': '68',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'cache-control': 'private, max-age=300',
    });
    expect(img['content-disposition']).toMatch(/^inline; /);
    for (const contentType of ['text/html', 'image/svg+xml', 'application/xml', 'application/javascript']) {
      const h = fileHeaders(actor([]), { filename: 'x', contentType, size: 1 }).headers;
      expect(h['content-type'], contentType).toBe('application/octet-stream');
      expect(h['content-disposition'], contentType).toMatch(/^attachment; /);
    }
    const pdf = fileHeaders(actor([]), {
      filename: 'a.pdf',
      contentType: 'application/pdf',
      size: 1,
    }).headers;
    expect(pdf['content-disposition']).toMatch(/^attachment; /);
    const txt = fileHeaders(actor([]), { filename: 'a.txt', contentType: 'text/plain', size: 1 }).headers;
    expect(txt['content-type']).toBe('text/plain; charset=utf-8');
    expect(txt['content-disposition']).toMatch(/^attachment; /);
  });

  it('masks personal data in the name unless the actor has customer.pii', () => {
    const masked = fileHeaders(actor(['ticket.read']), png);
    expect(masked.nameHeldPii).toBe(true);
    expect(JSON.stringify(masked.headers)).not.toContain('18633334444');
    expect(masked.headers['content-disposition']).toBe(
      'inline; filename="__-186****4444.png"; filename*=UTF-8\'\'%E6%88%AA%E5%9B%BE-186%2A%2A%2A%2A4444.png',
    );
    const shown = fileHeaders(actor(['customer.pii']), png);
    expect(shown.headers['content-disposition']).toContain('18633334444');
    expect(shown.nameHeldPii).toBe(true);
    expect(fileHeaders(actor([]), { ...png, filename: '门头.png' }).nameHeldPii).toBe(false);
  });
});

describe('uploads through the policy', () => {
  let t: TestApp;
  let customerId: number;
  let ticketId: number;
  beforeAll(async () => {
    t = await createTestApp({ env: { KEFU_UPLOAD_ATTACHMENT_MAX_BYTES: '65536' } });
    customerId = (await buildCustomer(t, 'agent', { name: '附件客户', branchId: 2 })).body.id;
    const tk = await t.call(await t.login('agent'), 'POST', '/api/tickets', {
      type: 'complaint',
      channel: 'phone_in',
      subject: '附件工单',
      customerId,
      assigneeId: await userId(t, 'agent'),
    });
    expect(tk.status, JSON.stringify(tk.body)).toBe(200);
    ticketId = tk.body.id;
  });
  afterAll(async () => t?.close());

  const ticketUpload = async (content: Buffer, name: string, claimed: string) => {
    const form = new FormData();
    form.append('file', new Blob([content], { type: claimed }), name);
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/tickets/${ticketId}/attachments`,
      headers: { cookie: await t.login('agent') },
      payload: form as any,
    });
    return { status: res.statusCode, body: JSON.parse(res.body) };
  };

  it('answers 413 FILE_TOO_LARGE naming the field over the attachment limit (customer and ticket)', async () => {
    const big = Buffer.concat([PNG_BYTES, Buffer.alloc(70_000)]);
    const c = await uploadAttachment(t, 'agent', customerId, big, 'big.png');
    expect(c.status).toBe(413);
    expect(c.body.error).toMatchObject({ code: 'FILE_TOO_LARGE', fields: { file: 'FILE_TOO_LARGE' } });
    expect(c.body.error.details).toMatchObject({ kind: 'attachment', maxBytes: 65536 });
    const tk = await ticketUpload(big, 'big.png', 'image/png');
    expect(tk.status).toBe(413);
    expect(tk.body.error).toMatchObject({ code: 'FILE_TOO_LARGE', fields: { file: 'FILE_TOO_LARGE' } });
    const rows = await t.db
      .selectFrom('ticket_attachments')
      .select('id')
      .where('ticket_id', '=', ticketId)
      .execute();
    expect(rows).toEqual([]);
  });

  it('a ticket attachment: the type from the content, active content refused, served safely', async () => {
    const html = await ticketUpload(Buffer.from('<html><script>alert(1)</script>'), 'a.png', 'image/png');
    expect(html.status).toBe(400);
    expect(html.body.error).toMatchObject({
      code: 'FILE_TYPE_NOT_ALLOWED',
      fields: { file: 'FILE_TYPE_NOT_ALLOWED' },
    });
    const svg = await ticketUpload(
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'),
      'a.svg',
      'image/svg+xml',
    );
    expect(svg.status).toBe(400);
    const png = await ticketUpload(PNG_BYTES, '../截图.png', 'text/html');
    expect(png.status, JSON.stringify(png.body)).toBe(200);
    expect(png.body).toMatchObject({ contentType: 'image/png', fileName: '截图.png' });
    const dl = await t.app.inject({
      url: `/api/tickets/${ticketId}/attachments/${png.body.id}`,
      headers: { cookie: await t.login('viewer') },
    });
    expect(dl.statusCode).toBe(200);
    expect(dl.headers).toMatchObject({
      'content-type': 'image/png',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
    });
    expect(dl.headers['content-disposition']).toMatch(/^inline; /);
    expect(dl.rawPayload.equals(PNG_BYTES)).toBe(true);
    // A file stored before the policy with an active type is served as an opaque download.
    const old = await t.db
      .insertInto('ticket_attachments')
      .values({
        ticket_id: ticketId,
        file_name: 'x.html',
        content_type: 'text/html',
        size: 9,
        data: Buffer.from('<b>x</b>!'),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const legacy = await t.app.inject({
      url: `/api/tickets/${ticketId}/attachments/${old.id}`,
      headers: { cookie: await t.login('agent') },
    });
    expect(legacy.headers['content-type']).toBe('application/octet-stream');
    expect(legacy.headers['content-disposition']).toMatch(/^attachment; /);
  });

  it('a name with personal data: masked for a role without customer.pii, audited for one with it', async () => {
    const up = await ticketUpload(PNG_BYTES, '回执-13812345678.png', 'image/png');
    expect(up.status).toBe(200);
    const url = `/api/tickets/${ticketId}/attachments/${up.body.id}`;
    const agent = await t.app.inject({ url, headers: { cookie: await t.login('agent') } });
    expect(agent.statusCode).toBe(200);
    expect(JSON.stringify(agent.headers)).not.toContain('13812345678');
    expect(agent.headers['content-disposition']).toContain('138%2A%2A%2A%2A5678.png');
    const before = await t.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.max('id').as('max'))
      .executeTakeFirstOrThrow();
    const admin = await t.app.inject({ url, headers: { cookie: await t.login('admin') } });
    expect(admin.headers['content-disposition']).toContain('13812345678');
    const rows = await t.db
      .selectFrom('audit_log')
      .select(['action', 'entity_id', 'meta'])
      .where('id', '>', Number(before.max ?? 0))
      .where('actor_name', '=', 'admin')
      .execute();
    expect(rows).toEqual([
      {
        action: 'customer.pii_viewed',
        entity_id: String(customerId),
        meta: { ticketId, attachmentId: up.body.id, kinds: ['file_name'] },
      },
    ]);
  });
});

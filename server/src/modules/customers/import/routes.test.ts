import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.ts';
import { ensureRole, ensureUser } from '../../../test/fixtures.ts';
import { badCheckDigit, csvText, mobile, validIdNumber } from './fixtures.ts';
import { runImportJob } from './jobs.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

async function upload(user: string, content: Buffer, filename: string) {
  const form = new FormData();
  form.append('file', new Blob([content]), filename);
  const req = new Request('http://localhost/', { method: 'POST', body: form });
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/customers/import/uploads',
    headers: { cookie: await t.login(user), 'content-type': req.headers.get('content-type')! },
    payload: Buffer.from(await req.arrayBuffer()),
  });
  return { status: res.statusCode, body: JSON.parse(res.body) };
}

async function exportAs(user: string, body: unknown) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/customers/export',
    headers: { cookie: await t.login(user) },
    payload: body as object,
  });
  return res;
}

describe('import over HTTP', () => {
  it('upload → preview with automatic mapping → run in the background → progress → error file', async () => {
    const rows: (string | number)[][] = [
      ['客户编号', '客户姓名', '证件号码', '手机号码', '营业部', '客户级别'],
    ];
    for (let i = 1; i <= 30; i++)
      rows.push([
        `W${String(i).padStart(3, '0')}`,
        `客户${i}`,
        validIdNumber(100 + i),
        mobile(100 + i),
        'BJ01',
        '金卡',
      ]);
    rows[5][2] = badCheckDigit(validIdNumber(105));
    const up = await upload('supervisor', iconv.encode(csvText(rows), 'gb18030'), '客户名单.csv');
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ status: 'uploaded', fileName: '客户名单.csv' });
    const cookie = await t.login('supervisor');

    const preview = await t.call(cookie, 'GET', `/api/customers/import/jobs/${up.body.id}/preview`);
    expect(preview.status).toBe(200);
    expect(preview.body.rows).toHaveLength(20);
    expect(preview.body.rows[0]).toEqual({ line: 2, cells: rows[1].map(String) });
    expect(preview.body.mapping).toEqual({
      客户编号: 'code',
      客户姓名: 'name',
      证件号码: 'idNumber',
      手机号码: 'phone',
      营业部: 'branch',
      客户级别: 'tier',
    });
    expect(preview.body.fields.map((f: { key: string }) => f.key)).toContain('riskLevel');

    // Another user does not see the job; a second run is refused.
    expect(
      (await t.call(await t.login('admin'), 'GET', `/api/customers/import/jobs/${up.body.id}`)).status,
    ).toBe(200);
    const run = await t.call(cookie, 'POST', `/api/customers/import/jobs/${up.body.id}/run`, {
      mapping: { 客户级别: null },
    });
    expect(run.status).toBe(200);
    expect(run.body.status).toBe('queued');
    expect((await t.call(cookie, 'POST', `/api/customers/import/jobs/${up.body.id}/run`, {})).status).toBe(
      409,
    );

    await runImportJob(t.db, up.body.id); // what the background worker does
    const job = await t.call(cookie, 'GET', `/api/customers/import/jobs/${up.body.id}`);
    expect(job.body).toMatchObject({ status: 'done', rowsRead: 30, created: 29, rejected: 1 });
    expect(job.body.errors[0]).toMatchObject({ line: 6, field: 'idNumber', reason: 'ID_NUMBER_CHECK_DIGIT' });
    const w1 = await t.db
      .selectFrom('customers')
      .select(['tier'])
      .where('code', '=', 'W001')
      .executeTakeFirst();
    expect(w1?.tier).toBeNull(); // the column was mapped to nothing

    const errors = await t.app.inject({
      method: 'GET',
      url: `/api/customers/import/jobs/${up.body.id}/errors`,
      headers: { cookie },
    });
    expect(errors.statusCode).toBe(200);
    expect(errors.headers['content-type']).toContain('text/csv');
    expect(errors.body).toContain('W005,客户5');
    expect(errors.body).toContain('第6行');

    const list = await t.call(cookie, 'GET', '/api/customers/import/jobs');
    expect(list.body.map((j: { id: number }) => j.id)).toContain(up.body.id);

    // An import whose process died shows as interrupted once its row stops moving.
    await t.db
      .updateTable('import_jobs')
      .set({ status: 'running', updated_at: new Date(Date.now() - 3_600_000) })
      .where('id', '=', up.body.id)
      .execute();
    const stalled = await t.call(cookie, 'GET', `/api/customers/import/jobs/${up.body.id}`);
    expect(stalled.body.status).toBe('interrupted');
  });

  it('refuses importing for roles without customer.import, and files that are not CSV or XLSX', async () => {
    const r = await upload('agent', Buffer.from('客户编号\nA1'), 'a.csv');
    expect(r.status).toBe(403);
    const bad = await upload('supervisor', Buffer.from('MZ'), 'a.exe');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('IMPORT_FILE_TYPE');
  });

  it('saves mappings per user or shared', async () => {
    const sup = await t.login('supervisor');
    const admin = await t.login('admin');
    const mine = await t.call(sup, 'POST', '/api/customers/import/mappings', {
      name: '柜台系统导出',
      columns: { 资金账号: 'code', 客户名称: 'name' },
    });
    expect(mine.status).toBe(200);
    const shared = await t.call(admin, 'POST', '/api/customers/import/mappings', {
      name: '总部模板',
      columns: { 代码: 'code' },
      shared: true,
    });
    expect(shared.status).toBe(200);
    const seen = await t.call(sup, 'GET', '/api/customers/import/mappings');
    expect(seen.body.map((m: { name: string }) => m.name).sort()).toEqual(
      ['总部模板', '柜台系统导出'].sort(),
    );
    const adminSees = await t.call(admin, 'GET', '/api/customers/import/mappings');
    expect(adminSees.body.map((m: { name: string }) => m.name)).not.toContain('柜台系统导出');
    // Only the owner changes a mapping.
    expect(
      (
        await t.call(sup, 'PATCH', `/api/customers/import/mappings/${shared.body.id}`, {
          name: 'x',
          version: 1,
        })
      ).status,
    ).toBe(404);
    const renamed = await t.call(sup, 'PATCH', `/api/customers/import/mappings/${mine.body.id}`, {
      name: '柜台导出',
      version: mine.body.version,
    });
    expect(renamed.body).toMatchObject({ name: '柜台导出', version: 2 });
    expect((await t.call(sup, 'DELETE', `/api/customers/import/mappings/${mine.body.id}`)).status).toBe(200);
  });
});

describe('export', () => {
  beforeAll(async () => {
    const cookie = await t.login('admin');
    const bj = await t.db
      .selectFrom('branches')
      .select('id')
      .where('code', '=', 'BJ01')
      .executeTakeFirstOrThrow();
    for (const [code, name] of [
      ['E001', '=HYPERLINK("http://evil.example","点我")'],
      ['E002', '＋cmd|calc'],
      ['E003', '-2+3'],
      ['E004', '@SUM(A1)'],
      ['E005', '导出测试,带逗号'],
    ]) {
      const r = await t.call(cookie, 'POST', '/api/customers', {
        code,
        kind: 'individual',
        name,
        branchId: bj.id,
        idType: 'id_card',
        idNumber: validIdNumber(500 + Number(code.slice(1))),
        phone: mobile(500 + Number(code.slice(1))),
      });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }
    // The API folds full-width forms (NFKC); data from elsewhere may still hold them.
    await t.db.updateTable('customers').set({ name: '＋cmd|calc' }).where('code', '=', 'E002').execute();
  });

  const query = {
    query: { q: '', filters: [{ field: 'code', op: 'in', value: ['E001', 'E002', 'E003', 'E004', 'E005'] }] },
  };

  it('writes CSV with a BOM, formula cells escaped, full personal data for a role with customer.pii, and audits it', async () => {
    const res = await exportAs('supervisor', { ...query, format: 'csv' });
    expect(res.statusCode).toBe(200);
    const body = res.body;
    expect(body.startsWith('\uFEFF客户编号,客户姓名')).toBe(true);
    expect(body).toContain(`E001,"'=HYPERLINK(""http://evil.example"",""点我"")"`);
    expect(body).toContain("E002,'＋cmd|calc");
    expect(body).toContain("E003,'-2+3");
    expect(body).toContain("E004,'@SUM(A1)");
    expect(body).toContain('E005,"导出测试,带逗号"');
    expect(body).toContain(validIdNumber(501));
    expect(body.trim().split('\r\n')).toHaveLength(6);
    const a = await t.db
      .selectFrom('audit_log')
      .select(['meta', 'actor_name'])
      .where('action', '=', 'customer.exported')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(a).toMatchObject({ actor_name: 'supervisor', meta: { rows: 5, format: 'csv', unmasked: true } });
    expect((a.meta as { query: unknown }).query).toEqual(query.query);
  });

  it('masks ID numbers and phones for a role without customer.pii; refuses roles without customer.export', async () => {
    await ensureRole(t, 'exporter', ['customer.read', 'customer.export']);
    await ensureUser(t, 'exporter1', { roles: ['exporter'] });
    const res = await exportAs('exporter1', { ...query, format: 'csv' });
    expect(res.statusCode).toBe(200);
    const id = validIdNumber(501);
    expect(res.body).not.toContain(id);
    expect(res.body).toContain(`${id.slice(0, 3)}***********${id.slice(-4)}`);
    expect(res.body).not.toContain(mobile(501));
    expect((await exportAs('agent', { ...query, format: 'csv' })).statusCode).toBe(403);
  });

  it('writes XLSX with formula cells as text', async () => {
    const res = await exportAs('admin', { ...query, format: 'xlsx' });
    expect(res.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    expect(ws.getRow(1).getCell(1).value).toBe('客户编号');
    const names = [2, 3, 4, 5, 6].map((r) => ws.getRow(r).getCell(2).value);
    expect(names).toContain(`'=HYPERLINK("http://evil.example","点我")`);
    expect(ws.rowCount).toBe(6);
  });

  it('answers 400 for a bad filter before sending anything', async () => {
    const res = await exportAs('admin', {
      query: { filters: [{ field: 'nope', op: 'eq', value: 1 }] },
      format: 'csv',
    });
    expect(res.statusCode).toBe(400);
  });
});

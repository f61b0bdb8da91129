import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadActor } from '../../../platform/auth.ts';
import { createTestApp, type TestApp } from '../../../test/app.ts';
import { badCheckDigit, csvText, mobile, validIdNumber } from './fixtures.ts';
import { readChunks } from './repo.ts';
import { importCustomers } from './service.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

const sys = () => ({ db: t.db, actor: null, ip: null });
const run = (text: string | Buffer, fileName = 'customers.csv', extra: object = {}) =>
  importCustomers(sys(), {
    fileName,
    source: Readable.from([typeof text === 'string' ? Buffer.from(text) : text]),
    ...extra,
  });
const customer = (code: string) =>
  t.db.selectFrom('customers').selectAll().where('code', '=', code).executeTakeFirst();
const errorFile = async (jobId: number) => {
  const parts: Buffer[] = [];
  for await (const c of readChunks(t.db, jobId, 'errors')) parts.push(c);
  return Buffer.concat(parts).toString('utf8');
};

describe('customer import', () => {
  it('reads a GBK file, rejects the row with a bad ID check digit with row, field and reason, imports the rest', async () => {
    const good1 = validIdNumber(1);
    const good2 = validIdNumber(2);
    const text = csvText([
      ['客户编号', '客户姓名', '证件号码', '手机号码', '营业部'],
      ['G001', '王伟', good1, mobile(1), 'BJ01'],
      ['G002', '李娜', badCheckDigit(good2), mobile(2), '北京朝阳营业部'],
      ['G003', '张秀英', good2, mobile(3), 'SH01'],
    ]);
    const gbk = iconv.encode(text, 'gbk');
    expect(gbk.includes(Buffer.from('客户编号'))).toBe(false); // really not UTF-8
    const res = await run(gbk);
    expect(res).toMatchObject({ rowsRead: 3, created: 2, updated: 0, rejected: 1 });
    expect(res.errors).toEqual([
      expect.objectContaining({ line: 3, field: 'idNumber', reason: 'ID_NUMBER_CHECK_DIGIT' }),
    ]);
    expect((await customer('G001'))?.name).toBe('王伟');
    expect((await customer('G001'))?.birth_date).toBeTruthy();
    expect(await customer('G002')).toBeUndefined();
    const errors = await errorFile(res.jobId);
    expect(errors.startsWith('\uFEFF客户编号,客户姓名,证件号码,手机号码,营业部,错误\r\n')).toBe(true);
    expect(errors).toContain('G002,李娜');
    expect(errors).toContain('第3行');
    expect(errors).toContain('证件号码校验位错误');

    // The user fixes the row in the error file and imports it again: the fixed row is added, nothing doubles.
    const fixed = errors.replace(badCheckDigit(good2), validIdNumber(3));
    const again = await run(fixed, 'customers.errors.csv');
    expect(again).toMatchObject({ rowsRead: 1, created: 1, rejected: 0 });
    const count = await t.db
      .selectFrom('customers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('code', 'like', 'G00%')
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(3);

    // The same file twice creates and changes nothing.
    const twice = await run(gbk);
    expect(twice).toMatchObject({ created: 0, updated: 0, unchanged: 2, rejected: 1 });
  });

  it('upserts by code: a later row updates the earlier one, and each changed field is kept as history', async () => {
    const res = await run(
      csvText([
        ['Customer code', 'Customer name', 'Mobile phone', 'Branch', 'Risk tolerance'],
        ['U001', 'Zhang San', mobile(10), 'BJ01', 'C3'],
        ['U001', 'Zhang San', mobile(11), 'BJ01', 'C4'],
      ]),
    );
    expect(res).toMatchObject({ rowsRead: 2, created: 1, updated: 1, rejected: 0 });
    const c = await customer('U001');
    expect(c).toMatchObject({ phone: mobile(11), risk_level: 'C4' });
    const history = await t.db
      .selectFrom('customer_history')
      .select(['field', 'old_value', 'new_value', 'action'])
      .where('customer_id', '=', c!.id)
      .orderBy('field')
      .execute();
    expect(history).toEqual([
      { field: 'phone', old_value: mobile(10), new_value: mobile(11), action: 'import' },
      { field: 'riskLevel', old_value: 'C3', new_value: 'C4', action: 'import' },
    ]);
  });

  it('maps zh-TW headers, normalises full-width digits and spaces in phones and ID numbers', async () => {
    const id = validIdNumber(20);
    const fullWidth = (s: string) =>
      s.replace(/[0-9X]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
    const res = await run(
      `\uFEFF${csvText([
        ['客戶編號', '客戶姓名', '證件號碼', '手機號碼', '營業部'],
        [
          fullWidth('T001'),
          '陳 大文',
          ` ${fullWidth(id.slice(0, 6))} ${fullWidth(id.slice(6))} `,
          ' １３８ ００００ １２３４ ',
          'SZ01',
        ],
      ])}`,
    );
    expect(res).toMatchObject({ created: 1, rejected: 0 });
    expect(await customer('T001')).toMatchObject({ name: '陳大文', id_number: id, phone: '13800001234' });
  });

  it('rejects an unknown branch unless branches may be created', async () => {
    const file = csvText([
      ['客户编号', '客户姓名', '营业部'],
      ['B001', '赵六', '杭州西湖营业部'],
    ]);
    const res = await run(file);
    expect(res).toMatchObject({ created: 0, rejected: 1 });
    expect(res.errors[0]).toMatchObject({ line: 2, field: 'branch', reason: 'BRANCH_UNKNOWN' });
    const res2 = await run(file, 'customers.csv', { createBranches: true });
    expect(res2).toMatchObject({ created: 1, rejected: 0 });
    const b = await t.db
      .selectFrom('branches')
      .selectAll()
      .where('name', '=', '杭州西湖营业部')
      .executeTakeFirst();
    expect(b).toBeTruthy();
  });

  it('reads XLSX files', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('客户');
    ws.addRow(['客户编号', '客户姓名', '手机号码', '营业部', '出生日期']);
    ws.addRow(['X001', '孙悦', mobile(30), 'BJ01', new Date(Date.UTC(1990, 4, 6))]);
    ws.addRow(['X002', '周杰', Number(mobile(31)), 'SH01', '1985-01-02']);
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    const res = await run(buf, 'customers.xlsx');
    expect(res).toMatchObject({ rowsRead: 2, created: 2, rejected: 0 });
    const x1 = await customer('X001');
    expect(x1?.phone).toBe(mobile(30));
    expect(await customer('X002')).toMatchObject({ phone: mobile(31) });
  });

  it('a branch-scoped importer may import only into their own branch', async () => {
    const user = await t.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'supervisor')
      .executeTakeFirstOrThrow();
    const actor = (await loadActor(t.db, user.id))!;
    const res = await importCustomers(
      { db: t.db, actor, ip: null },
      {
        fileName: 'c.csv',
        source: Readable.from([
          Buffer.from(
            csvText([
              ['客户编号', '客户姓名', '营业部'],
              ['S001', '钱七', 'BJ01'],
              ['S002', '钱八', 'SH01'],
              ['S003', '钱九', ''],
            ]),
          ),
        ]),
      },
    );
    expect(res).toMatchObject({ created: 2, rejected: 1 });
    // Another branch is answered as a branch that does not exist: the error tells nothing outside the scope.
    expect(res.errors[0]).toMatchObject({ line: 3, field: 'branch', reason: 'BRANCH_UNKNOWN' });
    expect((await customer('S003'))?.branch_id).toBe(actor.branchId);
  });

  it('checks owners with the importer’s scope, as the API does, with one error for unknown and out of scope', async () => {
    const actorOf = async (username: string) => {
      const u = await t.db
        .selectFrom('users')
        .select('id')
        .where('username', '=', username)
        .executeTakeFirstOrThrow();
      return (await loadActor(t.db, u.id))!;
    };
    const supervisor = await actorOf('supervisor'); // BJ01, no scope.all_branches
    const shAgent = await t.db
      .selectFrom('users')
      .select(['id', 'display_name'])
      .where('username', '=', 'sh_agent')
      .executeTakeFirstOrThrow();
    const agent = await t.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'agent')
      .executeTakeFirstOrThrow();
    const res = await importCustomers(
      { db: t.db, actor: supervisor, ip: null },
      {
        fileName: 'owners.csv',
        source: Readable.from([
          Buffer.from(
            csvText([
              ['客户编号', '客户姓名', '营业部', '客户经理'],
              ['OW01', '郑一', 'BJ01', 'agent'], // own branch: fine
              ['OW02', '郑二', 'BJ01', 'sh_agent'], // SH01's user
              ['OW03', '郑三', 'BJ01', 'admin'], // HQ's user
              ['OW04', '郑四', 'BJ01', shAgent.display_name], // SH01's user by display name
              ['OW05', '郑五', 'BJ01', 'nobody_at_all'], // no such user anywhere
              ['OW06', '郑六', 'SH01', 'agent'], // another branch
              ['OW07', '郑七', '不存在的营业部', 'agent'], // no such branch
            ]),
          ),
        ]),
      },
    );
    expect(res).toMatchObject({ created: 1, rejected: 6 });
    expect((await customer('OW01'))?.owner_id).toBe(agent.id);
    for (const code of ['OW02', 'OW03', 'OW04', 'OW05', 'OW06', 'OW07'])
      expect(await customer(code)).toBeUndefined();
    const byLine = new Map(res.errors.map((e) => [e.line, e]));
    // Not in scope and not existing read the same, reason and message alike.
    for (const line of [3, 4, 5, 6])
      expect(byLine.get(line)).toEqual({
        line,
        field: 'owner',
        reason: 'OWNER_UNKNOWN',
        message: byLine.get(6)!.message,
      });
    expect(byLine.get(7)).toMatchObject({ field: 'branch', reason: 'BRANCH_UNKNOWN' });
    expect(byLine.get(8)).toEqual({ ...byLine.get(7)!, line: 8 });
    const file = await errorFile(res.jobId);
    // The error file repeats the row and the reason, nothing about whom or where the value really belongs to.
    expect(file).not.toContain('上海');
    expect(file.split('\r\n').filter((l) => l.includes('OW0')).length).toBe(6);

    // The API refuses the same owner the same way.
    const cookie = await t.login('supervisor');
    const api = await t.call(cookie, 'POST', '/api/customers', {
      code: 'OW99',
      name: '郑九',
      kind: 'individual',
      ownerId: shAgent.id,
    });
    expect(api.status).toBe(400);
    expect(api.body.error.fields).toEqual({ ownerId: 'OWNER_INVALID' });

    // A code taken in another branch is refused as taken, as the API's upsert does, without saying where.
    await run(
      csvText([
        ['客户编号', '客户姓名', '营业部'],
        ['OWSH', '沈一', 'SH01'],
      ]),
    );
    const taken = await importCustomers(
      { db: t.db, actor: supervisor, ip: null },
      {
        fileName: 'taken.csv',
        source: Readable.from([
          Buffer.from(
            csvText([
              ['客户编号', '客户姓名'],
              ['OWSH', '沈二'],
            ]),
          ),
        ]),
      },
    );
    expect(taken).toMatchObject({ created: 0, updated: 0, rejected: 1 });
    expect(taken.errors[0]).toMatchObject({ field: 'code', reason: 'CUSTOMER_CODE_TAKEN' });
    expect((await customer('OWSH'))?.name).toBe('沈一');
  });
  it('maps custom fields by their label, and fills profile fields', async () => {
    await t.db
      .insertInto('custom_field_definitions')
      .values({ key: 'introducer', kind: 'all', label: '居间人', type: 'text' })
      .execute();
    await t.db
      .insertInto('custom_field_definitions')
      .values({
        key: 'channel_grade',
        kind: 'all',
        label: '渠道等级',
        type: 'single_choice',
        options: JSON.stringify([
          { value: 'a', label: '甲' },
          { value: 'b', label: '乙' },
        ]),
      })
      .execute();
    const res = await run(
      csvText([
        ['客户编号', '客户姓名', '营业部', '居间人', '渠道等级', '常做品种'],
        ['CF01', '冯七', 'BJ01', '老周', '乙', '铜、螺纹钢'],
        ['CF02', '冯八', 'BJ01', '', '丙', ''],
      ]),
    );
    expect(res).toMatchObject({ created: 1, rejected: 1 });
    expect(res.errors[0]).toMatchObject({ line: 3, field: 'custom.channel_grade', reason: 'CHOICE_INVALID' });
    const c = await customer('CF01');
    expect(c?.custom).toEqual({ introducer: '老周', channel_grade: 'b' });
    expect(c?.profile).toEqual({ typicalProducts: ['铜', '螺纹钢'] });
  });
});

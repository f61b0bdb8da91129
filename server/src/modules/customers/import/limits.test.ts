// Bounded import files (docs/SECURITY.md "Import files"): the upload limit (413), an XLSX unpacked and checked
// before exceljs reads it (a 62 KB file holding one 60 MB string is refused with 400 naming the file), cells of
// at most 32 767 characters, a row limit, and a bounded preview.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.ts';
import { makeZip, type ZipEntry } from '../../../test/zip.ts';
import { FileFormatError, type ReadLimits } from './file-limits.ts';
import { csvText } from './fixtures.ts';
import { readRecords } from './read.ts';

const MiB = 1024 * 1024;
const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG = 'http://schemas.openxmlformats.org/package/2006/relationships';
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** A real XLSX workbook written part by part (rows of shared strings), plus any extra zip entries. */
function xlsx(rows: string[][], extra: ZipEntry[] = [], opts: { listed?: (e: ZipEntry) => boolean } = {}) {
  const strings: string[] = [];
  const sheetRows = rows
    .map((r, i) => {
      const cells = r.map((v, j) => {
        strings.push(v);
        return `<c r="${String.fromCharCode(65 + j)}${i + 1}" t="s"><v>${strings.length - 1}</v></c>`;
      });
      return `<row r="${i + 1}">${cells.join('')}</row>`;
    })
    .join('');
  const ct = 'application/vnd.openxmlformats-officedocument.spreadsheetml';
  return makeZip(
    [
      {
        name: '[Content_Types].xml',
        data:
          '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
          '<Default Extension="xml" ContentType="application/xml"/>' +
          `<Override PartName="/xl/workbook.xml" ContentType="${ct}.sheet.main+xml"/>` +
          `<Override PartName="/xl/worksheets/sheet1.xml" ContentType="${ct}.worksheet+xml"/>` +
          `<Override PartName="/xl/sharedStrings.xml" ContentType="${ct}.sharedStrings+xml"/></Types>`,
      },
      {
        name: '_rels/.rels',
        data: `<Relationships xmlns="${PKG}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
      },
      {
        name: 'xl/workbook.xml',
        data: `<workbook xmlns="${NS}" xmlns:r="${REL}"><sheets><sheet name="客户" sheetId="1" r:id="rId1"/></sheets></workbook>`,
      },
      {
        name: 'xl/_rels/workbook.xml.rels',
        data:
          `<Relationships xmlns="${PKG}"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/>` +
          `<Relationship Id="rId2" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
      },
      {
        name: 'xl/sharedStrings.xml',
        data: `<sst xmlns="${NS}" count="${strings.length}" uniqueCount="${strings.length}">${strings
          .map((s) => `<si><t>${esc(s)}</t></si>`)
          .join('')}</sst>`,
      },
      {
        name: 'xl/worksheets/sheet1.xml',
        data: `<worksheet xmlns="${NS}"><sheetData>${sheetRows}</sheetData></worksheet>`,
      },
      ...extra,
    ],
    opts,
  );
}

const LIMITS: ReadLimits = { maxRows: 1_048_576, xlsxMaxUncompressedBytes: 256 * MiB };
async function read(buf: Buffer, name: string, limits: ReadLimits = LIMITS) {
  const rows: { line: number; cells: string[] }[] = [];
  for await (const batch of readRecords(Readable.from([buf]), name, undefined, limits)) rows.push(...batch);
  return rows;
}
async function refusal(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    if (e instanceof FileFormatError) return { code: e.code, reason: e.reason, message: e.message };
    throw e;
  }
  throw new Error('not refused');
}

describe('reading an import file within limits', () => {
  it('reads a workbook written part by part (the builder makes a real XLSX)', async () => {
    const rows = await read(
      xlsx([
        ['客户编号', '备注'],
        ['B001', '正常 & <备注>'],
      ]),
      'a.xlsx',
    );
    expect(rows).toEqual([
      { line: 1, cells: ['客户编号', '备注'] },
      { line: 2, cells: ['B001', '正常 & <备注>'] },
    ]);
  });

  it('refuses a 62 KB XLSX holding one 60 MB string before exceljs reads it', async () => {
    const bomb = xlsx([
      ['客户编号', '备注'],
      ['B001', 'x'.repeat(60 * MiB)],
    ]);
    expect(bomb.length).toBeLessThan(100 * 1024);
    const t0 = Date.now();
    const rss = process.memoryUsage().rss;
    expect(await refusal(read(bomb, 'bomb.xlsx'))).toMatchObject({
      code: 'IMPORT_CELL_TOO_LONG',
      reason: 'CELL_TOO_LONG',
    });
    // Refused after unpacking a few hundred kilobytes, not 60 MB.
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(process.memoryUsage().rss - rss).toBeLessThan(50 * MiB);
  });

  it('counts every entry unpacked, those the central directory hides included', async () => {
    const small: ReadLimits = { ...LIMITS, xlsxMaxUncompressedBytes: MiB };
    const filler = { name: 'xl/media/filler.xml', data: '<a/>'.repeat(400_000) }; // 1.6 MB, deflates to ~2 KB
    expect(await refusal(read(xlsx([['客户编号']], [filler]), 'a.xlsx', small))).toMatchObject({
      code: 'IMPORT_XLSX_TOO_LARGE',
      reason: 'XLSX_UNPACKED_TOO_LARGE',
    });
    const hidden = xlsx([['客户编号']], [filler], { listed: (e) => e.name !== filler.name });
    expect(await refusal(read(hidden, 'a.xlsx', small))).toMatchObject({ reason: 'XLSX_UNPACKED_TOO_LARGE' });
    // Without the filler the same workbook reads.
    expect(await read(xlsx([['客户编号']]), 'a.xlsx', small)).toHaveLength(1);
    // Compression methods other than stored and deflate, and a damaged entry, are refused.
    const odd = makeZip([{ name: 'xl/workbook.xml', data: '<workbook/>', method: 12 }]);
    expect(await refusal(read(odd, 'a.xlsx'))).toMatchObject({ reason: 'XLSX_INVALID' });
    const damaged = xlsx([['客户编号']]);
    damaged.fill(0xff, 60, 80);
    expect((await refusal(read(damaged, 'a.xlsx'))).code).toMatch(/^IMPORT_/);
  });

  it('refuses a cell longer than 32 767 characters, in XLSX and in CSV, naming the row', async () => {
    const ok = await read(xlsx([['客户编号'], ['y'.repeat(32_767)]]), 'a.xlsx');
    expect(ok[1].cells[0]).toHaveLength(32_767);
    const long = await refusal(read(xlsx([['客户编号'], ['B1'], ['y'.repeat(32_768)]]), 'a.xlsx'));
    expect(long).toMatchObject({ code: 'IMPORT_CELL_TOO_LONG', reason: 'CELL_TOO_LONG' });
    expect(long.message).toContain('row 3');
    const csv = await refusal(read(Buffer.from(csvText([['客户编号'], ['z'.repeat(40_000)]])), 'a.csv'));
    expect(csv).toMatchObject({ code: 'IMPORT_CELL_TOO_LONG' });
  });

  it('refuses more rows than the limit (the header counts), CSV and XLSX', async () => {
    const few: ReadLimits = { ...LIMITS, maxRows: 10 };
    const rows = [['客户编号'], ...Array.from({ length: 9 }, (_, i) => [`C${i}`])];
    expect(await read(xlsx(rows), 'a.xlsx', few)).toHaveLength(10);
    expect(await read(Buffer.from(csvText(rows)), 'a.csv', few)).toHaveLength(10);
    const more = [...rows, ['C99']];
    expect(await refusal(read(xlsx(more), 'a.xlsx', few))).toMatchObject({
      code: 'IMPORT_TOO_MANY_ROWS',
      reason: 'TOO_MANY_ROWS',
    });
    expect(await refusal(read(Buffer.from(csvText(more)), 'a.csv', few))).toMatchObject({
      code: 'IMPORT_TOO_MANY_ROWS',
    });
  });
});

describe('import uploads within limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { KEFU_UPLOAD_IMPORT_MAX_BYTES: String(2 * MiB) } });
  });
  afterAll(async () => t?.close());

  async function upload(url: string, content: Buffer, filename: string) {
    const form = new FormData();
    form.append('file', new Blob([content]), filename);
    const req = new Request('http://localhost/', { method: 'POST', body: form });
    const res = await t.app.inject({
      method: 'POST',
      url,
      headers: { cookie: await t.login('supervisor'), 'content-type': req.headers.get('content-type')! },
      payload: Buffer.from(await req.arrayBuffer()),
    });
    return { status: res.statusCode, body: JSON.parse(res.body) };
  }
  const jobs = async () =>
    Number(
      (
        await t.db
          .selectFrom('import_jobs')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('answers 413 FILE_TOO_LARGE naming the field over the import limit, and keeps nothing', async () => {
    const before = await jobs();
    const big = Buffer.from(
      csvText([['客户编号', '备注'], ...Array.from({ length: 3000 }, (_, i) => [`B${i}`, 'n'.repeat(800)])]),
    );
    expect(big.length).toBeGreaterThan(2 * MiB);
    const r = await upload('/api/customers/import/uploads', big, '名单.csv');
    expect(r.status).toBe(413);
    expect(r.body.error).toMatchObject({
      code: 'FILE_TOO_LARGE',
      fields: { file: 'FILE_TOO_LARGE' },
      details: { kind: 'import', maxBytes: 2 * MiB },
    });
    expect(await jobs()).toBe(before);
    const m = await upload('/api/metrics/import', big, 'metrics.csv');
    expect(m.status).toBe(413);
    expect(m.body.error.code).toBe('FILE_TOO_LARGE');
  });

  it('refuses the XLSX bomb at upload with 400 naming the file; no job is left', async () => {
    const before = await jobs();
    const bomb = xlsx([
      ['客户编号', '备注'],
      ['B001', 'x'.repeat(60 * MiB)],
    ]);
    const r = await upload('/api/customers/import/uploads', bomb, '客户名单.xlsx');
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'IMPORT_CELL_TOO_LONG', fields: { file: 'CELL_TOO_LONG' } });
    expect(await jobs()).toBe(before);
    const m = await upload('/api/metrics/import', bomb, 'metrics.xlsx');
    expect(m.status).toBe(400);
    expect(m.body.error).toMatchObject({ code: 'IMPORT_CELL_TOO_LONG', fields: { file: 'CELL_TOO_LONG' } });
  });

  it('the preview is bounded: 20 rows, 100 columns, each cell cut to 200 characters', async () => {
    const header = Array.from({ length: 150 }, (_, i) => (i === 0 ? '客户编号' : `列${i}`));
    const rows = [
      header,
      ...Array.from({ length: 40 }, (_, r) => header.map((_, c) => `${r}-${c}-${'w'.repeat(300)}`)),
    ];
    const up = await upload('/api/customers/import/uploads', Buffer.from(csvText(rows)), 'wide.csv');
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    const res = await t.app.inject({
      url: `/api/customers/import/jobs/${up.body.id}/preview`,
      headers: { cookie: await t.login('supervisor') },
    });
    expect(res.statusCode).toBe(200);
    const p = JSON.parse(res.body);
    expect(p.headers).toHaveLength(100);
    expect(p.rows).toHaveLength(20);
    for (const r of p.rows) {
      expect(r.cells).toHaveLength(100);
      for (const c of r.cells) expect(c.length).toBeLessThanOrEqual(200);
    }
    expect(p.rows[0].cells[1]).toMatch(/^0-1-w+…$/);
    expect(res.body.length).toBeLessThan(600 * 1024);
  });
});

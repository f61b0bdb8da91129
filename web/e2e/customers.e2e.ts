// Journey (issue #3, acceptance line 1): a service supervisor loads the branch's customer list from the old
// system — a GBK-encoded CSV as Excel saves it on a Chinese Windows — with one bad row (an ID number with a wrong
// check digit). She sees the rejected row and why, downloads the error file, fixes the row and imports again
// without creating duplicates; then finds a customer by two characters of her name, opens her page, logs a visit
// (走访) and attaches a photo of the storefront, shown inline. An agent without customer.pii sees the ID number
// and phone masked.
import fs from 'node:fs';
import { deflateSync } from 'node:zlib';
import iconv from 'iconv-lite';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launch, newPage, screenshot, screenshotOnFailure, signIn, text } from './browser';

/** An 18-digit mainland ID number with the right (or, with `wrong`, a wrong) check character (GB 11643). */
function idNumber(body17: string, wrong = false) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = body17.split('').reduce((s, d, i) => s + Number(d) * w[i], 0);
  const codes = '10X98765432';
  const right = codes[sum % 11];
  return body17 + (wrong ? codes[(sum + 1) % 11] : right);
}

/** A real PNG (a small storefront-coloured picture) built byte by byte: signature, IHDR, IDAT, IEND. */
function storefrontPng(width = 96, height = 64) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) {
      const p = row + 1 + x * 3;
      const sign = y < height / 4; // a red shop sign over a grey front with a blue door
      const door = x > width * 0.4 && x < width * 0.6 && y > height / 2;
      raw[p] = sign ? 200 : door ? 40 : 170;
      raw[p + 1] = sign ? 30 : door ? 90 : 170;
      raw[p + 2] = sign ? 30 : door ? 200 : 160;
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Waits for what the page shows (the machine is shared and slow): expect.poll with a page-sized time limit. */
const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 20_000, interval: 200 });

const run = Date.now().toString().slice(-6);
const HEADERS = ['客户编号', '客户姓名', '证件类型', '证件号码', '手机号码', '营业部', '客户状态', '标签'];
const good1 = idNumber('11010119850312002');
const good2 = idNumber('11010519900708003');
const fixedId = idNumber('11010819780125004');
const badId = idNumber('11010819780125004', true);
const rows = (third: string) => [
  [`E2E${run}01`, '司马青霞', '身份证', good1, `1391${run}1`, 'BJ01', '正常', '导入测试'],
  [`E2E${run}02`, '欧阳晨曦', '身份证', good2, `1392${run}2`, '北京朝阳营业部', '潜在', '导入测试'],
  [`E2E${run}03`, '上官云舒', '身份证', third, `1393${run}3`, 'BJ01', '正常', '导入测试'],
];
const gbkCsv = (data: string[][]) =>
  iconv.encode(`${[HEADERS, ...data].map((r) => r.join(',')).join('\r\n')}\r\n`, 'gbk');

/** The number shown in the list's count ("共 512 位客户"). */
async function listCount(page: Page) {
  const el = page.getByTestId('customer-count');
  await poll(async () => (await text(el)).match(/\d/) !== null).toBe(true);
  return Number((await text(el)).replace(/[^\d]/g, ''));
}

async function importFile(page: Page, name: string, content: Buffer) {
  await page.goto('/customers/import');
  await page.locator('input[type=file]').setInputFiles({ name, mimeType: 'text/csv', buffer: content });
  // the automatic mapping recognised every header, the Chinese ones read from GBK
  await page.getByTestId('import-preview').waitFor();
  for (const h of HEADERS) await page.getByTestId(`map-${h}`).first().waitFor();
  expect(await text(page.getByTestId('map-证件号码').first())).toContain('证件号码');
  expect(await text(page.getByTestId('import-preview'))).toContain('司马青霞');
  await page.getByTestId('import-run').click();
  await page.getByTestId('import-done').waitFor({ timeout: 60_000 });
  const n = async (id: string) =>
    Number((await text(page.getByTestId(`import-${id}`))).replace(/[^\d]/g, ''));
  return {
    read: await n('read'),
    created: await n('created'),
    updated: await n('updated'),
    unchanged: await n('unchanged'),
    rejected: await n('rejected'),
  };
}

describe('Customers journey', () => {
  let browser: Browser;
  let page: Page;
  let customerUrl = '';

  beforeAll(async () => {
    browser = await launch();
    page = await newPage(browser);
    page.on('pageerror', (e) => process.stderr.write(`page error: ${e.message}\n`));
    await signIn(page, 'supervisor');
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach((ctx) => screenshotOnFailure(ctx, page));

  it('imports a GBK CSV, sees the rejected row and why, fixes it and imports again without duplicates', async () => {
    await page.goto('/customers');
    const before = await listCount(page);
    expect(before).toBeGreaterThan(100); // the demo branch's customers

    const first = await importFile(page, `客户资料-${run}.csv`, gbkCsv(rows(badId)));
    expect(first).toMatchObject({ read: 3, created: 2, rejected: 1 });
    const errors = page.getByTestId('import-errors');
    expect(await text(errors)).toContain('身份证号校验位错误');
    expect(await text(errors)).toMatch(/4/); // line 4 of the file (after the header)
    await screenshot(page, 'customers-import-errors');

    // the error file has the rejected row as it was, with the reason, to fix and send again
    const [dl] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('import-error-file').click(),
    ]);
    const errorCsv = fs.readFileSync((await dl.path()) as string, 'utf8');
    expect(errorCsv).toContain(`E2E${run}03`);
    expect(errorCsv).toContain(badId);
    expect(errorCsv).not.toContain(`E2E${run}01`);

    // the corrected file again, all three rows: only the fixed one is new
    const second = await importFile(page, `客户资料-${run}-修正.csv`, gbkCsv(rows(fixedId)));
    expect(second.rejected).toBe(0);
    expect(second.created).toBe(1);
    expect(second.updated + second.unchanged).toBe(2);

    await page.goto('/customers');
    expect(await listCount(page)).toBe(before + 3);
  });

  it('finds a customer by two characters of her name and opens her page', async () => {
    await page.goto('/customers');
    const search = page
      .locator('input[data-testid=customer-search], [data-testid=customer-search] input')
      .first();
    await search.fill('青霞');
    await search.press('Enter');
    const row = page.getByTestId('customer-row-name').filter({ hasText: '司马青霞' });
    await row.first().waitFor();
    expect(await listCount(page)).toBeGreaterThanOrEqual(1);
    await screenshot(page, 'customers-list-search');
    await row.first().click();
    await page.getByTestId('customer-name').waitFor();
    expect(await text(page.getByTestId('customer-name'))).toBe('司马青霞');
    customerUrl = new URL(page.url()).pathname;
    expect(customerUrl).toMatch(/^\/customers\/\d+$/);
  });

  it('shows personal data masked until revealed (audited), logs a visit and attaches a storefront photo', async () => {
    await page.goto(customerUrl);
    // masked at first even for a supervisor; "reveal" shows the full values
    const idCell = page.getByTestId('customer-idNumber');
    await idCell.waitFor();
    expect(await text(idCell)).toMatch(/^110\*+\d{3}[\dX]$/);
    await page.getByTestId('pii-reveal').click();
    await poll(() => text(idCell)).toBe(good1);

    // log a visit
    await page.getByTestId('log-interaction').click();
    await page.getByTestId('interaction-channel').click();
    await page
      .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', {
        hasText: '走访',
      })
      .click();
    await page.getByTestId('interaction-summary').fill('上门走访，了解套保需求，客户关注螺纹钢期货。');
    await page.getByTestId('interaction-outcome').fill('下周发送套保方案');
    await page.getByTestId('interaction-save').click();
    const item = page.getByTestId('timeline-item').first();
    await poll(() => text(item)).toContain('走访');
    expect(await text(item)).toContain('了解套保需求');

    // attach a photo of the storefront: shown inline as a thumbnail
    await page
      .getByTestId('attachments')
      .locator('input[type=file]')
      .setInputFiles({ name: '门店照片.png', mimeType: 'image/png', buffer: storefrontPng() });
    const thumb = page.getByTestId('attachments').locator('img').first();
    await thumb.waitFor();
    await poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(96);
    await page.mouse.move(0, 0);
    await screenshot(page, 'customers-page');

    // a file type that is not allowed (active content: a web page, whatever it claims to be) gets a clear message
    await page
      .getByTestId('attachments')
      .locator('input[type=file]')
      .setInputFiles({
        name: 'notes.png',
        mimeType: 'image/png',
        buffer: Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>'),
      });
    await page.locator('.ant-message').getByText('不支持该文件类型').waitFor();
  });

  it('edits the customer (tier) and sees the change in the history: who, field, old → new', async () => {
    await page.goto(customerUrl);
    await page.getByTestId('customer-edit').click();
    const tier = page.locator('.ant-modal').locator('input#tier');
    await tier.fill('VIP');
    await page.getByTestId('customer-save').click();
    await page.locator('.ant-modal').waitFor({ state: 'detached' });
    await poll(() => text(page.getByTestId('customer-header'))).toContain('VIP');
    await page.getByTestId('tab-history').click();
    const history = page.getByTestId('history-table');
    await poll(() => text(history)).toContain('客户级别');
    expect(await text(history)).toContain('陈主管');
    expect(await text(history)).toContain('VIP');
  });

  it('a new customer with a wrong ID check digit gets the reason under the field, in Chinese', async () => {
    await page.goto('/customers/new');
    await page.getByTestId('customer-code').fill(`E2E${run}09`);
    await page.getByTestId('customer-name-input').fill('慕容雪');
    await page.getByTestId('customer-idNumber-input').fill(badId);
    // the same mobile as 司马青霞: the duplicates screen will pair them
    await page.getByTestId('customer-phone-input').fill(`1391${run}1`);
    await page.getByTestId('customer-save').click();
    await page.locator('#idNumber_help').getByText('身份证号校验位错误').waitFor();
    await screenshot(page, 'customers-new-field-error');
    await page.getByTestId('customer-idNumber-input').fill(idNumber('11010119920101005'));
    await page.getByTestId('customer-save').click();
    await page.waitForURL(/\/customers\/\d+$/);
    expect(await text(page.getByTestId('customer-name'))).toBe('慕容雪');
  });

  it('the duplicates screen pairs the two customers with the same phone; merging says what moves', async () => {
    await page.goto('/customers/duplicates');
    await page.getByText('手机号相同').first().click();
    const group = page
      .locator('.ant-card')
      .filter({ hasText: '慕容雪' })
      .filter({ hasText: '司马青霞' })
      .last();
    await group.waitFor();
    await screenshot(page, 'customers-duplicates');
    await group.getByTestId('dup-merge').click();
    const dialog = page.locator('.ant-modal').filter({ hasText: '合并客户' });
    await dialog.getByRole('radio', { name: /司马青霞/ }).check();
    // the confirmation says who goes into whom and that interactions, attachments and history move
    await poll(() => text(dialog)).toMatch(/慕容雪.*将合并到 司马青霞.*接触记录、附件/s);
    await page.getByTestId('merge-confirm').click();
    await page.locator('text=已合并到 司马青霞 >> visible=true').first().waitFor();
  });

  it('an agent without customer.pii sees the ID number and phone masked, with no way to reveal them', async () => {
    const p = await newPage(browser);
    await signIn(p, 'agent');
    await p.goto(customerUrl);
    await p.getByTestId('customer-idNumber').waitFor();
    expect(await text(p.getByTestId('customer-idNumber'))).toMatch(/^110\*{11}\d{3}[\dX]$/);
    expect(await text(p.getByTestId('customer-idNumber'))).not.toContain(good1.slice(3, 14));
    expect(await text(p.getByTestId('customer-phone'))).toMatch(/^139\*+\d{4}$/);
    expect(await text(p.getByTestId('pii-masked'))).toContain('脱敏');
    expect(await p.getByTestId('pii-reveal').count()).toBe(0);
    // the visit logged by the supervisor is on the timeline for the agent too
    expect(await text(p.getByTestId('timeline'))).toContain('走访');
    await screenshot(p, 'customers-page-agent-masked');
    await p.context().close();
  });
});

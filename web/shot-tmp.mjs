import { chromium } from 'playwright-core';
const base = 'http://localhost:3200';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu','--disable-background-networking'] });
const p = await b.newPage({ viewport: { width: 1440, height: 900 }, timezoneId: 'Asia/Shanghai', locale: 'zh-CN' });
await p.goto(base + '/');
await p.waitForTimeout(1500);
await p.getByTestId('username').fill(process.argv[2] ?? 'agent');
await p.getByTestId('password').fill('Kefu2026!');
await p.getByTestId('sign-in').click();
await p.waitForTimeout(2500);
await p.screenshot({ path: '/tmp/h1.png' });
const t = await p.evaluate(async () => (await (await fetch('/api/tickets?view=all&limit=5')).json()));
const cid = t.items.find((x) => x.customerId)?.customerId;
console.log('customer', cid, t.items.length);
await p.goto(base + '/customers/' + cid);
await p.waitForTimeout(2000);
await p.getByTestId('tab-tickets').click();
await p.waitForTimeout(2000);
await p.screenshot({ path: '/tmp/c1.png' });
await p.getByTestId('tab-entitlements').click();
await p.waitForTimeout(1500);
await p.screenshot({ path: '/tmp/c2.png' });
if (await p.getByTestId('tab-suitability').count()) {
  await p.getByTestId('tab-suitability').click();
  await p.waitForTimeout(1500);
  await p.screenshot({ path: '/tmp/c3.png' });
}
await b.close();

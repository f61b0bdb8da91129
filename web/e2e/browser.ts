// Debian's Chromium driven by playwright-core (never a downloaded browser), and helpers the journeys share.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { inject } from 'vitest';

export const DEMO_PASSWORD = 'Kefu2026!';
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const screenshotDir = path.join(root, 'docs/screenshots');

function chromiumPath() {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim() || '/usr/bin/chromium';
  } catch {
    return '/usr/bin/chromium';
  }
}

export const baseUrl = () => inject('baseUrl');

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A fresh browser context (own cookies and localStorage) in Simplified Chinese at 1440×900. */
export async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1440, height: 900 },
    baseURL: baseUrl(),
  });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000); // the machine may be busy (server tests, builds) while journeys run
  page.setDefaultNavigationTimeout(60_000);
  return page;
}

/** Signs in through the sign-in page and waits for the shell. */
export async function signIn(page: Page, username: string, password = DEMO_PASSWORD) {
  await page.goto('/sign-in');
  await page.getByTestId('username').fill(username);
  await page.getByTestId('password').fill(password);
  await page.getByTestId('sign-in').click();
  await page.getByTestId('app-header').waitFor();
}

export async function screenshot(page: Page, name: string) {
  fs.mkdirSync(screenshotDir, { recursive: true });
  // let fonts, transitions and lazy pages settle
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`) });
}

export const HAN = /\p{Script=Han}/u;

/** The text a person sees (hidden elements left out), unlike textContent. */
/**
 * Picks an option of an Ant Design select by typing part of its label. The newest dropdown is the last in the page:
 * an earlier select's dropdown may still be closing (its options match too, then vanish under the pointer on a
 * loaded machine), so the option is looked for in the last open one.
 */
export async function pick(page: Page, select: Locator, label: string) {
  await select.click();
  await page.keyboard.type(label);
  await page
    .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)')
    .last()
    .locator('.ant-select-item-option', { hasText: label })
    .first()
    .click();
}

export function text(locator: Locator): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what we check
  return locator.innerText();
}

/** After a failed test, a screenshot of the page in the temp folder, for finding out why. */
export async function screenshotOnFailure(
  ctx: { task: { name: string; result?: { state?: string } } },
  page?: Page,
) {
  if (ctx.task.result?.state !== 'fail' || !page || page.isClosed()) return;
  const file = path.join(
    os.tmpdir(),
    `kefu-e2e-failure-${ctx.task.name.replace(/\W+/g, '_').slice(0, 60)}.png`,
  );
  await page.screenshot({ path: file }).catch(() => {});
  process.stderr.write(`screenshot of the failure: ${file}\n`);
}

// Journey: the administrator's first morning with Kefu — sign in, find their way in three languages, add a
// colleague and check that the creation is in the audit log; a colleague who mistypes is told clearly why.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_PASSWORD,
  HAN,
  launch,
  newPage,
  screenshot,
  screenshotOnFailure,
  signIn,
  text,
} from './browser';

type Me = { displayName: string; branch: { name: string }; department: { name: string }; locale: string };

const me = (page: Page) => page.evaluate(async () => (await (await fetch('/api/me')).json()) as Me);
const menuText = (page: Page) => text(page.getByTestId('side-menu'));
const headerText = (page: Page) => text(page.getByTestId('app-header'));

/** Chooses a language in the header; signed in, waits until the server has remembered it for the user. */
async function chooseLanguage(page: Page, label: string, signedIn = true) {
  await page.getByTestId('language-switch').click();
  await Promise.all([
    signedIn
      ? page.waitForResponse((r) => r.url().endsWith('/api/me') && r.request().method() === 'PATCH')
      : null,
    page.getByRole('menuitem', { name: label }).click(),
  ]);
}

/** Picks an option of an Ant Design Select by its visible text (retries while dropdowns animate). */
async function pick(page: Page, testId: string, option: string) {
  const select = page.getByTestId(testId).last();
  for (let attempt = 0; attempt < 3; attempt++) {
    await select.click();
    const item = page
      .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', {
        hasText: option,
      })
      .first();
    await item.waitFor();
    await page.waitForTimeout(200);
    await item.click();
    await page.waitForTimeout(200);
    if ((await text(select)).includes(option)) return;
  }
  throw new Error(`could not pick "${option}" in ${testId}`);
}

describe('Foundation journey', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launch();
    page = await newPage(browser);
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach((ctx) => screenshotOnFailure(ctx, page));

  it('a colleague who mistypes the password is told so, and after five tries — with the right password — when the lock ends', async () => {
    const p = await newPage(browser);
    await p.goto('/');
    await p.waitForURL(/\/sign-in/);
    // before signing in, the language can be switched too (remembered in this browser)
    await chooseLanguage(p, 'English', false);
    await p.getByRole('button', { name: 'Sign in' }).waitFor();
    await p.reload();
    await p.getByRole('button', { name: 'Sign in' }).waitFor();
    await chooseLanguage(p, '简体中文', false);
    await p.getByTestId('sign-in').click();
    await p.getByText('请输入用户名').waitFor();
    await p.getByText('请输入密码').waitFor();

    await p.getByTestId('username').fill('viewer');
    await p.getByTestId('password').fill('wrong-password-1');
    await p.getByTestId('sign-in').click();
    expect(await text(p.getByTestId('sign-in-error'))).toContain('用户名或密码错误');
    for (let i = 2; i <= 5; i++) {
      await p.getByTestId('password').fill(`wrong-password-${i}`);
      await Promise.all([
        p.waitForResponse((r) => r.url().endsWith('/api/auth/login')),
        p.getByTestId('sign-in').click(),
      ]);
    }
    // The lock is told only to whoever knows the password: a guesser learns nothing from the sixth try.
    expect(await text(p.getByTestId('sign-in-error'))).toContain('用户名或密码错误');
    await p.getByTestId('password').fill(DEMO_PASSWORD);
    await p.getByTestId('sign-in').click();
    const locked = p.getByTestId('sign-in-error');
    await locked.getByText('账户已锁定').waitFor();
    expect(await text(locked)).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d/);
    await screenshot(p, 'foundation-sign-in-locked-zh-CN');
    await p.context().close();
  });

  it('the administrator signs in and the shell shows in Simplified Chinese', async () => {
    await signIn(page, 'admin');
    const menu = await menuText(page);
    for (const s of ['工作台', '系统管理', '用户管理', '角色权限', '营业部', '部门', '班组', '审计日志'])
      expect(menu).toContain(s);
    const header = await headerText(page);
    expect(header).toContain('系统管理员');
    expect(header).toContain('总部');
    expect(header).toContain('简体中文');
    expect(await text(page.getByTestId('greeting'))).toMatch(/好|夜深了/);
    expect(await text(page.getByTestId('my-roles'))).toContain('系统管理员');
    // 今日工作: the person's queues and tasks, each a link to its list
    const today = page.getByTestId('today');
    for (const s of ['今日工作', '我的工单', '待分派', '即将超时', '已超时', '待办任务', '逾期任务'])
      expect(await text(today)).toContain(s);
    await screenshot(page, 'foundation-shell-zh-CN');
    await page.getByTestId('today-unassigned').click();
    await page.waitForURL(/\/tickets\?view=unassigned/);
    await page.goBack();
    await page.getByTestId('greeting').waitFor();
  });

  it('switches to English: every string of the menu and header changes at once', async () => {
    await chooseLanguage(page, 'English');
    await page.getByTestId('side-menu').getByText('Administration').waitFor();
    const who = await me(page);
    expect(who.locale).toBe('en');
    // user-entered data (names of the person, the branch, the business calendar a warning names) stays as
    // entered; everything else is English
    const calendars = await page.evaluate(
      async () => (await (await fetch('/api/calendars')).json()) as { name: string }[],
    );
    const strip = (s: string) =>
      [who.displayName, who.branch.name, who.department.name, ...calendars.map((c) => c.name)].reduce(
        (acc, d) => acc.replaceAll(d, ''),
        s,
      );
    const menu = await menuText(page);
    const header = await headerText(page);
    for (const s of [
      'Home',
      'Administration',
      'Users',
      'Roles',
      'Branches',
      'Departments',
      'Teams',
      'Audit log',
    ])
      expect(menu).toContain(s);
    expect(header).toContain('English');
    expect(strip(menu)).not.toMatch(HAN);
    expect(strip(header)).not.toMatch(HAN);
    expect(strip(await text(page.locator('main')))).not.toMatch(HAN);
    await screenshot(page, 'foundation-shell-en');
  });

  it('switches to Traditional Chinese, and the choice is remembered for the user', async () => {
    await chooseLanguage(page, '繁體中文');
    await page.getByTestId('side-menu').getByText('系統管理').waitFor();
    expect(await menuText(page)).toContain('使用者管理');
    await screenshot(page, 'foundation-shell-zh-TW');

    await page.reload();
    await page.getByTestId('side-menu').getByText('系統管理').waitFor();
    // not only this browser: with local storage cleared, the server remembers it for the user
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await page.getByTestId('side-menu').getByText('系統管理').waitFor();
    expect((await me(page)).locale).toBe('zh-TW');

    await chooseLanguage(page, '简体中文');
    await page.getByTestId('side-menu').getByText('系统管理').waitFor();
  });

  it('adds a colleague on the users page and finds the creation in the audit log', async () => {
    await page.getByTestId('side-menu').getByText('用户管理').click();
    await page.waitForURL(/\/admin\/users$/);
    await page.getByRole('cell', { name: 'agent2', exact: true }).waitFor();

    await page.getByTestId('user-create').click();
    await page.getByTestId('user-username').fill('e2e_zhou');
    await page.getByTestId('user-displayName').fill('周晓明');
    await page.getByTestId('user-password').fill('Welcome2026');
    await pick(page, 'user-branch', '北京朝阳营业部');
    await pick(page, 'user-department', '客服部');
    await pick(page, 'user-roles', '客服专员');
    await page.locator('.ant-modal-title').click(); // closes the roles dropdown
    await page.getByTestId('user-save').click();
    await page.getByRole('cell', { name: 'e2e_zhou', exact: true }).waitFor();

    // the same username again is refused with a clear message
    await page.getByTestId('user-create').click();
    await page.getByTestId('user-username').fill('e2e_zhou');
    await page.getByTestId('user-displayName').fill('重复');
    await page.getByTestId('user-password').fill('Welcome2026');
    await pick(page, 'user-branch', '北京朝阳营业部');
    await pick(page, 'user-department', '客服部');
    await page.getByTestId('user-save').click();
    await page.getByText('该用户名已被使用').waitFor();
    await page.getByRole('button', { name: /取\s*消/ }).click();
    await screenshot(page, 'foundation-users-zh-CN');

    await page.getByTestId('side-menu').getByText('审计日志').click();
    await page.waitForURL(/\/audit$/);
    await pick(page, 'audit-entity', '用户');
    await page.getByTestId('audit-search').click();
    const row = page.locator('tr.ant-table-row', { hasText: '新建用户' }).first();
    await row.waitFor();
    // By names, not codes: the action's label, the actor, the user created.
    expect(await text(row)).not.toContain('user.created');
    expect(await text(row)).toContain('admin');
    expect(await text(row)).toContain('周晓明');
    await row.locator('.ant-table-row-expand-icon').click();
    const diff = page.getByTestId('audit-diff').first();
    await diff.waitFor();
    expect(await text(diff)).toContain('e2e_zhou');
    await screenshot(page, 'foundation-audit-zh-CN');
  });

  it('tells the administrator when a colleague changed the same user meanwhile', async () => {
    await page.getByTestId('side-menu').getByText('用户管理').click();
    const row = page.locator('tr.ant-table-row', { hasText: 'agent2' });
    await row.getByRole('button', { name: /编\s*辑/ }).click();
    await page.getByTestId('user-displayName').waitFor();
    // a colleague saves a change to the same account first
    await page.evaluate(async () => {
      const list = await (await fetch('/api/users?q=agent2')).json();
      const u = list.items.find((x: { username: string }) => x.username === 'agent2');
      await fetch(`/api/users/${u.id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ phone: '010-12345678', version: u.version }),
      });
    });
    await page.getByTestId('user-displayName').fill('王客服（改）');
    await page.getByTestId('user-save').click();
    await page.getByText('该记录已被他人修改').waitFor();
  });

  it('unlocks the colleague, who then sees only what their role allows', async () => {
    await page.goto('/admin/users');
    const row = page.locator('tr.ant-table-row', { hasText: 'viewer' });
    await row.getByText('已锁定').waitFor();
    await row.getByRole('button', { name: /解\s*锁/ }).click();
    await page
      .locator('.ant-popconfirm')
      .getByRole('button', { name: /确\s*定/ })
      .click();
    await page.getByText('已解锁').waitFor();
    await row.getByText('已锁定').waitFor({ state: 'detached' });

    const viewer = await newPage(browser);
    await signIn(viewer, 'viewer');
    const menu = await menuText(viewer);
    expect(menu).toContain('工作台');
    expect(menu).not.toContain('系统管理');
    expect(menu).not.toContain('用户管理');
    expect(await headerText(viewer)).toContain('周只读');
    await viewer.goto('/admin/users');
    // refused with the reason in words and a way back, not a bare 403
    await viewer.getByText('无权打开此页面').waitFor();
    expect(await text(viewer.locator('.ant-result'))).toMatch(/需要“[^”]+”权限/);
    await viewer.getByTestId('forbidden-back').waitFor();
    await viewer.context().close();

    const compliance = await newPage(browser);
    await signIn(compliance, 'compliance');
    const cmenu = await menuText(compliance);
    expect(cmenu).toContain('审计日志');
    expect(cmenu).not.toContain('用户管理');
    await compliance.context().close();
  });
});

// Who may call the knowledge-base routes: every built-in role reads (kb.read); writing articles, categories and
// reply templates needs kb.write (administrator, supervisor).
import type { TestApp } from '../../test/app.ts';
import { uniq } from '../../test/fixtures.ts';
import { addCases, type RoleCode } from '../../test/permission-table.ts';

const WRITE: RoleCode[] = ['admin', 'supervisor'];

async function article(t: TestApp) {
  const r = await t.call(await t.login('admin'), 'POST', '/api/kb/articles', {
    kind: 'faq',
    title: uniq('如何开户'),
    body: '携带身份证与银行卡到营业部办理。',
    status: 'published',
  });
  if (r.status !== 200) throw new Error(`article: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as { id: number; version: number };
}
async function category(t: TestApp) {
  return (await t.call(await t.login('admin'), 'POST', '/api/kb/categories', { name: uniq('类') })).body as {
    id: number;
  };
}
async function macro(t: TestApp) {
  return (
    await t.call(await t.login('admin'), 'POST', '/api/kb/macros', {
      name: uniq('模板'),
      body: '{{customer.name}}您好',
    })
  ).body as { id: number; version: number };
}

addCases([
  { route: 'GET /api/kb/categories', allowed: 'everyone' },
  {
    route: 'POST /api/kb/categories',
    allowed: WRITE,
    request: async () => ({ url: '/api/kb/categories', body: { name: uniq('类') } }),
  },
  {
    route: 'PATCH /api/kb/categories/:id',
    allowed: WRITE,
    request: async (t) => ({
      url: `/api/kb/categories/${(await category(t)).id}`,
      body: { name: uniq('类') },
    }),
    tables: ['kb_categories'],
  },
  { route: 'GET /api/kb/articles', allowed: 'everyone' },
  {
    route: 'GET /api/kb/articles/:id',
    allowed: 'everyone',
    request: async (t) => ({ url: `/api/kb/articles/${(await article(t)).id}` }),
  },
  {
    route: 'POST /api/kb/articles',
    allowed: WRITE,
    request: async () => ({
      url: '/api/kb/articles',
      body: { kind: 'script', title: uniq('话术'), body: '您好' },
    }),
    tables: ['kb_articles', 'kb_article_versions'],
  },
  {
    route: 'PATCH /api/kb/articles/:id',
    allowed: WRITE,
    request: async (t) => {
      const a = await article(t);
      return { url: `/api/kb/articles/${a.id}`, body: { body: '新的正文', version: a.version } };
    },
    tables: ['kb_articles', 'kb_article_versions'],
  },
  {
    route: 'GET /api/kb/articles/:id/versions',
    allowed: 'everyone',
    request: async (t) => ({ url: `/api/kb/articles/${(await article(t)).id}/versions` }),
  },
  { route: 'GET /api/kb/macros', allowed: 'everyone' },
  {
    route: 'GET /api/kb/macros/:id',
    allowed: 'everyone',
    request: async (t) => ({ url: `/api/kb/macros/${(await macro(t)).id}` }),
  },
  {
    route: 'POST /api/kb/macros',
    allowed: WRITE,
    request: async () => ({
      url: '/api/kb/macros',
      body: { name: uniq('模板'), body: '您好 {{agent.name}}' },
    }),
    tables: ['kb_macros'],
  },
  {
    route: 'PATCH /api/kb/macros/:id',
    allowed: WRITE,
    request: async (t) => {
      const m = await macro(t);
      return { url: `/api/kb/macros/${m.id}`, body: { active: false, version: m.version } };
    },
    tables: ['kb_macros'],
  },
]);

// Who may call the customer import and export routes (the permission table, see test/permission-table.ts):
// importing needs customer.import (administrator, supervisor); exporting needs customer.export (administrator,
// supervisor, branch manager).
import type { TestApp } from '../../../test/app.ts';
import { userId } from '../../../test/fixtures.ts';
import { addCases, type Caller } from '../../../test/permission-table.ts';

const importers = ['admin', 'supervisor'] as const;

/** An import job of the caller (or of the admin for a denied caller), in the given state. */
async function job(t: TestApp, as: Caller, status: 'uploaded' | 'done') {
  const owner = await userId(
    t,
    as && (importers as readonly string[]).includes(as.role) ? as.username : 'admin',
  );
  const j = await t.db
    .insertInto('import_jobs')
    .values({
      file_name: 'perm.csv',
      status,
      options: '{}',
      created_by: owner,
      error_file_name: status === 'done' ? 'perm.errors.csv' : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const data = Buffer.from(
    status === 'done' ? '客户编号,错误\r\nP1,x\r\n' : '客户编号,客户姓名\r\nP1,权限\r\n',
  );
  await t.db
    .insertInto('import_job_chunks')
    .values({ job_id: j.id, role: status === 'done' ? 'errors' : 'source', seq: 1, data })
    .execute();
  return j.id;
}

async function mapping(t: TestApp, as: Caller) {
  const owner = await userId(
    t,
    as && (importers as readonly string[]).includes(as.role) ? as.username : 'admin',
  );
  const m = await t.db
    .insertInto('import_mappings')
    .values({ name: 'perm', columns: JSON.stringify({ 代码: 'code' }), owner_id: owner })
    .returning(['id', 'version'])
    .executeTakeFirstOrThrow();
  return m;
}

addCases([
  { route: 'GET /api/customers/import/fields', allowed: [...importers] },
  {
    route: 'POST /api/customers/import/uploads',
    allowed: [...importers],
    request: async () => ({
      url: '/api/customers/import/uploads',
      file: { name: 'perm.csv', content: '客户编号,客户姓名\r\nP1,权限\r\n', type: 'text/csv' },
    }),
    tables: ['import_jobs', 'import_job_chunks'],
  },
  { route: 'GET /api/customers/import/jobs', allowed: [...importers] },
  {
    route: 'GET /api/customers/import/jobs/:id',
    allowed: [...importers],
    request: async (t, as) => ({ url: `/api/customers/import/jobs/${await job(t, as, 'done')}` }),
  },
  {
    route: 'GET /api/customers/import/jobs/:id/preview',
    allowed: [...importers],
    request: async (t, as) => ({ url: `/api/customers/import/jobs/${await job(t, as, 'uploaded')}/preview` }),
  },
  {
    route: 'POST /api/customers/import/jobs/:id/run',
    allowed: [...importers],
    request: async (t, as) => ({
      url: `/api/customers/import/jobs/${await job(t, as, 'uploaded')}/run`,
      body: {},
    }),
    tables: ['import_jobs'],
  },
  {
    route: 'GET /api/customers/import/jobs/:id/errors',
    allowed: [...importers],
    request: async (t, as) => ({ url: `/api/customers/import/jobs/${await job(t, as, 'done')}/errors` }),
  },
  { route: 'GET /api/customers/import/mappings', allowed: [...importers] },
  {
    route: 'POST /api/customers/import/mappings',
    allowed: [...importers],
    request: async () => ({
      url: '/api/customers/import/mappings',
      body: { name: '模板', columns: { 代码: 'code' } },
    }),
  },
  {
    route: 'PATCH /api/customers/import/mappings/:id',
    allowed: [...importers],
    request: async (t, as) => {
      const m = await mapping(t, as);
      return { url: `/api/customers/import/mappings/${m.id}`, body: { name: '改名', version: m.version } };
    },
  },
  {
    route: 'DELETE /api/customers/import/mappings/:id',
    allowed: [...importers],
    request: async (t, as) => ({ url: `/api/customers/import/mappings/${(await mapping(t, as)).id}` }),
  },
  {
    route: 'POST /api/customers/export',
    allowed: ['admin', 'supervisor', 'branch_manager'],
    request: async () => ({ url: '/api/customers/export', body: { query: {}, format: 'csv' } }),
  },
]);

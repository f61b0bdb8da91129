// Who may call the segment routes (the permission table, see test/permission-table.ts): segment.read to see
// segments, counts and members; segment.write to create, change and delete them and their static members.
import type { TestApp } from '../../test/app.ts';
import { branchId } from '../../test/fixtures.ts';
import { addCases } from '../../test/permission-table.ts';

const READ = ['admin', 'supervisor', 'account_manager', 'branch_manager', 'readonly'] as const;
const WRITE = ['admin', 'supervisor'] as const;
const RULE = { op: 'and', rules: [{ field: 'status', op: 'eq', value: 'active' }] };

/** A segment of the Beijing branch (writable by Beijing's supervisor and by head office). */
const bjSegment = async (t: TestApp, kind: 'rule' | 'static' = 'rule') =>
  t.db
    .insertInto('segments')
    .values({
      name: 'Permission segment',
      kind,
      rule: kind === 'rule' ? JSON.stringify(RULE) : null,
      branch_id: await branchId(t, 'BJ01'),
    })
    .returning(['id', 'version'])
    .executeTakeFirstOrThrow();

addCases([
  { route: 'GET /api/segments', allowed: [...READ] },
  {
    route: 'GET /api/segments/:id',
    allowed: [...READ],
    request: async (t) => ({ url: `/api/segments/${(await bjSegment(t)).id}` }),
  },
  {
    route: 'GET /api/segments/:id/customers',
    allowed: [...READ],
    request: async (t) => ({ url: `/api/segments/${(await bjSegment(t)).id}/customers` }),
  },
  {
    route: 'POST /api/segments/count',
    allowed: [...READ],
    request: async () => ({ url: '/api/segments/count', body: { rule: RULE } }),
  },
  {
    route: 'POST /api/segments/preview',
    allowed: [...READ],
    request: async () => ({ url: '/api/segments/preview', body: { rule: RULE } }),
  },
  {
    route: 'POST /api/segments',
    allowed: [...WRITE],
    request: async () => ({ url: '/api/segments', body: { name: 'Active', kind: 'rule', rule: RULE } }),
  },
  {
    route: 'PATCH /api/segments/:id',
    allowed: [...WRITE],
    request: async (t) => {
      const s = await bjSegment(t);
      return { url: `/api/segments/${s.id}`, body: { name: 'Renamed', version: s.version } };
    },
  },
  {
    route: 'DELETE /api/segments/:id',
    allowed: [...WRITE],
    request: async (t) => ({ url: `/api/segments/${(await bjSegment(t)).id}` }),
  },
  {
    route: 'POST /api/segments/:id/members',
    allowed: [...WRITE],
    request: async (t) => ({
      url: `/api/segments/${(await bjSegment(t, 'static')).id}/members`,
      body: { codes: ['NOPE'] },
    }),
    tables: ['segment_members'],
  },
  {
    route: 'POST /api/segments/:id/members/remove',
    allowed: [...WRITE],
    request: async (t) => ({
      url: `/api/segments/${(await bjSegment(t, 'static')).id}/members/remove`,
      body: { customerIds: [1] },
    }),
    tables: ['segment_members'],
  },
]);

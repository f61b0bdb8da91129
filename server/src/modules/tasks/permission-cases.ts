// Who may call the task routes (the permission table, see test/permission-table.ts): task.read to see, task.write
// to create, change, complete and cancel.

import type { TestApp } from '../../test/app.ts';
import { branchId, userId } from '../../test/fixtures.ts';
import { addCases } from '../../test/permission-table.ts';

const READ = ['admin', 'supervisor', 'agent', 'account_manager', 'branch_manager', 'readonly'] as const;
const WRITE = ['admin', 'supervisor', 'agent', 'account_manager'] as const;

/** A fresh open task of the Beijing branch, assigned to the demo account manager. */
async function bjTask(t: TestApp) {
  const row = await t.db
    .insertInto('tasks')
    .values({
      title: 'Permission task',
      branch_id: await branchId(t, 'BJ01'),
      assignee_id: await userId(t, 'manager'),
    })
    .returning(['id', 'version'])
    .executeTakeFirstOrThrow();
  return row;
}

addCases([
  { route: 'GET /api/tasks', allowed: [...READ] },
  { route: 'GET /api/tasks/counts', allowed: [...READ] },
  {
    route: 'GET /api/tasks/:id',
    allowed: [...READ],
    request: async (t) => ({ url: `/api/tasks/${(await bjTask(t)).id}` }),
  },
  {
    route: 'POST /api/tasks',
    allowed: [...WRITE],
    request: async () => ({ url: '/api/tasks', body: { title: 'Call back' } }),
  },
  {
    route: 'PATCH /api/tasks/:id',
    allowed: [...WRITE],
    request: async (t) => {
      const task = await bjTask(t);
      return { url: `/api/tasks/${task.id}`, body: { title: 'Changed', version: task.version } };
    },
  },
  {
    route: 'POST /api/tasks/:id/complete',
    allowed: [...WRITE],
    request: async (t) => ({ url: `/api/tasks/${(await bjTask(t)).id}/complete`, body: { outcome: 'Done' } }),
  },
  {
    route: 'POST /api/tasks/:id/cancel',
    allowed: [...WRITE],
    request: async (t) => ({ url: `/api/tasks/${(await bjTask(t)).id}/cancel`, body: {} }),
  },
]);

// Describes the user of a session for the web app: who they are, where they sit, what they may do.
import type { Database } from '../../db/index.ts';
import { loadActor } from '../../platform/auth.ts';

export async function describeMe(db: Database, sessionId: string) {
  const s = await db.selectFrom('sessions').select('user_id').where('id', '=', sessionId).executeTakeFirst();
  if (!s) return null;
  const actor = await loadActor(db, s.user_id);
  if (!actor) return null;
  const u = await db
    .selectFrom('users')
    .innerJoin('branches', 'branches.id', 'users.branch_id')
    .innerJoin('departments', 'departments.id', 'users.department_id')
    .select([
      'users.email',
      'users.phone',
      'branches.code as branch_code',
      'branches.name as branch_name',
      'departments.code as dept_code',
      'departments.name as dept_name',
    ])
    .where('users.id', '=', actor.id)
    .executeTakeFirstOrThrow();
  return {
    id: actor.id,
    username: actor.username,
    displayName: actor.displayName,
    email: u.email,
    phone: u.phone,
    locale: actor.locale as 'zh-CN' | 'zh-TW' | 'en',
    branch: { id: actor.branchId, code: u.branch_code, name: u.branch_name },
    department: { id: actor.departmentId, code: u.dept_code, name: u.dept_name },
    teamId: actor.teamId,
    roles: actor.roles,
    permissions: [...actor.permissions].sort(),
    allBranches: actor.permissions.has('scope.all_branches'),
  };
}

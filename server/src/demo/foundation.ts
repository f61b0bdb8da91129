// Demo organisation: a head office and three branches of a futures company, their departments, and a user of every role.
import type { Database } from '../db/index.ts';
import { audit } from '../platform/audit.ts';
import { hashPassword } from '../platform/auth.ts';
import { withTx } from '../platform/context.ts';

export const DEMO_PASSWORD = 'Kefu2026!';

const BRANCHES = [
  { code: 'HQ', name: '总部', region: '上海', address: '上海市浦东新区世纪大道100号', phone: '021-50000000' },
  {
    code: 'BJ01',
    name: '北京朝阳营业部',
    region: '北京',
    address: '北京市朝阳区建国路88号',
    phone: '010-65000000',
  },
  {
    code: 'SH01',
    name: '上海浦东营业部',
    region: '上海',
    address: '上海市浦东新区陆家嘴环路1000号',
    phone: '021-68000000',
  },
  {
    code: 'SZ01',
    name: '深圳福田营业部',
    region: '深圳',
    address: '深圳市福田区深南大道6000号',
    phone: '0755-83000000',
  },
];
const DEPARTMENTS = [
  { code: 'CS', name: '客服部', kind: 'service' },
  { code: 'RD', name: '研发部', kind: 'research' },
  { code: 'TRD', name: '交易部', kind: 'trading' },
  { code: 'SETTLE', name: '结算部', kind: 'settlement' },
  { code: 'COMP', name: '合规风控部', kind: 'compliance' },
  { code: 'IT', name: '信息技术部', kind: 'it' },
];
/** username, display name, branch code, department code, role */
const USERS: [string, string, string, string, string][] = [
  ['admin', '系统管理员', 'HQ', 'IT', 'admin'],
  ['supervisor', '陈主管', 'BJ01', 'CS', 'supervisor'],
  ['agent', '李客服', 'BJ01', 'CS', 'agent'],
  ['agent2', '王客服', 'BJ01', 'CS', 'agent'],
  ['manager', '张经理', 'BJ01', 'CS', 'account_manager'],
  ['branchmgr', '刘总', 'BJ01', 'CS', 'branch_manager'],
  ['compliance', '赵合规', 'HQ', 'COMP', 'compliance'],
  ['settlement', '孙结算', 'HQ', 'SETTLE', 'department_staff'],
  ['viewer', '周只读', 'BJ01', 'CS', 'readonly'],
  ['sh_agent', '吴客服', 'SH01', 'CS', 'agent'],
  ['sh_manager', '郑经理', 'SH01', 'CS', 'account_manager'],
  ['sz_agent', '冯客服', 'SZ01', 'CS', 'agent'],
];

export type DemoUser = { username: string; displayName: string; role: string; branch: string };

/** Loads the demo organisation once; a database that already has users is left alone. */
export async function loadDemoOrganisation(db: Database): Promise<{ created: boolean; users: DemoUser[] }> {
  const any = await db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  const users = USERS.map(([username, displayName, branch, , role]) => ({
    username,
    displayName,
    role,
    branch,
  }));
  if (any) return { created: false, users };
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await withTx({ db, actor: null, ip: null, userAgent: 'kefu demo' }, async (tx) => {
    const branchIds = new Map<string, number>();
    for (const b of BRANCHES) {
      const row = await tx.db
        .insertInto('branches')
        .values(b)
        .onConflict((oc) => oc.column('code').doUpdateSet({ name: b.name }))
        .returning(['id'])
        .executeTakeFirstOrThrow();
      branchIds.set(b.code, row.id);
    }
    const deptIds = new Map<string, number>();
    for (const d of DEPARTMENTS) {
      const row = await tx.db
        .insertInto('departments')
        .values({ ...d, branch_id: null })
        .onConflict((oc) => oc.column('code').doUpdateSet({ name: d.name }))
        .returning(['id'])
        .executeTakeFirstOrThrow();
      deptIds.set(d.code, row.id);
    }
    const roleIds = new Map(
      (await tx.db.selectFrom('roles').select(['id', 'code']).execute()).map((r) => [r.code, r.id]),
    );
    const teams = new Map<string, number>();
    for (const code of ['BJ01', 'SH01', 'SZ01']) {
      const t = await tx.db
        .insertInto('teams')
        .values({
          name: `${BRANCHES.find((b) => b.code === code)!.name.slice(2, 4)}客服一组`,
          branch_id: branchIds.get(code)!,
          department_id: deptIds.get('CS')!,
        })
        .returning(['id'])
        .executeTakeFirstOrThrow();
      teams.set(code, t.id);
    }
    for (const [username, displayName, branch, dept, role] of USERS) {
      const u = await tx.db
        .insertInto('users')
        .values({
          username,
          display_name: displayName,
          email: `${username}@kefu.example.com`,
          phone: null,
          branch_id: branchIds.get(branch)!,
          department_id: deptIds.get(dept)!,
          team_id: dept === 'CS' && teams.has(branch) ? teams.get(branch)! : null,
          password_hash: passwordHash,
        })
        .returning(['id'])
        .executeTakeFirstOrThrow();
      await tx.db
        .insertInto('user_roles')
        .values({ user_id: u.id, role_id: roleIds.get(role)! })
        .execute();
    }
    await audit(tx, {
      action: 'demo.loaded',
      entity: 'system',
      meta: { branches: BRANCHES.length, users: USERS.length },
    });
  });
  return { created: true, users };
}

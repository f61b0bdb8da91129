// The catalogue of named permissions, the built-in roles, and the one place that scopes data to a user's branch.
import { type ExpressionBuilder, type SelectQueryBuilder, sql } from 'kysely';
import { forbidden, notFound } from './errors.ts';

/** Every permission Kefu knows, grouped for the role editor. Modules add theirs here. */
export const PERMISSIONS = {
  admin: ['admin.users', 'admin.roles', 'admin.org', 'admin.settings'],
  audit: ['audit.read'],
  scope: ['scope.all_branches'],
  customer: [
    'customer.read',
    'customer.write',
    'customer.pii',
    'customer.dial',
    'customer.import',
    'customer.export',
    'customer.merge',
    'interaction.write',
  ],
  ticket: ['ticket.read', 'ticket.write', 'ticket.assign', 'ticket.supervise', 'kb.read', 'kb.write'],
  service: [
    'service.manage',
    'segment.read',
    'segment.write',
    'tier.manage',
    'task.read',
    'task.write',
    'handover.run',
  ],
  outreach: [
    'campaign.read',
    'campaign.write',
    'campaign.work',
    'visit.read',
    'visit.write',
    'callback.read',
    'callback.write',
    'suitability.read',
    'suitability.write',
    'suitability.manage',
    'notice.send',
    'notice.confirm_phone',
  ],
  feedback: ['feedback.answer'],
  report: ['report.read'],
} as const;

export type Permission = (typeof PERMISSIONS)[keyof typeof PERMISSIONS][number];
export const ALL_PERMISSIONS: Permission[] = Object.values(PERMISSIONS).flat();

const p = (...xs: Permission[]) => xs;

/** The roles of SPEC's "people who use it". Their permissions are re-synced from here at every start. */
export const BUILTIN_ROLES: Record<string, { name: string; description: string; permissions: Permission[] }> =
  {
    admin: {
      name: '系统管理员',
      description: 'Administrator: users, roles, organisation, settings',
      permissions: ALL_PERMISSIONS,
    },
    supervisor: {
      name: '客服主管',
      description: 'Service supervisor: queues, SLAs, reassignment, complaint review',
      permissions: p(
        'customer.read',
        'customer.write',
        'customer.pii',
        'customer.dial',
        'customer.export',
        'customer.merge',
        'customer.import',
        'interaction.write',
        'ticket.read',
        'ticket.write',
        'ticket.assign',
        'ticket.supervise',
        'kb.read',
        'kb.write',
        'segment.read',
        'segment.write',
        'task.read',
        'task.write',
        'campaign.read',
        'campaign.write',
        'campaign.work',
        'visit.read',
        'callback.read',
        'callback.write',
        'suitability.read',
        'notice.send',
        'notice.confirm_phone',
        'report.read',
      ),
    },
    agent: {
      name: '客服专员',
      description: 'Customer-service agent: calls, tickets, callback lists',
      permissions: p(
        'customer.read',
        'customer.write',
        'customer.dial',
        'interaction.write',
        'ticket.read',
        'ticket.write',
        'kb.read',
        'task.read',
        'task.write',
        'campaign.read',
        'campaign.work',
        'visit.read',
        'callback.read',
        'callback.write',
        'suitability.read',
        'suitability.write',
        'notice.send',
        'notice.confirm_phone',
      ),
    },
    account_manager: {
      name: '客户经理',
      description: 'Account manager: owns a book of customers, visits them',
      permissions: p(
        'customer.read',
        'customer.write',
        'customer.pii',
        'customer.dial',
        'interaction.write',
        'ticket.read',
        'ticket.write',
        'kb.read',
        'segment.read',
        'task.read',
        'task.write',
        'visit.read',
        'visit.write',
        'suitability.read',
        'suitability.write',
      ),
    },
    branch_manager: {
      name: '营业部经理',
      description: "Branch manager: the branch's customers, KPIs and churn risk",
      permissions: p(
        'customer.read',
        'customer.pii',
        'customer.export',
        'ticket.read',
        'kb.read',
        'segment.read',
        'task.read',
        'handover.run',
        'campaign.read',
        'visit.read',
        'callback.read',
        'suitability.read',
        'report.read',
        'audit.read',
      ),
    },
    compliance: {
      name: '合规风控',
      description: 'Compliance / risk officer: suitability, complaints, audit log, all branches',
      permissions: p(
        'scope.all_branches',
        'audit.read',
        'customer.read',
        'customer.pii',
        'ticket.read',
        'kb.read',
        'callback.read',
        'suitability.read',
        'suitability.manage',
        'report.read',
      ),
    },
    department_staff: {
      name: '部门人员',
      description: 'Department staff (research, trading, settlement): answer what is routed to them',
      permissions: p('ticket.read', 'ticket.write', 'kb.read', 'feedback.answer', 'customer.dial'),
    },
    readonly: {
      name: '只读',
      description: 'Read-only: sees, changes nothing',
      permissions: p('customer.read', 'ticket.read', 'kb.read', 'segment.read', 'task.read', 'report.read'),
    },
  };

export type Actor = {
  id: number;
  username: string;
  displayName: string;
  branchId: number;
  departmentId: number;
  teamId: number | null;
  locale: string;
  roles: string[];
  permissions: Set<string>;
};

export const can = (actor: Actor | null | undefined, perm: Permission) => !!actor?.permissions.has(perm);

export function requirePermission(actor: Actor | null | undefined, ...perms: Permission[]) {
  for (const perm of perms) if (!can(actor, perm)) throw forbidden(`Permission ${perm} is required`);
}

/** The branches whose data the actor may see: 'all', or a list. */
export function branchScope(actor: Actor): 'all' | number[] {
  return actor.permissions.has('scope.all_branches') ? 'all' : [actor.branchId];
}

/**
 * Restricts any query to the actor's branches. Every repository that lists or loads branch-owned rows calls this,
 * so no route can forget it. `column` is the branch column of the table being read.
 */
export function scopeToBranch<QB extends SelectQueryBuilder<any, any, any>>(
  qb: QB,
  actor: Actor,
  column: string,
): QB {
  const scope = branchScope(actor);
  if (scope === 'all') return qb;
  return qb.where(sql.ref(column), 'in', scope) as QB;
}

/** The same rule as an expression, for updates and deletes: `where(branchFilter(actor, 'branch_id'))`. */
export function branchFilter(actor: Actor, column: string) {
  return (eb: ExpressionBuilder<any, any>) => {
    const scope = branchScope(actor);
    return scope === 'all' ? eb.lit(true) : eb(sql.ref(column), 'in', scope);
  };
}

/** A record of another branch is reported as not found, so its existence does not leak. */
export function assertInScope(actor: Actor, branchId: number | null | undefined, code = 'NOT_FOUND') {
  const scope = branchScope(actor);
  if (scope === 'all' || branchId == null) return;
  if (!scope.includes(branchId)) throw notFound(code);
}

// The organisation's rules: who sees and who changes branches, departments and teams, and where a team may sit.
// Every change is one transaction with its audit row.
import { audit, diff } from '../../platform/audit.ts';
import type { AuthedCtx, Ctx } from '../../platform/context.ts';
import { badRequest, notFound } from '../../platform/errors.ts';
import { assertInScope, requirePermission } from '../../platform/permissions.ts';
import {
  type BranchRow,
  branchRows,
  type DepartmentRow,
  departmentBranch,
  departmentRows,
  findBranch,
  insertBranch,
  insertDepartment,
  insertTeam,
  inTx,
  lockBranch,
  lockDepartment,
  lockTeam,
  type TeamRow,
  teamRows,
  updateBranchRow,
  updateDepartmentRow,
  updateTeamRow,
  userBranch,
} from './repo.ts';
import type {
  DepartmentKind,
  TBranchInput,
  TBranchPatch,
  TDepartmentInput,
  TDepartmentPatch,
  TTeamInput,
  TTeamPatch,
} from './schema.ts';

export const branchOut = (b: BranchRow) => ({
  id: b.id,
  code: b.code,
  name: b.name,
  region: b.region,
  address: b.address,
  phone: b.phone,
  active: b.active,
});
export const departmentOut = (d: DepartmentRow) => ({
  id: d.id,
  code: d.code,
  name: d.name,
  kind: d.kind as DepartmentKind,
  branchId: d.branch_id,
  active: d.active,
});
export const teamOut = (t: TeamRow) => ({
  id: t.id,
  name: t.name,
  branchId: t.branch_id,
  departmentId: t.department_id,
  leaderId: t.leader_id,
  active: t.active,
});

// ---- branches: everyone signed in sees the branches in their scope (pickers need them)

export async function listBranches(ctx: AuthedCtx) {
  return (await branchRows(ctx)).map(branchOut);
}

export async function getBranch(ctx: AuthedCtx, id: number) {
  const row = await findBranch(ctx, id);
  if (!row) throw notFound('BRANCH_NOT_FOUND');
  return branchOut(row);
}

/** A new branch: administrators of all branches. */
export async function createBranch(ctx: AuthedCtx, b: TBranchInput) {
  requirePermission(ctx.actor, 'admin.org', 'scope.all_branches');
  return inTx(ctx, async (tx) => {
    const row = await insertBranch(tx, {
      code: b.code,
      name: b.name,
      region: b.region ?? null,
      address: b.address ?? null,
      phone: b.phone ?? null,
      active: b.active ?? true,
    });
    await audit(tx, {
      action: 'branch.created',
      entity: 'branch',
      entityId: row.id,
      branchId: row.id,
      after: row,
    });
    return branchOut(row);
  });
}

export async function updateBranch(ctx: AuthedCtx, id: number, b: TBranchPatch) {
  requirePermission(ctx.actor, 'admin.org');
  assertInScope(ctx.actor, id, 'BRANCH_NOT_FOUND');
  return inTx(ctx, async (tx) => {
    const before = await lockBranch(tx, id);
    if (!before) throw notFound('BRANCH_NOT_FOUND');
    const after = await updateBranchRow(tx, id, b);
    await audit(tx, {
      action: 'branch.updated',
      entity: 'branch',
      entityId: after.id,
      branchId: after.id,
      ...diff(before, after),
    });
    return branchOut(after);
  });
}

// ---- departments: head-office departments (no branch) are visible to all; a branch's own to its people

export async function listDepartments(ctx: AuthedCtx) {
  return (await departmentRows(ctx)).map(departmentOut);
}

/** A head-office department (no branch) needs the all-branch scope; a branch's own, that branch in scope. */
export async function createDepartment(ctx: AuthedCtx, d: TDepartmentInput) {
  requirePermission(ctx.actor, 'admin.org');
  if (d.branchId == null) requirePermission(ctx.actor, 'scope.all_branches');
  else assertInScope(ctx.actor, d.branchId, 'BRANCH_NOT_FOUND');
  return inTx(ctx, async (tx) => {
    const row = await insertDepartment(tx, {
      code: d.code,
      name: d.name,
      kind: d.kind,
      branch_id: d.branchId ?? null,
      active: d.active ?? true,
    });
    await audit(tx, {
      action: 'department.created',
      entity: 'department',
      entityId: row.id,
      branchId: row.branch_id,
      after: row,
    });
    return departmentOut(row);
  });
}

export async function updateDepartment(ctx: AuthedCtx, id: number, d: TDepartmentPatch) {
  const actor = ctx.actor;
  requirePermission(actor, 'admin.org');
  return inTx(ctx, async (tx) => {
    const before = await lockDepartment(tx, id);
    if (!before) throw notFound('DEPARTMENT_NOT_FOUND');
    // Head-office departments belong to everyone: only all-branch administrators change them.
    if (before.branch_id == null) requirePermission(actor, 'scope.all_branches');
    else assertInScope(actor, before.branch_id, 'DEPARTMENT_NOT_FOUND');
    if (d.branchId !== undefined) {
      if (d.branchId == null) requirePermission(actor, 'scope.all_branches');
      else assertInScope(actor, d.branchId, 'BRANCH_NOT_FOUND');
    }
    const after = await updateDepartmentRow(tx, id, {
      ...(d.code !== undefined && { code: d.code }),
      ...(d.name !== undefined && { name: d.name }),
      ...(d.kind !== undefined && { kind: d.kind }),
      ...(d.branchId !== undefined && { branch_id: d.branchId }),
      ...(d.active !== undefined && { active: d.active }),
    });
    await audit(tx, {
      action: 'department.updated',
      entity: 'department',
      entityId: after.id,
      branchId: after.branch_id,
      ...diff(before, after),
    });
    return departmentOut(after);
  });
}

// ---- teams

/** A team's department is a head-office one or its branch's own; its leader is a user of its branch. */
async function checkTeamPlacement(
  ctx: Ctx,
  branchId: number,
  departmentId: number | undefined,
  leaderId: number | null | undefined,
) {
  if (departmentId !== undefined) {
    const dept = await departmentBranch(ctx, departmentId);
    if (!dept || (dept.branch_id != null && dept.branch_id !== branchId))
      throw badRequest('DEPARTMENT_INVALID', 'The department does not exist in this branch', {
        departmentId: 'DEPARTMENT_INVALID',
      });
  }
  if (leaderId != null) {
    const leader = await userBranch(ctx, leaderId);
    if (!leader || leader.branch_id !== branchId)
      throw badRequest('LEADER_INVALID', 'The leader is not a user of this branch', {
        leaderId: 'LEADER_INVALID',
      });
  }
}

export async function listTeams(ctx: AuthedCtx) {
  return (await teamRows(ctx)).map(teamOut);
}

export async function createTeam(ctx: AuthedCtx, t: TTeamInput) {
  requirePermission(ctx.actor, 'admin.org');
  assertInScope(ctx.actor, t.branchId, 'BRANCH_NOT_FOUND');
  return inTx(ctx, async (tx) => {
    await checkTeamPlacement(tx, t.branchId, t.departmentId, t.leaderId);
    const row = await insertTeam(tx, {
      name: t.name,
      branch_id: t.branchId,
      department_id: t.departmentId,
      leader_id: t.leaderId ?? null,
      active: t.active ?? true,
    });
    await audit(tx, {
      action: 'team.created',
      entity: 'team',
      entityId: row.id,
      branchId: row.branch_id,
      after: row,
    });
    return teamOut(row);
  });
}

/** Moving a team to another branch re-checks its department and leader there. */
export async function updateTeam(ctx: AuthedCtx, id: number, t: TTeamPatch) {
  const actor = ctx.actor;
  requirePermission(actor, 'admin.org');
  return inTx(ctx, async (tx) => {
    const before = await lockTeam(tx, id);
    if (!before) throw notFound('TEAM_NOT_FOUND');
    if (t.branchId !== undefined) assertInScope(actor, t.branchId, 'BRANCH_NOT_FOUND');
    const branchId = t.branchId ?? before.branch_id;
    await checkTeamPlacement(
      tx,
      branchId,
      t.departmentId ?? (t.branchId !== undefined ? before.department_id : undefined),
      t.leaderId === undefined ? (t.branchId !== undefined ? before.leader_id : undefined) : t.leaderId,
    );
    const after = await updateTeamRow(tx, id, {
      ...(t.name !== undefined && { name: t.name }),
      ...(t.branchId !== undefined && { branch_id: t.branchId }),
      ...(t.departmentId !== undefined && { department_id: t.departmentId }),
      ...(t.leaderId !== undefined && { leader_id: t.leaderId }),
      ...(t.active !== undefined && { active: t.active }),
    });
    await audit(tx, {
      action: 'team.updated',
      entity: 'team',
      entityId: after.id,
      branchId: after.branch_id,
      ...diff(before, after),
    });
    return teamOut(after);
  });
}

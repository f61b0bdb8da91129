// SQL of the organisation: branches, departments and teams. Reads of branch-owned rows are scoped to the actor's
// branches here (platform/permissions.ts), so a list cannot forget it.
import { type Selectable, sql } from 'kysely';
import type { BranchTable, DepartmentTable, TeamTable } from '../../db/types.ts';
import { type AuthedCtx, type Ctx, withTx } from '../../platform/context.ts';
import { branchScope, scopeToBranch } from '../../platform/permissions.ts';
import type { DepartmentKind } from './schema.ts';

/** withTx for an authenticated context: the transaction keeps the actor's type. */
export const inTx = <T>(ctx: AuthedCtx, fn: (tx: AuthedCtx) => Promise<T>): Promise<T> =>
  withTx(ctx, (t) => fn(t as AuthedCtx));

export type BranchRow = Selectable<BranchTable>;
export type DepartmentRow = Selectable<DepartmentTable>;
export type TeamRow = Selectable<TeamTable>;

export type BranchValues = {
  code?: string;
  name?: string;
  region?: string | null;
  address?: string | null;
  phone?: string | null;
  active?: boolean;
};
export type DepartmentValues = {
  code?: string;
  name?: string;
  kind?: DepartmentKind;
  branch_id?: number | null;
  active?: boolean;
};
export type TeamValues = {
  name?: string;
  branch_id?: number;
  department_id?: number;
  leader_id?: number | null;
  active?: boolean;
};

// ---- branches

/** The branches in the actor's scope, by code. */
export function branchRows(ctx: AuthedCtx) {
  return scopeToBranch(ctx.db.selectFrom('branches').selectAll(), ctx.actor, 'branches.id')
    .orderBy('code')
    .execute();
}

/** One branch in the actor's scope. */
export function findBranch(ctx: AuthedCtx, id: number) {
  return scopeToBranch(
    ctx.db.selectFrom('branches').selectAll().where('id', '=', id),
    ctx.actor,
    'branches.id',
  ).executeTakeFirst();
}

export function insertBranch(ctx: Ctx, values: BranchValues & { code: string; name: string }) {
  return ctx.db.insertInto('branches').values(values).returningAll().executeTakeFirstOrThrow();
}

/** The branch, locked for the change (the caller checked its scope). */
export function lockBranch(ctx: Ctx, id: number) {
  return ctx.db.selectFrom('branches').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function updateBranchRow(ctx: Ctx, id: number, values: BranchValues) {
  return ctx.db
    .updateTable('branches')
    .set({ ...values, updated_at: sql`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

// ---- departments: head-office departments (no branch) are visible to all; a branch's own to its people

/** The departments the actor sees (head-office ones and those of the actor's branches), by code. */
export function departmentRows(ctx: AuthedCtx) {
  const scope = branchScope(ctx.actor);
  let q = ctx.db.selectFrom('departments').selectAll();
  if (scope !== 'all')
    q = q.where((eb) => eb.or([eb('branch_id', 'is', null), eb('branch_id', 'in', scope)]));
  return q.orderBy('code').execute();
}

/** The branch of a department (null: head office); undefined when there is no such department. */
export function departmentBranch(ctx: Ctx, id: number) {
  return ctx.db.selectFrom('departments').select('branch_id').where('id', '=', id).executeTakeFirst();
}

export function insertDepartment(
  ctx: Ctx,
  values: DepartmentValues & { code: string; name: string; kind: DepartmentKind },
) {
  return ctx.db.insertInto('departments').values(values).returningAll().executeTakeFirstOrThrow();
}

/** The department, locked for the change (unscoped: the caller checks its branch). */
export function lockDepartment(ctx: Ctx, id: number) {
  return ctx.db.selectFrom('departments').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function updateDepartmentRow(ctx: Ctx, id: number, values: DepartmentValues) {
  return ctx.db
    .updateTable('departments')
    .set({ ...values, updated_at: sql`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

// ---- teams

/** The teams of the actor's branches, by name. */
export function teamRows(ctx: AuthedCtx) {
  return scopeToBranch(ctx.db.selectFrom('teams').selectAll(), ctx.actor, 'teams.branch_id')
    .orderBy('name')
    .execute();
}

export function insertTeam(
  ctx: Ctx,
  values: TeamValues & { name: string; branch_id: number; department_id: number },
) {
  return ctx.db.insertInto('teams').values(values).returningAll().executeTakeFirstOrThrow();
}

/** A team of the actor's branches, locked for the change. */
export function lockTeam(ctx: AuthedCtx, id: number) {
  return scopeToBranch(
    ctx.db.selectFrom('teams').selectAll().where('id', '=', id),
    ctx.actor,
    'teams.branch_id',
  )
    .forUpdate()
    .executeTakeFirst();
}

export function updateTeamRow(ctx: Ctx, id: number, values: TeamValues) {
  return ctx.db
    .updateTable('teams')
    .set({ ...values, updated_at: sql`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The branch of a user (a team leader must be one of the team's branch); undefined when there is no such user. */
export function userBranch(ctx: Ctx, id: number) {
  return ctx.db.selectFrom('users').select('branch_id').where('id', '=', id).executeTakeFirst();
}

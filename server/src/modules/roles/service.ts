// Roles are named sets of permissions; built-in ones follow the code, administrators make their own — never with a
// permission they do not hold themselves, and never reshaping a role that carries one.
import { audit, diff } from '../../platform/audit.ts';
import { type AuthedCtx, withTx } from '../../platform/context.ts';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import {
  type Actor,
  ALL_PERMISSIONS,
  PERMISSIONS,
  type Permission,
  requirePermission,
} from '../../platform/permissions.ts';
import { deleteRoleRow, insertRole, lockRole, roleInUse, roleRows, updateRoleRow } from './repo.ts';
import type { TRoleInput, TRolePatch } from './schema.ts';

/** Every permission known, and none beyond what the actor holds (no privilege escalation). */
function checkPermissions(perms: string[], actor: Actor) {
  const unknown = perms.filter((p) => !ALL_PERMISSIONS.includes(p as Permission));
  if (unknown.length)
    throw badRequest('PERMISSION_UNKNOWN', `Unknown permission ${unknown.join(', ')}`, {
      permissions: 'PERMISSION_UNKNOWN',
    });
  const beyond = perms.filter((p) => !actor.permissions.has(p));
  if (beyond.length) throw forbidden(`You cannot grant permissions you do not hold: ${beyond.join(', ')}`);
}

/** Changing a role that carries permissions one lacks would take power from (or reshape) those above one. */
function checkHeld(perms: string[], actor: Actor) {
  const beyond = perms.filter((p) => !actor.permissions.has(p));
  if (beyond.length) throw forbidden(`This role carries permissions you do not hold: ${beyond.join(', ')}`);
}

/** The permission catalogue, grouped (role administrators). */
export function permissionCatalogue(ctx: AuthedCtx) {
  requirePermission(ctx.actor, 'admin.roles');
  return PERMISSIONS as unknown as Record<string, string[]>;
}

/** The roles with their user counts: role administrators, and user administrators (who hand roles out). */
export async function listRoles(ctx: AuthedCtx) {
  if (!ctx.actor.permissions.has('admin.roles')) requirePermission(ctx.actor, 'admin.users');
  return roleRows(ctx);
}

export async function createRole(ctx: AuthedCtx, input: TRoleInput) {
  requirePermission(ctx.actor, 'admin.roles');
  checkPermissions(input.permissions, ctx.actor);
  const id = await withTx(ctx, async (tx) => {
    const row = await insertRole(tx, {
      code: input.code,
      name: input.name,
      description: input.description ?? null,
      permissions: [...new Set(input.permissions)],
    });
    await audit(tx, { action: 'role.created', entity: 'role', entityId: row.id, after: row });
    return row.id;
  });
  return (await roleRows(ctx, id))[0];
}

/** Built-in roles do not change. */
export async function updateRole(ctx: AuthedCtx, id: number, input: TRolePatch) {
  requirePermission(ctx.actor, 'admin.roles');
  if (input.permissions) checkPermissions(input.permissions, ctx.actor);
  await withTx(ctx, async (tx) => {
    const before = await lockRole(tx, id);
    if (!before) throw notFound('ROLE_NOT_FOUND');
    checkHeld(before.permissions, ctx.actor);
    if (before.builtin)
      throw conflict('ROLE_BUILTIN', 'Built-in roles cannot be changed; copy one into a new role instead');
    const after = await updateRoleRow(tx, id, {
      ...(input.name !== undefined && { name: input.name }),
      ...(input.description !== undefined && { description: input.description }),
      ...(input.permissions !== undefined && { permissions: [...new Set(input.permissions)] }),
    });
    await audit(tx, {
      action: 'role.updated',
      entity: 'role',
      entityId: after.id,
      ...diff(before, after),
    });
  });
  return (await roleRows(ctx, id))[0];
}

/** Built-in roles and roles still given to users stay. */
export async function deleteRole(ctx: AuthedCtx, id: number) {
  requirePermission(ctx.actor, 'admin.roles');
  await withTx(ctx, async (tx) => {
    const before = await lockRole(tx, id);
    if (!before) throw notFound('ROLE_NOT_FOUND');
    checkHeld(before.permissions, ctx.actor);
    if (before.builtin) throw conflict('ROLE_BUILTIN', 'Built-in roles cannot be deleted');
    if (await roleInUse(tx, before.id)) throw conflict('ROLE_IN_USE', 'The role is still given to users');
    await deleteRoleRow(tx, before.id);
    await audit(tx, { action: 'role.deleted', entity: 'role', entityId: before.id, before });
  });
  return { ok: true as const };
}

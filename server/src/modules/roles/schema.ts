// Zod request/response schemas of roles: the API contract the web app is typed from (Role is an OpenAPI component).
import { z } from 'zod';
import { named } from '../../platform/schemas.ts';

export const ZRole = z.object({
  id: z.number(),
  code: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  permissions: z.array(z.string()),
  builtin: z.boolean(),
  userCount: z.number(),
});
named('Role', ZRole);
export const ZRoleInput = z.object({
  code: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9_]{1,40}$/, 'must be lower-case letters, digits and _'),
  name: z.string().trim().min(1).max(64),
  description: z.string().trim().max(500).nullable().optional(),
  permissions: z.array(z.string()).max(200),
});
/** A role's code does not change. */
export const ZRolePatch = ZRoleInput.omit({ code: true }).partial();
/** The permission catalogue, grouped. */
export const ZPermissionCatalogue = z.record(z.string(), z.array(z.string()));

export type TRoleInput = z.output<typeof ZRoleInput>;
export type TRolePatch = z.output<typeof ZRolePatch>;

// Zod request/response schemas of the organisation (branches, departments, teams): the API contract the web app is
// typed from. The named ones are OpenAPI components (Branch, Department, Team).
import { z } from 'zod';
import { named } from '../../platform/schemas.ts';

export const ZBranch = z.object({
  id: z.number(),
  code: z.string(),
  name: z.string(),
  region: z.string().nullable(),
  address: z.string().nullable(),
  phone: z.string().nullable(),
  active: z.boolean(),
});
named('Branch', ZBranch);
export const ZBranchInput = z.object({
  code: z.string().trim().min(1).max(32),
  name: z.string().trim().min(1).max(100),
  region: z.string().trim().max(100).nullable().optional(),
  address: z.string().trim().max(300).nullable().optional(),
  phone: z.string().trim().max(40).nullable().optional(),
  active: z.boolean().optional(),
});
export const ZBranchPatch = ZBranchInput.partial();

export const DEPARTMENT_KINDS = [
  'service',
  'research',
  'trading',
  'settlement',
  'compliance',
  'sales',
  'it',
  'other',
] as const;
export type DepartmentKind = (typeof DEPARTMENT_KINDS)[number];
export const ZDepartment = z.object({
  id: z.number(),
  code: z.string(),
  name: z.string(),
  kind: z.enum(DEPARTMENT_KINDS),
  branchId: z.number().nullable(),
  active: z.boolean(),
});
named('Department', ZDepartment);
export const ZDepartmentInput = z.object({
  code: z.string().trim().min(1).max(32),
  name: z.string().trim().min(1).max(100),
  kind: z.enum(DEPARTMENT_KINDS).default('other'),
  branchId: z.number().int().positive().nullable().optional(),
  active: z.boolean().optional(),
});
/** No default kind on a PATCH. */
export const ZDepartmentPatch = ZDepartmentInput.extend({ kind: z.enum(DEPARTMENT_KINDS) }).partial();

export const ZTeam = z.object({
  id: z.number(),
  name: z.string(),
  branchId: z.number(),
  departmentId: z.number(),
  leaderId: z.number().nullable(),
  active: z.boolean(),
});
named('Team', ZTeam);
export const ZTeamInput = z.object({
  name: z.string().trim().min(1).max(100),
  branchId: z.number().int().positive(),
  departmentId: z.number().int().positive(),
  leaderId: z.number().int().positive().nullable().optional(),
  active: z.boolean().optional(),
});
export const ZTeamPatch = ZTeamInput.partial();

export type TBranchInput = z.output<typeof ZBranchInput>;
export type TBranchPatch = z.output<typeof ZBranchPatch>;
export type TDepartmentInput = z.output<typeof ZDepartmentInput>;
export type TDepartmentPatch = z.output<typeof ZDepartmentPatch>;
export type TTeamInput = z.output<typeof ZTeamInput>;
export type TTeamPatch = z.output<typeof ZTeamPatch>;

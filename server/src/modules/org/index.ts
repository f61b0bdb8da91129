// The org module's public face (branches, departments, teams): what other modules may call.
export { ensureBranch } from './branches.ts';
export { DEPARTMENT_KINDS, type DepartmentKind } from './schema.ts';

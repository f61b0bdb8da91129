// Who may read the audit log (the permission table, see test/permission-table.ts): audit.read — the
// administrator, compliance (all branches) and branch managers (their branch).
import { addCases } from '../../test/permission-table.ts';

addCases([{ route: 'GET /api/audit', allowed: ['admin', 'branch_manager', 'compliance'] }]);

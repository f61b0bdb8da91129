// Who may call the health routes (the permission table, see test/permission-table.ts).
import { addCases } from '../../test/permission-table.ts';

addCases([{ route: 'GET /api/health', allowed: 'public' }]);

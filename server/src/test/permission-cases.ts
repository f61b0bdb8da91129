// Gathers every module's rows of the permission table. A module with routes adds one import line here for its
// `modules/<x>/permission-cases.ts`; permissions.test.ts fails for any route without a row.
import '../modules/health/permission-cases.ts';
import '../modules/auth/permission-cases.ts';
import '../modules/org/permission-cases.ts';
import '../modules/users/permission-cases.ts';
import '../modules/roles/permission-cases.ts';
import '../modules/audit/permission-cases.ts';
import '../modules/customers/permission-cases.ts';
import '../modules/customers/import/permission-cases.ts';
import '../modules/tasks/permission-cases.ts';
import '../modules/catalogue/permission-cases.ts';
import '../modules/segments/permission-cases.ts';
import '../modules/tiers/permission-cases.ts';
import '../modules/metrics/permission-cases.ts';
import '../modules/handover/permission-cases.ts';
import '../modules/calendar/permission-cases.ts';
import '../modules/kb/permission-cases.ts';
import '../modules/tickets/permission-cases.ts';
import '../modules/suitability/permission-cases.ts';
import '../modules/campaigns/permission-cases.ts';
import '../modules/callbacks/permission-cases.ts';
import '../modules/visits/permission-cases.ts';
import '../modules/notices/permission-cases.ts';
import '../modules/calls/permission-cases.ts';

export {
  BUILTIN_ROLE_USERS,
  type Caller,
  type CaseRequest,
  cases,
  type RoleCode,
  type RouteCase,
  sendCase,
} from './permission-table.ts';

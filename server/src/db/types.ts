// The database as Kysely sees it. Each module declares its own tables and adds them here.
import type { ColumnType, Generated } from 'kysely';
import type { CalendarTables } from '../modules/calendar/tables.ts';
import type { CallbackTables } from '../modules/callbacks/tables.ts';
import type { CampaignTables } from '../modules/campaigns/tables.ts';
import type { CatalogueTables } from '../modules/catalogue/tables.ts';
import type { ImportTables } from '../modules/customers/import/tables.ts';
import type { CustomerTables } from '../modules/customers/tables.ts';
import type { HandoverTables } from '../modules/handover/tables.ts';
import type { KbTables } from '../modules/kb/tables.ts';
import type { MetricTables } from '../modules/metrics/tables.ts';
import type { NoticeTables } from '../modules/notices/tables.ts';
import type { SegmentTables } from '../modules/segments/tables.ts';
import type { SuitabilityTables } from '../modules/suitability/tables.ts';
import type { TaskTables } from '../modules/tasks/tables.ts';
import type { TicketTables } from '../modules/tickets/tables.ts';
import type { TierTables } from '../modules/tiers/tables.ts';
import type { VisitTables } from '../modules/visits/tables.ts';

export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
export type Json = ColumnType<unknown, string | undefined, string>;
type Id = Generated<number>;

export interface BranchTable {
  id: Id;
  code: string;
  name: string;
  region: string | null;
  address: string | null;
  phone: string | null;
  active: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface DepartmentTable {
  id: Id;
  code: string;
  name: string;
  kind: string;
  branch_id: number | null;
  active: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface TeamTable {
  id: Id;
  name: string;
  branch_id: number;
  department_id: number;
  leader_id: number | null;
  active: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface RoleTable {
  id: Id;
  code: string;
  name: string;
  description: string | null;
  permissions: string[];
  builtin: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface UserTable {
  id: Id;
  username: string;
  display_name: string;
  email: string | null;
  phone: string | null;
  status: Generated<string>;
  branch_id: number;
  department_id: number;
  team_id: number | null;
  locale: Generated<string>;
  password_hash: string;
  password_changed_at: Generated<Date>;
  failed_attempts: Generated<number>;
  locked_until: Date | null;
  last_login_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  version: Generated<number>;
}

export interface UserRoleTable {
  user_id: number;
  role_id: number;
}

export interface SessionTable {
  id: string;
  user_id: number;
  created_at: Generated<Date>;
  expires_at: Timestamp;
  last_seen_at: Generated<Date>;
  ip: string | null;
  user_agent: string | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: Generated<Date>;
  actor_id: number | null;
  actor_name: string | null;
  ip: string | null;
  action: string;
  entity: string;
  entity_id: string | null;
  branch_id: number | null;
  before: unknown | null;
  after: unknown | null;
  meta: unknown | null;
}

export interface FoundationTables {
  branches: BranchTable;
  departments: DepartmentTable;
  teams: TeamTable;
  roles: RoleTable;
  users: UserTable;
  user_roles: UserRoleTable;
  sessions: SessionTable;
  audit_log: AuditLogTable;
}

export interface DB
  extends FoundationTables,
    CustomerTables,
    CalendarTables,
    KbTables,
    TicketTables,
    ImportTables,
    // Service programs (migration 20261122_3000)
    TaskTables,
    CatalogueTables,
    SegmentTables,
    TierTables,
    MetricTables,
    HandoverTables,
    // Outreach (migration 20261122_4000)
    CampaignTables,
    CallbackTables,
    SuitabilityTables,
    VisitTables,
    NoticeTables {}

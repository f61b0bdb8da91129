// The tasks module's table as Kysely sees it (migration 20261122_3000_service_programs).
import type { ColumnType, Generated } from 'kysely';

type Ts = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type TaskStatus = 'open' | 'done' | 'cancelled';
export type TaskKind = 'call' | 'visit' | 'delivery' | 'follow_up' | 'review' | 'other';
export type TaskSource =
  | 'manual'
  | 'entitlement'
  | 'ticket'
  | 'handover'
  | 'campaign'
  | 'visit'
  | 'callback'
  | 'suitability'
  | 'notice';

export interface TaskTable {
  id: Generated<number>;
  title: string;
  description: string | null;
  kind: Generated<TaskKind>;
  customer_id: number | null;
  branch_id: number;
  assignee_id: number | null;
  department_id: number | null;
  due_at: Ts;
  status: Generated<TaskStatus>;
  outcome: string | null;
  source_kind: Generated<TaskSource>;
  source_id: number | null;
  created_by: number | null;
  created_at: Generated<Date>;
  completed_at: Ts;
  completed_by: number | null;
  updated_at: Generated<Date>;
  version: Generated<number>;
}

export interface TaskTables {
  tasks: TaskTable;
}

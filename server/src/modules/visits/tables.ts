// Visit plans (走访) as Kysely sees them (migration 20261122_4000_outreach).
import type { ColumnType, Generated } from 'kysely';

type Id = Generated<number>;
type Ts = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface VisitTable {
  id: Id;
  customer_id: number;
  branch_id: number;
  manager_id: number;
  purpose: string;
  planned_date: ColumnType<string, string, string>;
  window_from: string | null;
  window_to: string | null;
  status: Generated<'planned' | 'checked_in' | 'done' | 'cancelled'>;
  checked_in_at: Ts;
  check_in_lat: number | null;
  check_in_lng: number | null;
  check_in_accuracy: number | null;
  findings: string | null;
  completed_at: Ts;
  interaction_id: number | null;
  created_by: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  version: Generated<number>;
}

export interface VisitTables {
  visits: VisitTable;
}

// The handover (交接) tables as Kysely sees them (migration 20261122_3000_service_programs).
import type { ColumnType, Generated } from 'kysely';

export interface HandoverTable {
  id: Generated<number>;
  from_user_id: number;
  branch_id: number | null;
  mode: 'one' | 'even' | 'by_tier';
  targets: ColumnType<unknown, string, string>;
  notify: Generated<boolean>;
  note: string | null;
  customers: Generated<number>;
  created_by: number | null;
  created_at: Generated<Date>;
}

export interface HandoverItemTable {
  handover_id: number;
  customer_id: number;
  branch_id: number;
  from_user_id: number;
  to_user_id: number;
}

export interface HandoverTables {
  handovers: HandoverTable;
  handover_items: HandoverItemTable;
}

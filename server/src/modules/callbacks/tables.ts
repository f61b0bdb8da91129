// Regulatory callback tables as Kysely sees them (migration 20261122_4000_outreach). Callback records are kept:
// a DB trigger refuses DELETE.
import type { ColumnType, Generated } from 'kysely';

type Id = Generated<number>;
type Ts = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T = unknown> = ColumnType<T, string | undefined, string>;

export interface CallbackRuleTable {
  id: Id;
  name: string;
  kind: 'new_account' | 'yearly_sample';
  deadline_amount: number;
  deadline_unit: 'working_days' | 'days' | 'months';
  sample_share: ColumnType<string | null, number | string | null | undefined, number | string | null>;
  effective_from: Generated<Date>;
  active: Generated<boolean>;
  created_by: number | null;
  created_at: Generated<Date>;
}

export interface RegulatoryCallbackTable {
  id: Id;
  rule_id: number;
  kind: string;
  customer_id: number;
  branch_id: number;
  sample_year: Generated<number>;
  due_at: ColumnType<Date, Date | string, Date | string>;
  status: Generated<'open' | 'done' | 'unreachable'>;
  task_id: number | null;
  result: Json<Record<string, unknown> | null> | null;
  notes: string | null;
  completed_at: Ts;
  completed_by: number | null;
  created_at: Generated<Date>;
}

export interface CallbackTables {
  callback_rules: CallbackRuleTable;
  regulatory_callbacks: RegulatoryCallbackTable;
}

// The value tiers' tables as Kysely sees them (migration 20261122_3000_service_programs).
import type { ColumnType, Generated } from 'kysely';

export interface ValueTierTable {
  id: Generated<number>;
  code: string;
  name: string;
  position: number;
  cutoff: ColumnType<string, string | number, string | number>;
  rule: ColumnType<unknown, string | null | undefined, string | null>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface TierSettingsTable {
  id: Generated<number>;
  basis: Generated<'customers' | 'revenue'>;
  metric: Generated<'revenue_12m' | 'revenue' | 'volume_12m' | 'assets'>;
  updated_at: Generated<Date>;
}

export interface TierRunTable {
  id: Generated<number>;
  started_at: Generated<Date>;
  finished_at: Date | null;
  actor_id: number | null;
  customers: Generated<number>;
  changed: Generated<number>;
}

export interface CustomerTierChangeTable {
  id: Generated<number>;
  customer_id: number;
  branch_id: number;
  run_id: number | null;
  old_tier: string | null;
  new_tier: string | null;
  changed_at: Generated<Date>;
}

export interface TierTables {
  value_tiers: ValueTierTable;
  tier_settings: TierSettingsTable;
  tier_runs: TierRunTable;
  customer_tier_changes: CustomerTierChangeTable;
}

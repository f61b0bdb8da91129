// Customer metrics' tables as Kysely sees them (migration 20261122_3000_service_programs).
import type { ColumnType, Generated } from 'kysely';

type Num = ColumnType<string | null, string | number | null | undefined, string | number | null>;

export interface CustomerMetricTable {
  customer_id: number;
  period: string;
  assets: Num;
  volume: Num;
  revenue: Num;
  trading_days: number | null;
  source: Generated<'api' | 'import' | 'demo'>;
  updated_at: Generated<Date>;
}

export interface CustomerMetricCurrentTable {
  customer_id: number;
  period: string | null;
  assets: Num;
  volume: Num;
  revenue: Num;
  trading_days: number | null;
  revenue_12m: Generated<string>;
  volume_12m: Generated<string>;
  open_complaints: Generated<number>;
  tickets_90d: Generated<number>;
  csat_avg: Num;
  refreshed_at: Generated<Date>;
}

export interface MetricTables {
  customer_metrics: CustomerMetricTable;
  customer_metrics_current: CustomerMetricCurrentTable;
}

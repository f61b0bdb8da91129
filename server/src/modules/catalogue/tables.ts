// The service catalogue's tables as Kysely sees them (migration 20261122_3000_service_programs).
import type { ColumnType, Generated } from 'kysely';

type Num = ColumnType<string, string | number | undefined, string | number>;

export type Frequency = 'once' | 'daily' | 'weekly' | 'monthly' | 'quarterly' | 'yearly';

export interface ServiceItemTable {
  id: Generated<number>;
  code: string;
  name: string;
  description: string | null;
  channel: string;
  frequency: Frequency;
  owner_department_id: number | null;
  unit_cost: Num;
  standard: string | null;
  task_kind: Generated<string>;
  assign_to: Generated<'owner' | 'department'>;
  creates_tasks: Generated<boolean>;
  active: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  version: Generated<number>;
}

export interface ServicePackageTable {
  id: Generated<number>;
  code: string;
  name: string;
  kind: 'basic' | 'value_added' | 'vip' | 'care';
  description: string | null;
  active: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  version: Generated<number>;
}

export interface ServicePackageItemTable {
  package_id: number;
  item_id: number;
  position: Generated<number>;
}

export interface PackageBindingTable {
  id: Generated<number>;
  package_id: number;
  tier: string | null;
  segment_id: number | null;
  created_at: Generated<Date>;
}

export interface ServiceFulfilmentTable {
  id: Generated<number>;
  customer_id: number;
  branch_id: number;
  package_id: number;
  item_id: number;
  period_key: string;
  due_at: ColumnType<Date, Date | string, Date | string>;
  created_at: Generated<Date>;
}

export interface CatalogueTables {
  service_items: ServiceItemTable;
  service_packages: ServicePackageTable;
  service_package_items: ServicePackageItemTable;
  package_bindings: PackageBindingTable;
  service_fulfilments: ServiceFulfilmentTable;
}

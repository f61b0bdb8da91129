// The segments module's tables as Kysely sees them (migration 20261122_3000_service_programs).
import type { ColumnType, Generated } from 'kysely';

export interface SegmentTable {
  id: Generated<number>;
  name: string;
  description: string | null;
  kind: 'rule' | 'static';
  rule: ColumnType<unknown, string | null | undefined, string | null>;
  branch_id: number | null;
  created_by: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  version: Generated<number>;
}

export interface SegmentMemberTable {
  segment_id: number;
  customer_id: number;
  added_at: Generated<Date>;
}

export interface SegmentTables {
  segments: SegmentTable;
  segment_members: SegmentMemberTable;
}

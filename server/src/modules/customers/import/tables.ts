// The customer import's tables as Kysely sees them (migration 20261122_1100_customer_import).
import type { ColumnType, Generated } from 'kysely';

type Json = ColumnType<unknown, string | undefined, string>;
type Ts = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type ImportJobStatus = 'uploaded' | 'queued' | 'running' | 'done' | 'failed';

export interface ImportJobTable {
  id: Generated<number>;
  kind: Generated<'customers'>;
  file_name: string;
  file_size: number | null;
  status: Generated<ImportJobStatus>;
  options: Json;
  bytes_read: Generated<number>;
  rows_read: Generated<number>;
  rows_created: Generated<number>;
  rows_updated: Generated<number>;
  rows_unchanged: Generated<number>;
  rows_rejected: Generated<number>;
  error_message: string | null;
  error_file_name: string | null;
  error_sample: Json;
  branch_id: number | null;
  created_by: number | null;
  created_at: Generated<Date>;
  started_at: Ts;
  finished_at: Ts;
  updated_at: Generated<Date>;
}

export interface ImportJobChunkTable {
  job_id: number;
  role: 'source' | 'errors';
  seq: number;
  data: Buffer;
}

export interface ImportMappingTable {
  id: Generated<number>;
  kind: Generated<'customers'>;
  name: string;
  columns: Json;
  shared: Generated<boolean>;
  owner_id: number;
  branch_id: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  version: Generated<number>;
}

export interface ImportTables {
  import_jobs: ImportJobTable;
  import_job_chunks: ImportJobChunkTable;
  import_mappings: ImportMappingTable;
}

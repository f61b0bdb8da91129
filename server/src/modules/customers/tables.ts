// The customer base's tables as Kysely sees them (migration 20261122_1000_customers).
import type { ColumnType, Generated } from 'kysely';

type Id = Generated<number>;
type JsonObj = ColumnType<Record<string, unknown>, string | undefined, string>;
type NumericCol = ColumnType<string | null, string | number | null | undefined, string | number | null>;
/** Computed by PostgreSQL (generated always … stored): read-only. */
type GeneratedCol<T> = ColumnType<T, never, never>;

export type CustomerKind = 'individual' | 'organisation';
export type CustomerStatus = 'prospect' | 'active' | 'dormant' | 'closed' | 'merged';

export interface CustomerTable {
  id: Id;
  code: string;
  kind: CustomerKind;
  name: string;
  status: Generated<CustomerStatus>;
  merged_into_id: number | null;
  branch_id: number;
  owner_id: number | null;
  source_channel: string | null;
  tier: string | null;
  tags: Generated<string[]>;
  notes: string | null;
  id_type: string | null;
  id_number: string | null;
  gender: string | null;
  birth_date: ColumnType<Date | null, string | null | undefined, string | null>;
  phone: string | null;
  phone_backup: string | null;
  email: string | null;
  address: string | null;
  occupation: string | null;
  employer: string | null;
  registered_name: string | null;
  credit_code: string | null;
  industry: string | null;
  risk_level: string | null;
  purpose: string | null;
  assets_under_custody: NumericCol;
  profile: JsonObj;
  relationship: JsonObj;
  custom: JsonObj;
  contact_names: Generated<string[]>;
  contact_phones: Generated<string[]>;
  sms_opt_out: Generated<boolean>;
  /** Served one to one by the owner (migration 20261122_3000). */
  key_customer: Generated<boolean>;
  last_contact_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  search_text: GeneratedCol<string>;
  phone_digits: GeneratedCol<string>;
  search_grams: GeneratedCol<string[]>;
  created_by: number | null;
  updated_by: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  version: Generated<number>;
}

export interface CustomerContactTable {
  id: Id;
  customer_id: number;
  name: string;
  role: string | null;
  phone: string | null;
  phone_backup: string | null;
  email: string | null;
  is_primary: Generated<boolean>;
  notes: string | null;
  position: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type CustomFieldType = 'text' | 'number' | 'date' | 'single_choice' | 'multi_choice';

export interface CustomFieldDefinitionTable {
  id: Id;
  key: string;
  kind: CustomerKind | 'all';
  label: string;
  type: CustomFieldType;
  required: Generated<boolean>;
  options: ColumnType<{ value: string; label: string }[], string | undefined, string>;
  position: Generated<number>;
  active: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  version: Generated<number>;
}

export interface CustomerAttachmentTable {
  id: Id;
  customer_id: number;
  interaction_id: number | null;
  category: Generated<string>;
  filename: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  content: Buffer;
  description: string | null;
  uploaded_by: number | null;
  created_at: Generated<Date>;
}

export interface CustomerHistoryTable {
  id: Id;
  customer_id: number;
  at: Generated<Date>;
  actor_id: number | null;
  actor_name: string | null;
  action: Generated<string>;
  field: string;
  old_value: ColumnType<unknown, string | null | undefined, string | null>;
  new_value: ColumnType<unknown, string | null | undefined, string | null>;
}

export type InteractionChannel =
  | 'phone_in'
  | 'phone_out'
  | 'sms'
  | 'email'
  | 'visit'
  | 'counter'
  | 'portal'
  | 'wechat'
  | 'meeting';

export interface InteractionTable {
  id: Id;
  customer_id: number;
  channel: InteractionChannel;
  direction: 'inbound' | 'outbound' | 'internal';
  occurred_at: ColumnType<Date, Date | string, Date | string>;
  staff_id: number | null;
  summary: string;
  outcome: string | null;
  ticket_id: number | null;
  campaign_id: number | null;
  source: Generated<'manual' | 'system'>;
  created_by: number | null;
  created_at: Generated<Date>;
}

export interface SavedViewTable {
  id: Id;
  user_id: number;
  entity: Generated<string>;
  name: string;
  query: JsonObj;
  is_default: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** One row per merge, append-only (migration 20261204_2135): the merged customers' records are the survivor's. */
export interface CustomerMergeTable {
  id: Id;
  survivor_id: number;
  merged_ids: number[];
  merged_codes: string[];
  merged_by: number | null;
  merged_at: Generated<Date>;
}

export interface CustomerTables {
  customers: CustomerTable;
  customer_merges: CustomerMergeTable;
  customer_contacts: CustomerContactTable;
  custom_field_definitions: CustomFieldDefinitionTable;
  customer_attachments: CustomerAttachmentTable;
  customer_history: CustomerHistoryTable;
  interactions: InteractionTable;
  saved_views: SavedViewTable;
}

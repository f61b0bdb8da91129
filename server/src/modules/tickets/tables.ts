// The service desk's tables as Kysely sees them.
import type { ColumnType, Generated } from 'kysely';
import type { Json } from '../../db/types.ts';

type Id = Generated<number>;
type Ts = ColumnType<Date, Date | string | undefined, Date | string>;
type TsNull = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export const TICKET_TYPES = ['consultation', 'service_request', 'complaint', 'suggestion', 'fault'] as const;
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const STATUSES = [
  'new',
  'open',
  'waiting_customer',
  'waiting_internal',
  'resolved',
  'closed',
  'reopened',
] as const;
export const CHANNELS = [
  'phone_in',
  'phone_out',
  'sms',
  'email',
  'visit',
  'counter',
  'portal',
  'wechat',
  'meeting',
] as const;
export const SLA_TARGETS = ['first_response', 'onsite', 'resolution', 'acceptance'] as const;
export type TicketType = (typeof TICKET_TYPES)[number];
export type Priority = (typeof PRIORITIES)[number];
export type TicketStatus = (typeof STATUSES)[number];
export type SlaTarget = (typeof SLA_TARGETS)[number];

export interface TicketCategoryTable {
  id: Id;
  parent_id: number | null;
  name: string;
  active: Generated<boolean>;
  sort: Generated<number>;
  created_at: Generated<Date>;
}

export interface SlaPolicyTable {
  id: Id;
  name: string;
  ticket_type: TicketType | null;
  priority: Priority | null;
  customer_tier: string | null;
  calendar_id: number | null;
  first_response_minutes: number;
  onsite_minutes: number | null;
  resolution_minutes: number;
  acceptance_days: number | null;
  acceptance_unit: Generated<'working_days' | 'trading_days' | 'calendar_days'>;
  warn_share: ColumnType<string, string | number | undefined, string | number>;
  breach_raise_priority: Generated<boolean>;
  breach_reassign_to_id: number | null;
  active: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  version: Generated<number>;
}

export interface TicketTable {
  id: Id;
  number: Generated<string>;
  branch_id: number;
  type: TicketType;
  category_id: number | null;
  priority: Generated<Priority>;
  channel: (typeof CHANNELS)[number];
  customer_id: number | null;
  contact_name: string | null;
  contact_phone: string | null;
  contact_email: string | null;
  locale: Generated<string>;
  subject: string;
  description: Generated<string>;
  status: Generated<TicketStatus>;
  needs_onsite: Generated<boolean>;
  first_contact_owner_id: number;
  assignee_id: number | null;
  team_id: number | null;
  department_id: number | null;
  sla_policy_id: number | null;
  calendar_id: number | null;
  received_at: Ts;
  first_responded_at: TsNull;
  onsite_at: TsNull;
  resolved_at: TsNull;
  closed_at: TsNull;
  rating_score: number | null;
  rating_comment: string | null;
  rated_at: TsNull;
  rated_user_id: number | null;
  created_by: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  version: Generated<number>;
}

export interface TicketSlaTargetTable {
  ticket_id: number;
  target: SlaTarget;
  minutes: number | null;
  days: number | null;
  unit: Generated<'working_hours' | 'working_days' | 'trading_days' | 'calendar_days'>;
  warn_share: ColumnType<string, string | number | undefined, string | number>;
  due_at: TsNull;
  warn_at: TsNull;
  met_at: TsNull;
  /** Counted into a year without an entered arrangement (statutory holidays only): moves when it is entered. */
  provisional: Generated<boolean>;
}

export interface TicketPauseTable {
  id: Id;
  ticket_id: number;
  started_at: Ts;
  ended_at: TsNull;
}

export interface TicketEventTable {
  id: Id;
  ticket_id: number;
  kind: string;
  target: string | null;
  actor_id: number | null;
  at: Generated<Date>;
  data: Json;
}

export interface TicketMessageTable {
  id: Id;
  ticket_id: number;
  visibility: 'public' | 'internal';
  direction: 'outbound' | 'inbound' | 'internal';
  author_id: number | null;
  body: string;
  created_at: Generated<Date>;
}

export interface TicketAttachmentTable {
  id: Id;
  ticket_id: number;
  file_name: string;
  content_type: string;
  size: number;
  data: Buffer;
  uploaded_by: number | null;
  created_at: Generated<Date>;
}

export interface TicketArticleLinkTable {
  ticket_id: number;
  article_id: number;
  linked_by: number | null;
  linked_at: Generated<Date>;
}

export interface TicketTransferTable {
  id: Id;
  ticket_id: number;
  from_user_id: number | null;
  from_team_id: number | null;
  from_department_id: number | null;
  to_user_id: number | null;
  to_team_id: number | null;
  to_department_id: number | null;
  /** A transfer moves the work on; a hand-back (回转) returns it to the first-contact owner with the answer. */
  kind: Generated<'transfer' | 'hand_back'>;
  reason: string;
  by_id: number | null;
  at: Generated<Date>;
}

export interface RootCauseCategoryTable {
  id: Id;
  parent_id: number | null;
  name: string;
  active: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface TicketComplaintTable {
  ticket_id: number;
  severity: Generated<string>;
  source: Generated<string>;
  regulator_ref: string | null;
  accepted: boolean | null;
  acceptance_decided_at: TsNull;
  acceptance_decided_by: number | null;
  not_accepted_reason: string | null;
  resolution: string | null;
  compensation_amount: string | null;
  compensation_note: string | null;
  customer_accepted: boolean | null;
  root_cause_category_id: number | null;
  root_cause_text: string | null;
}

export interface CorrectiveActionTable {
  id: Id;
  ticket_id: number;
  description: string;
  owner_id: number;
  due_date: string;
  completed_at: TsNull;
  created_by: number | null;
  created_at: Generated<Date>;
}

export interface NotificationTable {
  id: Id;
  user_id: number;
  kind:
    | 'assigned'
    | 'transferred'
    | 'warning'
    | 'breach'
    | 'message'
    | 'rated'
    | 'note'
    | 'handed_back'
    | 'arrangement_missing';
  ticket_id: number | null;
  title: string;
  body: string | null;
  /** What the reader's language renders the notification from (`tickets:notifications.kinds.<kind>`). */
  params: ColumnType<Record<string, string | number | null>, string | undefined, string>;
  read_at: TsNull;
  created_at: Generated<Date>;
}

export interface TicketEmailTable {
  id: Id;
  ticket_id: number;
  kind: 'reply' | 'resolved' | 'closed';
  to_address: string;
  locale: string;
  subject: string;
  body: string;
  status: Generated<'pending' | 'sent' | 'failed'>;
  attempts: Generated<number>;
  error: string | null;
  sent_at: TsNull;
  created_at: Generated<Date>;
}

export interface TicketRatingKeyTable {
  id: Id;
  secret: string;
  created_at: Generated<Date>;
}

export interface TicketRatingTokenTable {
  nonce: string;
  ticket_id: number;
  expires_at: Ts;
  used_at: TsNull;
  created_at: Generated<Date>;
}

export interface TicketTables {
  ticket_categories: TicketCategoryTable;
  sla_policies: SlaPolicyTable;
  tickets: TicketTable;
  ticket_sla_targets: TicketSlaTargetTable;
  ticket_pauses: TicketPauseTable;
  ticket_events: TicketEventTable;
  ticket_messages: TicketMessageTable;
  ticket_attachments: TicketAttachmentTable;
  ticket_article_links: TicketArticleLinkTable;
  ticket_transfers: TicketTransferTable;
  root_cause_categories: RootCauseCategoryTable;
  ticket_complaints: TicketComplaintTable;
  corrective_actions: CorrectiveActionTable;
  notifications: NotificationTable;
  ticket_emails: TicketEmailTable;
  ticket_rating_keys: TicketRatingKeyTable;
  ticket_rating_tokens: TicketRatingTokenTable;
}

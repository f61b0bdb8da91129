// Campaign and SMS outbox tables as Kysely sees them (migration 20261122_4000_outreach).
import type { ColumnType, Generated } from 'kysely';

type Id = Generated<number>;
type Ts = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T = unknown> = ColumnType<T, string | undefined, string>;

export type QuestionType = 'yes_no' | 'single' | 'text';
export type CampaignQuestion = {
  key: string;
  type: QuestionType;
  text: string;
  options?: string[];
  required?: boolean;
};

/** draft → running ⇄ paused; running or paused → stopped (final). 'finished' is not set yet. */
export type CampaignStatus = 'draft' | 'running' | 'paused' | 'stopped' | 'finished';

export interface CampaignTable {
  id: Id;
  name: string;
  branch_id: number;
  status: Generated<CampaignStatus>;
  target_kind: 'segment' | 'list' | 'saved_search';
  segment_id: number | null;
  saved_view_id: Generated<number | null>;
  target_query: ColumnType<unknown, string | null | undefined, string | null>;
  script_article_id: number | null;
  script: string | null;
  questions: Json<CampaignQuestion[]>;
  quota_period: Generated<'week' | 'campaign'>;
  started_at: Ts;
  finished_at: Ts;
  created_by: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  version: Generated<number>;
}

export interface CampaignAgentTable {
  campaign_id: number;
  user_id: number;
  quota: number;
}

export interface CampaignStepTable {
  id: Id;
  campaign_id: number;
  position: number;
  channel: 'sms' | 'call';
  delay_days: Generated<number>;
  sms_template: string | null;
  status: Generated<'pending' | 'dispatching' | 'dispatched'>;
  started_at: Ts;
  dispatched_at: Ts;
}

export interface CampaignTargetTable {
  id: Id;
  campaign_id: number;
  customer_id: number;
  branch_id: number;
  responded_at: Ts;
  responded_channel: string | null;
}

export type CallStatus = 'open' | 'claimed' | 'done' | 'unreachable' | 'responded';
export type CallOutcome = 'reached' | 'no_answer' | 'busy' | 'wrong_number' | 'refused' | 'unreachable';

export interface CampaignCallTable {
  id: Id;
  campaign_id: number;
  step_id: number;
  customer_id: number;
  branch_id: number;
  status: Generated<CallStatus>;
  agent_id: number | null;
  claimed_at: Ts;
  attempts: Generated<number>;
  outcome: string | null;
  follow_up_reason: string | null;
  completed_at: Ts;
}

export interface CampaignAttemptTable {
  id: Id;
  call_id: number;
  campaign_id: number;
  customer_id: number;
  agent_id: number;
  outcome: CallOutcome;
  reason: string | null;
  answers: Json<Record<string, unknown>>;
  note: string | null;
  interaction_id: number | null;
  at: Generated<Date>;
}

export type OutboxStatus =
  | 'pending'
  | 'sending'
  | 'sent'
  | 'failed'
  | 'skipped'
  | 'delivered'
  | 'undelivered';

export interface SmsOutboxTable {
  id: Id;
  campaign_id: number | null;
  campaign_step_id: number | null;
  notice_id: number | null;
  /** Which sending of the notice: 0 the first, 1, 2, … its resends. */
  notice_attempt: Generated<number>;
  customer_id: number;
  branch_id: number;
  mobile: string | null;
  content: string;
  status: Generated<OutboxStatus>;
  skip_reason: string | null;
  lease_until: Ts;
  attempts: Generated<number>;
  sent_at: Ts;
  provider_msg_id: string | null;
  error: string | null;
  interaction_id: number | null;
  report_status: string | null;
  reported_at: Ts;
  created_at: Generated<Date>;
}

export interface SmsTemplateTable {
  id: Id;
  name: string;
  body: string;
  active: Generated<boolean>;
  created_by: number | null;
  created_at: Generated<Date>;
}

export interface CampaignTables {
  sms_templates: SmsTemplateTable;
  campaigns: CampaignTable;
  campaign_agents: CampaignAgentTable;
  campaign_steps: CampaignStepTable;
  campaign_targets: CampaignTargetTable;
  campaign_calls: CampaignCallTable;
  campaign_attempts: CampaignAttemptTable;
  sms_outbox: SmsOutboxTable;
}

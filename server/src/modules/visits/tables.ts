// Visit plans (走访) and risk notices (风险通知) as Kysely sees them (migration 20261122_4000_outreach).
import type { ColumnType, Generated } from 'kysely';

type Id = Generated<number>;
type Ts = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface VisitTable {
  id: Id;
  customer_id: number;
  branch_id: number;
  manager_id: number;
  purpose: string;
  planned_date: ColumnType<string, string, string>;
  window_from: string | null;
  window_to: string | null;
  status: Generated<'planned' | 'checked_in' | 'done' | 'cancelled'>;
  checked_in_at: Ts;
  check_in_lat: number | null;
  check_in_lng: number | null;
  check_in_accuracy: number | null;
  findings: string | null;
  completed_at: Ts;
  interaction_id: number | null;
  created_by: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  version: Generated<number>;
}

export interface RiskNoticeTable {
  id: Id;
  customer_id: number;
  branch_id: number;
  kind: 'margin_call' | 'forced_liquidation' | 'risk_warning' | 'other';
  title: string;
  body: string;
  channels: string[];
  token_hash: string;
  status: Generated<'sent' | 'confirmed'>;
  confirmed_at: Ts;
  confirmed_via: string | null;
  chase_after_hours: Generated<number>;
  chased_at: Ts;
  chase_count: Generated<number>;
  sent_by: number | null;
  created_at: Generated<Date>;
  email_to: string | null;
  email_status: 'pending' | 'sent' | 'failed' | 'skipped' | null;
  email_error: string | null;
  email_sent_at: Ts;
  /** Until when the customer's confirm link works (7 days after sending unless set). */
  token_expires_at: Generated<Date>;
  /** The staff member who recorded a confirmation taken by phone; null for the customer's own link. */
  confirmed_by: number | null;
  /** What the staff member noted when recording a confirmation taken by phone. */
  confirm_note: string | null;
}

/** A notice sent again (催办/再次发送) through its channels, migration 20261206_2110_notice_resends. */
export interface RiskNoticeResendTable {
  id: Id;
  notice_id: number;
  attempt: number;
  channels: string[];
  sent_by: number | null;
  email_to: string | null;
  email_status: 'pending' | 'sent' | 'failed' | 'skipped' | null;
  email_error: string | null;
  email_sent_at: Ts;
  created_at: Generated<Date>;
}

export interface VisitTables {
  visits: VisitTable;
  risk_notices: RiskNoticeTable;
  risk_notice_resends: RiskNoticeResendTable;
}

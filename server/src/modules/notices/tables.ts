// Risk notices (风险通知) as Kysely sees them (migrations 20261122_4000_outreach, 20261206_2110_notice_resends).
import type { ColumnType, Generated } from 'kysely';

type Id = Generated<number>;
type Ts = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

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

export interface NoticeTables {
  risk_notices: RiskNoticeTable;
  risk_notice_resends: RiskNoticeResendTable;
}

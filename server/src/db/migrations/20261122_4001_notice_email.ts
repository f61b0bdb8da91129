// Risk notices: the email leg's status (the SMS leg is in sms_outbox).
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table risk_notices
    add column email_to text,
    add column email_status text check (email_status in ('pending','sent','failed','skipped')),
    add column email_error text,
    add column email_sent_at timestamptz`.execute(db);
}

// Campaigns can be paused (nothing is sent and no call handed out; resume carries on) and stopped (final: what was
// still queued is skipped). A paused campaign still notices responses, so a person who calls in meanwhile is off
// the remaining steps when it resumes.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table campaigns drop constraint if exists campaigns_status_check`.execute(db);
  await sql`alter table campaigns add constraint campaigns_status_check
    check (status in ('draft','running','paused','stopped','finished'))`.execute(db);
  await sql`
    create or replace function campaign_mark_responded() returns trigger language plpgsql as $$
    begin
      update campaign_targets t set responded_at = new.occurred_at, responded_channel = new.channel
        from campaigns c
       where t.customer_id = new.customer_id and t.responded_at is null
         and c.id = t.campaign_id and c.status in ('running','paused') and new.occurred_at >= c.started_at;
      return null;
    end $$`.execute(db);
}

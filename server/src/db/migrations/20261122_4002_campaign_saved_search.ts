// Campaigns: a saved customer search as the target list (its query is copied onto the campaign when created, as
// saved views are private to their owner and may change later).
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table campaigns drop constraint if exists campaigns_target_kind_check`.execute(db);
  await sql`alter table campaigns add constraint campaigns_target_kind_check
    check (target_kind in ('segment','list','saved_search'))`.execute(db);
  await sql`alter table campaigns add column saved_view_id bigint references saved_views(id) on delete set null,
    add column target_query jsonb`.execute(db);
}

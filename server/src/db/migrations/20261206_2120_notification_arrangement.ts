// A notification that a calendar's yearly holiday arrangement is still to be entered (from 1 November: next year's),
// rendered in the reader's language from its parameters (year, calendar).
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table notifications drop constraint notifications_kind_check`.execute(db);
  await sql`alter table notifications add constraint notifications_kind_check
    check (kind in ('assigned','transferred','warning','breach','message','rated','note','handed_back',
                    'arrangement_missing'))`.execute(db);
}

// 内转外不转 comes back: a hop is a transfer or a hand-back (回转 — the department returns the work to the
// first-contact owner with its answer), and notifications carry their parameters so each reader's language renders
// them (an internal note, a hand-back).
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table ticket_transfers
    add column kind text not null default 'transfer' check (kind in ('transfer', 'hand_back'))`.execute(db);
  await sql`alter table notifications add column params jsonb not null default '{}'::jsonb`.execute(db);
  await sql`alter table notifications drop constraint notifications_kind_check`.execute(db);
  await sql`alter table notifications add constraint notifications_kind_check
    check (kind in ('assigned','transferred','warning','breach','message','rated','note','handed_back'))`.execute(
    db,
  );
}

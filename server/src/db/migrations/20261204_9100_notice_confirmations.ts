// Risk notices: the customer's confirm link expires, and a confirmation taken by phone names the staff member who
// recorded it. Old SMS texts on the timeline lose their confirm token (the link's secret belongs to the customer).
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table risk_notices
    add column token_expires_at timestamptz not null default now() + interval '7 days',
    add column confirmed_by bigint references users(id)`.execute(db);
  await sql`update risk_notices set token_expires_at = created_at + interval '7 days'`.execute(db);
  await sql`update interactions
               set summary = regexp_replace(summary, '(/notices/confirm/)[A-Za-z0-9_-]+', '\\1…', 'g')
             where summary ~ '/notices/confirm/[A-Za-z0-9_-]'`.execute(db);
}

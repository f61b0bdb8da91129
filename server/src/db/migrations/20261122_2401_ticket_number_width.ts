import { type Kysely, sql } from 'kysely';

// The ticket number's counter was cut to six digits by lpad, so from the millionth ticket numbers repeated.
// Pad to at least six digits and never truncate.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function kefu_next_ticket_number() returns text language sql volatile as $$
      select 'T' || to_char(now() at time zone 'Asia/Shanghai', 'YYYYMMDD') || lpad(n::text, greatest(6, length(n::text)), '0')
      from (select nextval('ticket_number_seq') as n) s
    $$`.execute(db);
  await sql`alter table tickets alter column number set default kefu_next_ticket_number()`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Kefu migrations are not reversed; restore a backup instead.');
}

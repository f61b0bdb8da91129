// Calendars know which years have the State Council's yearly arrangement (调休, extended holidays) entered: a year
// without one falls back to the statutory holidays and every deadline counted into it is provisional. Years that
// already hold entered days count as arranged.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table calendar_years (
      calendar_id bigint not null references calendars(id) on delete cascade,
      year int not null check (year between 2000 and 2100),
      arranged_at timestamptz not null default now(),
      primary key (calendar_id, year)
    )`.execute(db);
  await sql`insert into calendar_years (calendar_id, year)
              select distinct calendar_id, extract(year from day)::int from calendar_days`.execute(db);
}

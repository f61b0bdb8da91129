// SLA targets say how they count: working hours (business time), or whole working, trading or calendar days.
// Complaint acceptance counts trading days (交易日) by default; the acceptance targets already stored were counted in
// working days and keep saying so. A target counted into a year without an arrangement is provisional.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table sla_policies
    add column acceptance_unit text not null default 'trading_days'
      check (acceptance_unit in ('working_days','trading_days','calendar_days'))`.execute(db);
  await sql`alter table ticket_sla_targets
    add column unit text not null default 'working_hours'
      check (unit in ('working_hours','working_days','trading_days','calendar_days')),
    add column provisional boolean not null default false`.execute(db);
  await sql`update ticket_sla_targets set unit = 'working_days' where days is not null`.execute(db);
}

// Ticket queue counts by type (`GET /api/tickets/queues`: type = X and status <> 'closed', capped at 1 000) read the
// whole table without it — 1.1 s per type at 1 000 000 tickets (docs/PERFORMANCE.md). The open tickets are a few
// per cent of the table, so a partial index on them is small.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index tickets_open_type_idx on tickets (type, id desc) where status <> 'closed'`.execute(
    db,
  );
}

export async function down(): Promise<void> {
  throw new Error('Kefu migrations are not reversed; restore a backup instead.');
}

// Removes sessions that have expired, so the sessions table holds only live sign-ins.
import { sql } from 'kysely';
import { defineJob } from '../../platform/jobs.ts';

export async function purgeExpiredSessions(db: import('../../db/index.ts').Database) {
  const res = await db.deleteFrom('sessions').where('expires_at', '<', sql<Date>`now()`).executeTakeFirst();
  return Number(res.numDeletedRows);
}

defineJob(
  'sessions_purge_expired',
  async (_payload, { db, log }) => {
    const n = await purgeExpiredSessions(db);
    if (n) log('expired sessions removed', { count: n });
  },
  '17 * * * *',
);

// The real job runner (graphile-worker) sends the emails and records the breaches: nothing is done in the request.
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJobs } from '../../platform/jobs.ts';
import { createTestApp, type TestApp } from '../../test/app.ts';
import { makeCustomer, setupDesk } from './fixtures.ts';

let t: TestApp;
let smtp: SMTPServer;
const inbox: string[] = [];
let runner: Awaited<ReturnType<typeof startJobs>> | undefined;

async function waitFor(what: string, ok: () => Promise<boolean>, ms = 15_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  const jobs =
    await sql`select task_identifier, attempts, last_error, run_at, locked_at from graphile_worker.jobs`.execute(
      t.db,
    );
  const emails = await t.db.selectFrom('ticket_emails').select(['status', 'error', 'attempts']).execute();
  throw new Error(`timed out waiting for ${what}: ${JSON.stringify({ jobs: jobs.rows, emails })}`);
}

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, cb) {
      stream.on('data', () => {});
      stream.on('end', () => {
        inbox.push(session.envelope.rcptTo.map((r) => r.address).join(','));
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  t = await createTestApp({
    env: { SMTP_HOST: '127.0.0.1', SMTP_PORT: String((smtp.server.address() as AddressInfo).port) },
  });
  await setupDesk(t);
  runner = await startJobs(t.db, t.pool, () => {});
});
afterAll(async () => {
  await runner?.stop();
  await t?.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

describe('service-desk jobs', () => {
  it('sends the reply email from a job and records the missed deadline from the SLA job', async () => {
    const agent = await t.login('agent');
    const customerId = await makeCustomer(t, 2, { email: 'job.customer@example.com' });
    const tk = (
      await t.call(agent, 'POST', '/api/tickets', {
        type: 'consultation',
        channel: 'phone_in',
        customerId,
        subject: '夜盘交易时间',
        receivedAt: '2026-11-02T09:00:00+08:00',
      })
    ).body;
    await t.call(agent, 'POST', `/api/tickets/${tk.id}/messages`, {
      visibility: 'public',
      body: '夜盘 21:00 开始。',
    });
    await waitFor('the email to arrive', async () => inbox.includes('job.customer@example.com'));
    await waitFor('the email to be marked sent', async () => {
      const e = await t.db
        .selectFrom('ticket_emails')
        .select('status')
        .where('ticket_id', '=', tk.id)
        .executeTakeFirst();
      return e?.status === 'sent';
    });
    // Received weeks ago: the resolution deadline has passed; the ticket's SLA job records it once.
    await waitFor('the breach to be recorded', async () => {
      const e = await t.db
        .selectFrom('ticket_events')
        .select('id')
        .where('ticket_id', '=', tk.id)
        .where('kind', '=', 'sla_breach')
        .where('target', '=', 'resolution')
        .executeTakeFirst();
      return !!e;
    });
    const breaches = await t.db
      .selectFrom('ticket_events')
      .select('target')
      .where('ticket_id', '=', tk.id)
      .where('kind', '=', 'sla_breach')
      .execute();
    // Each missed target once (the first response may have been recorded before the reply, as the job ran at once).
    const targets = breaches.map((b) => b.target);
    expect(targets).toContain('resolution');
    expect(new Set(targets).size).toBe(targets.length);
    // Nothing is left scheduled for a ticket whose every deadline has been dealt with (no busy loop).
    await new Promise((r) => setTimeout(r, 500));
    const left = await sql<{
      n: number;
    }>`select count(*)::int as n from graphile_worker.jobs where key = ${`ticket_sla:${tk.id}`}`.execute(
      t.db,
    );
    expect(left.rows[0].n).toBe(0);
    expect(inbox.filter((x) => x === 'job.customer@example.com')).toHaveLength(1);
  }, 40_000);
});

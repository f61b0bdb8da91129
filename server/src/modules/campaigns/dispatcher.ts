// The SMS dispatcher: sends the rows of sms_outbox (one per campaign step or notice and customer — unique key) to the
// gateway in batches, with bounded concurrency, and records each result on the customer's timeline. A paused or
// stopped campaign's rows are not claimed (the pause takes effect at the next batch).
//
// Protocol, per batch:
//   1. claim  — one short transaction: `update … set status='sending', lease_until=now()+lease … where id in
//      (select … where status='pending' or (status='sending' and lease_until < now()) … for update skip locked)`.
//      Two dispatchers never claim the same row; a claim abandoned by a dead dispatcher comes back when its lease ends.
//   2. send   — the provider calls happen after the claim has committed, `concurrency` at a time.
//   3. record — one transaction for the batch: status sent/failed, sent_at, the provider's message id, and one 'sms'
//      outbound interaction per message (set-based, through the customers module's recordInteractions, which
//      also moves the last contact of the customers reached — one statement per batch, not one per message).
//
// AT-LEAST-ONCE at the provider boundary, made exactly-once by the idempotency key. A crash between 2 and 3 leaves
// rows 'sending' that the gateway may already have accepted. We do not know which, so we choose to send them again
// when the lease expires (at-least-once) rather than drop them (at-most-once: a margin-call notice that silently
// never goes out is worse than a repeated text). The gap is closed by the idempotency key: every request carries
// `extno = kefu-sms-<outbox id>`, stable across retries, and the gateway answers a repeated extno with the msgid it
// gave the first time without sending again. With a gateway that does not deduplicate, a crash can repeat at most
// the one batch that was in flight (≤ batchSize messages) — never more, because recorded rows are never re-claimed.
import { sql } from 'kysely';
import type { Database } from '../../db/index.ts';
import { defineJob, enqueue } from '../../platform/jobs.ts';
import { type SmsProvider, type SmsResult, smsProvider } from '../../platform/sms.ts';
import { recordInteractions } from '../customers/index.ts';

export type DispatchOptions = {
  batchSize?: number;
  concurrency?: number;
  leaseSeconds?: number;
  provider?: SmsProvider;
  /** Aborting stops the run right after the provider calls of the current batch, before recording (a "crash"). */
  signal?: AbortSignal;
  /** Retryable failures are tried this many times in all before the message is recorded as failed. */
  maxAttempts?: number;
};

export type DispatchFilter = { stepId: number } | { noticeId: number };

export const idempotencyKey = (outboxId: number) => `kefu-sms-${outboxId}`;
export const outboxIdOfKey = (key: string) => {
  const m = /^kefu-sms-(\d{1,18})$/.exec(key);
  return m ? Number(m[1]) : null;
};

async function pool<T, R>(items: T[], n: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

/** The timeline keeps the text but not a risk notice's confirm token (it is the customer's secret). */
const timelineText = (content: string) => content.replace(/(\/notices\/confirm\/)[A-Za-z0-9_-]+/g, '$1…');

const filterSql = (f: DispatchFilter) =>
  'stepId' in f ? sql`campaign_step_id = ${f.stepId}` : sql`notice_id = ${f.noticeId}`;
/** Only a running campaign's texts are claimed (a paused or stopped one sends nothing; notices always go). */
const sendableSql = sql`(campaign_id is null or campaign_id in (select id from campaigns where status = 'running'))`;

/** Sends everything claimable for the step or notice; returns counts. Safe to run concurrently and again. */
export async function dispatchOutbox(db: Database, f: DispatchFilter, opts: DispatchOptions = {}) {
  const batchSize = opts.batchSize ?? 500;
  const concurrency = opts.concurrency ?? 16;
  const lease = opts.leaseSeconds ?? 300;
  const maxAttempts = opts.maxAttempts ?? 3;
  const provider = opts.provider ?? smsProvider();
  const totals = { sent: 0, failed: 0, retry: 0, batches: 0 };
  for (;;) {
    const claimed = await sql<{
      id: number;
      customer_id: number;
      mobile: string;
      content: string;
      attempts: number;
    }>`
      update sms_outbox o set status = 'sending', lease_until = now() + make_interval(secs => ${lease}),
             attempts = o.attempts + 1
       where o.id in (select id from sms_outbox
                       where ${filterSql(f)} and ${sendableSql}
                         and (status = 'pending' or (status = 'sending' and lease_until < now()))
                       order by id limit ${batchSize}
                       for update skip locked)
      returning o.id, o.customer_id, o.mobile, o.content, o.attempts`.execute(db);
    const rows = claimed.rows;
    if (rows.length === 0) break;
    totals.batches++;
    const results: SmsResult[] = await pool(rows, concurrency, (r) =>
      // After a stop nothing more is sent (a dying process sends nothing new); what was in flight completes.
      opts.signal?.aborted
        ? Promise.resolve({ ok: false as const, error: 'stopped', retryable: true })
        : provider
            .send({ mobile: r.mobile, content: r.content, idempotencyKey: idempotencyKey(Number(r.id)) })
            .catch((e: Error) => ({ ok: false as const, error: String(e?.message ?? e), retryable: true })),
    );
    if (opts.signal?.aborted) throw new Error('dispatcher stopped mid-batch');
    const done = new Map<number, { status: 'sent' | 'failed'; msgid: string | null; err: string | null }>();
    const retryIds: number[] = [];
    rows.forEach((r, i) => {
      const res = results[i];
      if (!res.ok && res.retryable && r.attempts < maxAttempts) {
        retryIds.push(Number(r.id));
        return;
      }
      done.set(Number(r.id), {
        status: res.ok ? 'sent' : 'failed',
        msgid: res.ok ? res.providerId : null,
        err: res.ok ? null : res.error.slice(0, 500),
      });
    });
    await db.transaction().execute(async (trx) => {
      if (done.size) {
        // The rows still ours, locked; each result goes on the customer's timeline through the customers module
        // (one set-based insert per batch, which also moves the last contact of the customers reached).
        const src = await sql<{
          id: number;
          customer_id: number;
          campaign_id: number | null;
          content: string;
        }>`
          select id, customer_id, campaign_id, content from sms_outbox
           where id = any(${[...done.keys()]}::bigint[]) and status = 'sending' order by id for update`.execute(
          trx,
        );
        const mine = src.rows.map((o) => ({ ...o, ...done.get(Number(o.id))! }));
        const interactionIds = await recordInteractions(
          { db: trx },
          mine.map((o) => ({
            customerId: o.customer_id,
            channel: 'sms' as const,
            direction: 'outbound' as const,
            summary: timelineText(o.content),
            outcome: o.status,
            campaignId: o.campaign_id,
            // A message the gateway refused reached no one.
            countsAsContact: o.status === 'sent',
          })),
        );
        if (mine.length)
          await sql`
            update sms_outbox o set status = v.status, provider_msg_id = v.msgid, error = v.err, lease_until = null,
                   sent_at = case when v.status = 'sent' then now() end, interaction_id = v.iid
              from unnest(${mine.map((o) => o.id)}::bigint[], ${mine.map((o) => o.status)}::text[],
                          ${mine.map((o) => o.msgid)}::text[], ${mine.map((o) => o.err)}::text[],
                          ${interactionIds}::bigint[]) as v(id, status, msgid, err, iid)
             where o.id = v.id`.execute(trx);
      }
      // A retryable failure waits for its lease to end (back-off) and is claimed again.
      if (retryIds.length)
        await sql`update sms_outbox set lease_until = now() + make_interval(secs => ${Math.min(lease, 30 * rows[0].attempts)})
                   where id = any(${retryIds}::bigint[]) and status = 'sending'`.execute(trx);
    });
    for (const d of done.values()) d.status === 'sent' ? totals.sent++ : totals.failed++;
    totals.retry += retryIds.length;
  }
  return totals;
}

/** The job: dispatches, then comes back for messages waiting for a retry; marks a campaign step dispatched. */
defineJob('sms:dispatch', async (payload: DispatchFilter, { db }) => {
  // A paused campaign's step waits for its resume (which enqueues this job again); a stopped one's is over.
  if ('stepId' in payload) {
    const c = await sql<{ status: string }>`
      select c.status from campaign_steps s join campaigns c on c.id = s.campaign_id where s.id = ${payload.stepId}`.execute(
      db,
    );
    if (c.rows[0] && c.rows[0].status !== 'running') return;
  }
  await dispatchOutbox(db, payload);
  const waiting = await sql<{ at: Date | null }>`
    select min(lease_until) as at from sms_outbox where ${filterSql(payload)} and status in ('pending', 'sending')`.execute(
    db,
  );
  const at = waiting.rows[0]?.at;
  if (at) {
    await enqueue({ db }, 'sms:dispatch', payload, {
      runAt: new Date(Math.max(at.getTime(), Date.now()) + 1000),
      jobKey: `sms:${'stepId' in payload ? `step:${payload.stepId}` : `notice:${payload.noticeId}`}`,
    });
  } else if ('stepId' in payload) {
    await db
      .updateTable('campaign_steps')
      .set({ status: 'dispatched', dispatched_at: new Date() })
      .where('id', '=', payload.stepId)
      .where('status', '=', 'dispatching')
      .execute();
  }
});

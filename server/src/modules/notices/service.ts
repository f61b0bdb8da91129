// Risk notices (风险通知, e.g. a margin call 追加保证金): sent to the customer by SMS (through the outbox and the
// gateway) and email (SMTP), each leg logged on the timeline; confirmed by the customer through a single-use link in
// the message, or by staff by hand (e.g. the customer called back). Unconfirmed notices are chased: after the
// notice's hours a job creates a call task for the customer's owner (once per notice), and staff can send it again
// (催办/再次发送) through the same channels with a new link that replaces the old one.
import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/index.ts';
import { audit } from '../../platform/audit.ts';
import { type AuthedCtx, type Ctx, withTx } from '../../platform/context.ts';
import { badRequest, conflict, notFound } from '../../platform/errors.ts';
import { defineJob, enqueue } from '../../platform/jobs.ts';
import { createMailTransport } from '../../platform/mail.ts';
import { requirePermission, scopeToBranch } from '../../platform/permissions.ts';
import { normaliseMobile } from '../../platform/sms.ts';
import { queueNoticeSms } from '../campaigns/index.ts';
import { assertCustomerVisible, recordInteraction } from '../customers/index.ts';
import { closeGeneratedTasks, createGeneratedTasks } from '../tasks/index.ts';
import { publicBaseUrl } from '../tickets/index.ts';

export type NoticeKind = 'margin_call' | 'forced_liquidation' | 'risk_warning' | 'other';
const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

let smtpConfig: Config['smtp'] | undefined;
/** The app passes its SMTP configuration at start (the same settings the ticket mailer uses). */
export function configureNoticeMail(c: Pick<Config, 'smtp'>) {
  smtpConfig = c.smtp;
}

const noticeOut = (r: any, sms?: { status: string } | null) => ({
  id: r.id,
  customerId: r.customer_id,
  customerCode: r.customer_code,
  customerName: r.customer_name,
  branchId: r.branch_id,
  kind: r.kind,
  title: r.title,
  body: r.body,
  channels: r.channels,
  status: r.status,
  smsStatus: sms?.status ?? null,
  emailStatus: r.email_status,
  confirmedAt: iso(r.confirmed_at),
  confirmedVia: r.confirmed_via,
  confirmedBy: r.confirmed_by ? { id: r.confirmed_by, displayName: r.confirmed_by_name ?? '' } : null,
  confirmNote: r.confirm_note,
  chaseAfterHours: r.chase_after_hours,
  dueAt: r.due_at.toISOString(),
  overdue: r.overdue,
  chasedAt: iso(r.chased_at),
  resendCount: r.resend_count,
  lastResentAt: iso(r.last_resent_at),
  sentBy: r.sent_by,
  sentByName: r.sent_by_name,
  createdAt: r.created_at.toISOString(),
});

/** Unconfirmed past its hours: the deadline by which the customer should have confirmed (then it is chased). */
const dueAtSql = sql<Date>`risk_notices.created_at + make_interval(hours => risk_notices.chase_after_hours)`;
const overdueSql = sql<boolean>`(risk_notices.status = 'sent' and ${dueAtSql} <= now())`;

/**
 * The notice's columns, its customer's code and name, the names of its sender and of the staff member who recorded
 * a confirmation by phone, its deadline and how often it was sent again.
 */
const withConfirmer = (db: Ctx['db']) =>
  db
    .selectFrom('risk_notices')
    .innerJoin('customers', 'customers.id', 'risk_notices.customer_id')
    .leftJoin('users as confirmer', 'confirmer.id', 'risk_notices.confirmed_by')
    .leftJoin('users as sender', 'sender.id', 'risk_notices.sent_by')
    .selectAll('risk_notices')
    .select([
      'confirmer.display_name as confirmed_by_name',
      'sender.display_name as sent_by_name',
      'customers.code as customer_code',
      'customers.name as customer_name',
      dueAtSql.as('due_at'),
      overdueSql.as('overdue'),
      sql<number>`(select count(*)::int from risk_notice_resends r where r.notice_id = risk_notices.id)`.as(
        'resend_count',
      ),
      sql<Date | null>`(select max(r.created_at) from risk_notice_resends r where r.notice_id = risk_notices.id)`.as(
        'last_resent_at',
      ),
    ]);

/** The status of the notice's latest SMS (a resend's, once there is one). */
const latestSms = (db: Ctx['db'], ids: number[]) =>
  ids.length
    ? db
        .selectFrom('sms_outbox')
        .distinctOn('notice_id')
        .select(['notice_id', 'status'])
        .where('notice_id', 'in', ids)
        .orderBy('notice_id')
        .orderBy('notice_attempt', 'desc')
        .execute()
    : Promise.resolve([]);

async function load(ctx: AuthedCtx, id: number) {
  const r = await scopeToBranch(
    withConfirmer(ctx.db).where('risk_notices.id', '=', id),
    ctx.actor,
    'risk_notices.branch_id',
  ).executeTakeFirst();
  if (!r) throw notFound('NOTICE_NOT_FOUND', 'Notice not found');
  const [sms] = await latestSms(ctx.db, [id]);
  return noticeOut(r, sms);
}

export async function getNotice(ctx: AuthedCtx, id: number) {
  requirePermission(ctx.actor, 'customer.read');
  return load(ctx, id);
}

export async function listNotices(
  ctx: AuthedCtx,
  q: {
    customerId?: number;
    status?: 'sent' | 'confirmed' | 'overdue';
    order?: 'newest' | 'open_first';
    limit: number;
  },
) {
  requirePermission(ctx.actor, 'customer.read');
  let qb = scopeToBranch(withConfirmer(ctx.db), ctx.actor, 'risk_notices.branch_id');
  if (q.customerId) qb = qb.where('risk_notices.customer_id', '=', q.customerId);
  if (q.status === 'overdue') qb = qb.where(overdueSql);
  else if (q.status) qb = qb.where('risk_notices.status', '=', q.status);
  // Unconfirmed first (those past their deadline at the top), then newest first.
  if (q.order === 'open_first')
    qb = qb.orderBy(sql`risk_notices.status = 'sent'`, 'desc').orderBy(overdueSql, 'desc');
  const rows = await qb.orderBy('risk_notices.id', 'desc').limit(q.limit).execute();
  const sms = await latestSms(
    ctx.db,
    rows.map((r) => r.id),
  );
  const byNotice = new Map(sms.map((s) => [s.notice_id, s]));
  return rows.map((r) => noticeOut(r, byNotice.get(r.id)));
}

/** The customer's mobile, or a 400 naming `channels` when a chosen channel has no address. */
async function reachable(db: Ctx['db'], customerId: number, channels: ('sms' | 'email')[]) {
  const c = await db
    .selectFrom('customers')
    .select(['phone', 'email'])
    .where('id', '=', customerId)
    .executeTakeFirstOrThrow();
  const mobile = normaliseMobile(c.phone);
  const fields: Record<string, string> = {};
  if (channels.includes('sms') && !mobile) fields.channels = 'NO_MOBILE';
  if (channels.includes('email') && !c.email) fields.channels = 'NO_EMAIL';
  if (Object.keys(fields).length)
    throw badRequest(
      'CHANNEL_UNAVAILABLE',
      'The customer has no mobile or email for a chosen channel',
      fields,
    );
  return { mobile, email: c.email };
}

const confirmLink = (token: string) => `${publicBaseUrl()}/api/notices/confirm/${token}`;
const smsText = (title: string, body: string, link: string) => `${title}：${body} 请点击确认已收到：${link}`;

/** Sends a notice: the SMS through the outbox (opt-out does not apply to risk notices), the email by a job. */
export async function sendNotice(
  ctx: AuthedCtx,
  input: {
    customerId: number;
    kind: NoticeKind;
    title: string;
    body: string;
    channels: ('sms' | 'email')[];
    chaseAfterHours?: number;
  },
) {
  requirePermission(ctx.actor, 'notice.send');
  const channels = [...new Set(input.channels)];
  const { id } = await withTx(ctx, async (tx) => {
    const c0 = await assertCustomerVisible(tx as AuthedCtx, input.customerId);
    const c = await reachable(tx.db, input.customerId, channels);
    const mobile = c.mobile;
    const token = randomBytes(24).toString('base64url');
    const row = await tx.db
      .insertInto('risk_notices')
      .values({
        customer_id: input.customerId,
        branch_id: c0.branch_id,
        kind: input.kind,
        title: input.title,
        body: input.body,
        channels,
        token_hash: hashToken(token),
        chase_after_hours: input.chaseAfterHours ?? 4,
        sent_by: ctx.actor.id,
        email_to: channels.includes('email') ? c.email : null,
        email_status: channels.includes('email') ? 'pending' : null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const link = confirmLink(token);
    if (channels.includes('sms'))
      await queueNoticeSms(tx, {
        noticeId: row.id,
        customerId: input.customerId,
        branchId: c0.branch_id,
        mobile,
        content: smsText(input.title, input.body, link),
      });
    if (channels.includes('email'))
      await enqueue(tx, 'notices:email', { noticeId: row.id, link }, { jobKey: `notice_email:${row.id}` });
    await audit(tx, {
      action: 'notice.sent',
      entity: 'risk_notice',
      entityId: row.id,
      branchId: c0.branch_id,
      after: { customerId: input.customerId, kind: input.kind, title: input.title, channels },
    });
    return { id: row.id };
  });
  // The token is the customer's: it leaves only in the SMS and the email, never in a staff response.
  return load(ctx, id);
}

/**
 * Emails a notice (SMTP as configured for Kefu), or its resend `attempt`; the result goes on the timeline.
 * Throws to be retried.
 */
export async function emailNotice(db: Database, noticeId: number, link: string, attempt = 0) {
  const smtp = smtpConfig ?? (await import('../../config.ts')).loadConfig().smtp;
  const n = await db.selectFrom('risk_notices').selectAll().where('id', '=', noticeId).executeTakeFirst();
  if (!n) return false;
  const leg = attempt
    ? await db
        .selectFrom('risk_notice_resends')
        .select(['id', 'email_to', 'email_status'])
        .where('notice_id', '=', noticeId)
        .where('attempt', '=', attempt)
        .executeTakeFirst()
    : { id: null, email_to: n.email_to, email_status: n.email_status };
  if (leg?.email_status !== 'pending' || !leg.email_to) return false;
  let error: string | null = null;
  if (!smtp.host) error = 'SMTP is not configured (SMTP_HOST)';
  else {
    const transport = createMailTransport(smtp);
    try {
      await transport.sendMail({
        from: smtp.from,
        to: leg.email_to,
        subject: `【风险通知】${n.title}`,
        text: `${n.body}\n\n请点击以下链接确认您已收到本通知：\n${link}`,
      });
    } catch (e) {
      error = String((e as Error).message).slice(0, 500);
    } finally {
      transport.close();
    }
  }
  const result = {
    email_status: error ? ('failed' as const) : ('sent' as const),
    email_error: error,
    email_sent_at: error ? null : new Date(),
  };
  await db.transaction().execute(async (trx) => {
    if (leg.id) await trx.updateTable('risk_notice_resends').set(result).where('id', '=', leg.id).execute();
    else await trx.updateTable('risk_notices').set(result).where('id', '=', noticeId).execute();
    await recordInteraction(
      { db: trx },
      {
        customerId: n.customer_id,
        channel: 'email',
        direction: 'outbound',
        staffId: n.sent_by,
        summary: `风险通知邮件${attempt ? '（再次发送）' : ''}：${n.title}`,
        outcome: error ? 'failed' : 'sent',
        countsAsContact: !error,
      },
    );
  });
  return !error;
}

defineJob('notices:email', async (p: { noticeId: number; link: string; attempt?: number }, { db }) => {
  await emailNotice(db, Number(p.noticeId), String(p.link), Number(p.attempt ?? 0));
});

async function confirm(db: Ctx['db'], id: number, via: string) {
  const r = await db
    .updateTable('risk_notices')
    .set({ status: 'confirmed', confirmed_at: new Date(), confirmed_via: via })
    .where('id', '=', id)
    .where('status', '=', 'sent')
    .returningAll()
    .executeTakeFirst();
  if (!r) return null;
  await recordInteraction(
    { db },
    {
      customerId: r.customer_id,
      channel: via === 'link' ? 'portal' : 'phone_in',
      direction: 'inbound',
      summary: `客户确认收到风险通知：${r.title}（${via === 'link' ? '通过确认链接' : '人工确认'}）`,
      outcome: 'confirmed',
    },
  );
  // The chase task, if one was created, is no longer needed.
  await closeGeneratedTasks(
    { db },
    { sourceKind: 'notice', sourceId: id },
    { status: 'cancelled', outcome: 'confirmed' },
  );
  return r;
}

export type LinkState = 'open' | 'confirmed' | 'expired';

/**
 * What the customer's confirm link shows (GET): the notice's title and text and whether it can still be
 * confirmed. Reads only — a link scanner or a preview that fetches the link confirms nothing.
 */
export async function noticeByToken(ctx: Ctx, token: string) {
  const n = await ctx.db
    .selectFrom('risk_notices')
    .select(['title', 'body', 'status', 'token_expires_at', 'confirmed_at'])
    .where('token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!n) return null;
  const state: LinkState =
    n.status === 'confirmed' ? 'confirmed' : n.token_expires_at.getTime() <= Date.now() ? 'expired' : 'open';
  return { state, title: n.title, body: n.body, confirmedAt: iso(n.confirmed_at) };
}

/**
 * The customer's confirmation (POST from the link's page). Single use: once confirmed the link confirms nothing
 * more; an expired link confirms nothing. The audit row says the customer confirmed through the link (no staff
 * actor), from which address and browser.
 */
export async function confirmByToken(ctx: Ctx, token: string) {
  return withTx({ ...ctx, actor: null }, async (tx) => {
    const n = await tx.db
      .selectFrom('risk_notices')
      .select(['id', 'status', 'title', 'branch_id', 'token_expires_at'])
      .where('token_hash', '=', hashToken(token))
      .forUpdate()
      .executeTakeFirst();
    if (!n) throw notFound('NOTICE_LINK_INVALID', 'This link is not valid');
    if (n.status === 'confirmed') return { state: 'already' as const, title: n.title };
    if (n.token_expires_at.getTime() <= Date.now()) return { state: 'expired' as const, title: n.title };
    await confirm(tx.db, n.id, 'link');
    await audit(tx, {
      action: 'notice.confirmed',
      entity: 'risk_notice',
      entityId: n.id,
      branchId: n.branch_id,
      after: { via: 'link' },
      meta: { by: 'customer', userAgent: ctx.userAgent ?? null },
    });
    return { state: 'confirmed' as const, title: n.title };
  });
}

/**
 * A confirmation the customer gave by phone (or at the counter), recorded by a staff member: its own permission,
 * kept apart from the customer's link ("confirmed by phone, recorded by …"), audited with the staff actor.
 */
export async function confirmByPhone(ctx: AuthedCtx, id: number, input: { note?: string | null }) {
  requirePermission(ctx.actor, 'notice.confirm_phone');
  await withTx(ctx, async (tx) => {
    const n = await scopeToBranch(
      tx.db.selectFrom('risk_notices').selectAll().where('id', '=', id).forUpdate(),
      ctx.actor,
      'risk_notices.branch_id',
    ).executeTakeFirst();
    if (!n) throw notFound('NOTICE_NOT_FOUND', 'Notice not found');
    if (n.status === 'confirmed') throw conflict('NOTICE_CONFIRMED', 'This notice is already confirmed');
    await confirm(tx.db, id, 'phone');
    await tx.db
      .updateTable('risk_notices')
      .set({ confirmed_by: ctx.actor.id, confirm_note: input.note?.trim() || null })
      .where('id', '=', id)
      .execute();
    await audit(tx, {
      action: 'notice.confirmed_by_phone',
      entity: 'risk_notice',
      entityId: id,
      branchId: n.branch_id,
      after: { via: 'phone', recordedBy: ctx.actor.id, note: input.note ?? null },
    });
  });
  return load(ctx, id);
}

/**
 * Sends an unconfirmed notice again (催办/再次发送) through its own channels: a new confirm link replaces the old one
 * (only the token's hash is kept, so the old link cannot be sent again; it stops working), valid for 7 days from now.
 * An SMS of the notice still waiting in the outbox is skipped (its link no longer works). Audited with the sender.
 */
export async function resendNotice(ctx: AuthedCtx, id: number) {
  requirePermission(ctx.actor, 'notice.send');
  await withTx(ctx, async (tx) => {
    const n = await scopeToBranch(
      tx.db.selectFrom('risk_notices').selectAll().where('id', '=', id).forUpdate(),
      ctx.actor,
      'risk_notices.branch_id',
    ).executeTakeFirst();
    if (!n) throw notFound('NOTICE_NOT_FOUND', 'Notice not found');
    if (n.status === 'confirmed') throw conflict('NOTICE_CONFIRMED', 'This notice is already confirmed');
    const channels = n.channels as ('sms' | 'email')[];
    const c = await reachable(tx.db, n.customer_id, channels);
    const last = await tx.db
      .selectFrom('risk_notice_resends')
      .select(sql<number>`coalesce(max(attempt), 0)::int`.as('n'))
      .where('notice_id', '=', id)
      .executeTakeFirstOrThrow();
    const attempt = last.n + 1;
    const token = randomBytes(24).toString('base64url');
    await tx.db
      .updateTable('risk_notices')
      .set({ token_hash: hashToken(token), token_expires_at: sql`now() + interval '7 days'` })
      .where('id', '=', id)
      .execute();
    await tx.db
      .insertInto('risk_notice_resends')
      .values({
        notice_id: id,
        attempt,
        channels,
        sent_by: ctx.actor.id,
        email_to: channels.includes('email') ? c.email : null,
        email_status: channels.includes('email') ? 'pending' : null,
      })
      .execute();
    const link = confirmLink(token);
    if (channels.includes('sms'))
      await queueNoticeSms(tx, {
        noticeId: id,
        attempt,
        customerId: n.customer_id,
        branchId: n.branch_id,
        mobile: c.mobile,
        content: smsText(n.title, n.body, link),
      });
    if (channels.includes('email'))
      await enqueue(
        tx,
        'notices:email',
        { noticeId: id, link, attempt },
        { jobKey: `notice_email:${id}:${attempt}` },
      );
    await audit(tx, {
      action: 'notice.resent',
      entity: 'risk_notice',
      entityId: id,
      branchId: n.branch_id,
      after: { attempt, channels },
    });
  });
  return load(ctx, id);
}

export type NoticeEventKind = 'sent' | 'resent' | 'sms' | 'sms_report' | 'email' | 'chased' | 'confirmed';
export type NoticeEvent = {
  at: string;
  kind: NoticeEventKind;
  /** 0 the first sending, 1, 2, … its resends. */
  attempt: number;
  channels: string[] | null;
  status: string | null;
  by: { id: number; displayName: string } | null;
  /** Where the SMS went and where the email went (masked like every phone and email). */
  mobile: string | null;
  email: string | null;
  via: string | null;
  note: string | null;
};

/**
 * The notice's story, oldest first: sent (by whom, which channels), each SMS (sent, failed, skipped) and its
 * delivery report, each email, the chase task, each resend, the confirmation (by the customer's link, or by phone
 * and who recorded it). Opening the link is not on it: reading the link changes nothing (a link scanner would).
 */
export async function noticeTimeline(ctx: AuthedCtx, id: number): Promise<NoticeEvent[]> {
  requirePermission(ctx.actor, 'customer.read');
  const n = await scopeToBranch(
    withConfirmer(ctx.db).where('risk_notices.id', '=', id),
    ctx.actor,
    'risk_notices.branch_id',
  ).executeTakeFirst();
  if (!n) throw notFound('NOTICE_NOT_FOUND', 'Notice not found');
  const [sms, resends] = await Promise.all([
    ctx.db
      .selectFrom('sms_outbox')
      .select(['notice_attempt', 'mobile', 'status', 'created_at', 'sent_at', 'reported_at'])
      .where('notice_id', '=', id)
      .orderBy('id')
      .execute(),
    ctx.db
      .selectFrom('risk_notice_resends')
      .leftJoin('users', 'users.id', 'risk_notice_resends.sent_by')
      .selectAll('risk_notice_resends')
      .select('users.display_name')
      .where('notice_id', '=', id)
      .orderBy('attempt')
      .execute(),
  ]);
  const blank = { channels: null, status: null, by: null, mobile: null, email: null, via: null, note: null };
  const ev = (at: Date, kind: NoticeEventKind, attempt: number, more: Partial<NoticeEvent> = {}) => ({
    ...blank,
    at: at.toISOString(),
    kind,
    attempt,
    ...more,
  });
  const who = (uid: number | null, name: string | null | undefined) =>
    uid ? { id: uid, displayName: name ?? '' } : null;
  const out: NoticeEvent[] = [
    ev(n.created_at, 'sent', 0, { channels: n.channels, by: who(n.sent_by, n.sent_by_name) }),
  ];
  const emailEvent = (
    leg: { email_to: string | null; email_status: string | null; email_sent_at: Date | null },
    at: Date,
    attempt: number,
  ) => {
    if (leg.email_status)
      out.push(
        ev(leg.email_sent_at ?? at, 'email', attempt, { status: leg.email_status, email: leg.email_to }),
      );
  };
  emailEvent(n, n.created_at, 0);
  for (const r of resends) {
    out.push(
      ev(r.created_at, 'resent', r.attempt, { channels: r.channels, by: who(r.sent_by, r.display_name) }),
    );
    emailEvent(r, r.created_at, r.attempt);
  }
  for (const m of sms) {
    const reported = m.status === 'delivered' || m.status === 'undelivered';
    out.push(
      ev(m.sent_at ?? m.created_at, 'sms', m.notice_attempt, {
        status: reported ? 'sent' : m.status,
        mobile: m.mobile,
      }),
    );
    if (reported && m.reported_at)
      out.push(ev(m.reported_at, 'sms_report', m.notice_attempt, { status: m.status }));
  }
  if (n.chased_at) out.push(ev(n.chased_at, 'chased', resends.length));
  if (n.confirmed_at)
    out.push(
      ev(n.confirmed_at, 'confirmed', resends.length, {
        via: n.confirmed_via,
        by: who(n.confirmed_by, n.confirmed_by_name),
        note: n.confirm_note,
      }),
    );
  // Stable: equal times keep the order above (sent before its legs).
  return out
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.at.localeCompare(b.e.at) || a.i - b.i)
    .map((x) => x.e);
}

/**
 * Chases notices still unconfirmed `chase_after_hours` after sending: a call task for the customer's owner (or the
 * sender), due in an hour. Idempotent: one task per notice (unique index), the notice marked chased.
 */
export async function chaseUnconfirmed(db: Ctx['db']) {
  const run = async (tx: Ctx['db']) => {
    const due = await sql<{ id: number }>`
      select n.id from risk_notices n
       where n.status = 'sent' and n.chased_at is null
         and n.created_at + make_interval(hours => n.chase_after_hours) <= now()
       for update of n skip locked`.execute(tx);
    if (!due.rows.length) return 0;
    const ids = due.rows.map((r) => r.id);
    await createGeneratedTasks(
      { db: tx },
      sql`
        select left('风险通知未确认，请电话联系：' || n.title, 200) as title,
               '客户尚未确认收到风险通知，请致电确认并记录。'::text as description, 'call' as kind, n.customer_id,
               n.branch_id, coalesce(c.owner_id, n.sent_by) as assignee_id, null::bigint as department_id,
               now() + interval '1 hour' as due_at, 'notice' as source_kind, n.id as source_id,
               null::bigint as created_by
          from risk_notices n join customers c on c.id = n.customer_id
         where n.id = any(${ids}::bigint[])`,
    );
    const r = await tx
      .updateTable('risk_notices')
      .set({ chased_at: sql`now()`, chase_count: sql`chase_count + 1` })
      .where('id', 'in', ids)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  };
  // The tasks and the mark commit together (a crash between them leaves neither; the next run chases again).
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

defineJob(
  'notices:chase',
  async (_p, { db, log }) => {
    const n = await chaseUnconfirmed(db);
    if (n) log('unconfirmed risk notices chased', { n });
  },
  '*/10 * * * *',
);

// Emails to the customer (reply, resolved, closed with the rating link), written in the request's transaction and
// sent by a job through real SMTP; each email sent is recorded on the customer's timeline. Rating links are signed
// with HMAC, expire, and work once.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import { type Config, loadConfig } from '../../config.ts';
import type { Database } from '../../db/index.ts';
import type { Ctx } from '../../platform/context.ts';
import { defineJob, enqueue } from '../../platform/jobs.ts';
import { createMailTransport } from '../../platform/mail.ts';
import { recordInteraction } from '../customers/index.ts';

type Db = Ctx['db'] | Database;
type Locale = 'zh-CN' | 'zh-TW' | 'en';
type Kind = 'reply' | 'resolved' | 'closed';

let mailConfig: { smtp: Config['smtp']; publicUrl?: string } | undefined;
/** The app passes its configuration at start; a job running elsewhere reads the environment. */
export function configureTicketMail(config: Pick<Config, 'smtp' | 'publicUrl'>) {
  mailConfig = { smtp: config.smtp, publicUrl: config.publicUrl };
}
const currentConfig = () => {
  if (!mailConfig) {
    const c = loadConfig();
    mailConfig = { smtp: c.smtp, publicUrl: c.publicUrl };
  }
  return mailConfig;
};
export const publicBaseUrl = () => (currentConfig().publicUrl ?? 'http://localhost:3000').replace(/\/$/, '');

const TEMPLATES: Record<Locale, Record<Kind, { subject: string; body: string }>> = {
  'zh-CN': {
    reply: {
      subject: '[{number}] 回复：{subject}',
      body: '{name}您好：\n\n{message}\n\n工单编号：{number}\n{agent}',
    },
    resolved: {
      subject: '[{number}] 您的问题已处理：{subject}',
      body: '{name}您好：\n\n您反映的问题（工单 {number}）已处理完毕。如仍有疑问，请直接回复或致电我们。\n\n{agent}',
    },
    closed: {
      subject: '[{number}] 请为本次服务评分：{subject}',
      body: '{name}您好：\n\n工单 {number} 已关闭。欢迎您为本次服务评分（1–5 分）：\n{link}\n\n链接 {days} 天内有效，仅可使用一次。\n\n{agent}',
    },
  },
  'zh-TW': {
    reply: {
      subject: '[{number}] 回覆：{subject}',
      body: '{name}您好：\n\n{message}\n\n工單編號：{number}\n{agent}',
    },
    resolved: {
      subject: '[{number}] 您的問題已處理：{subject}',
      body: '{name}您好：\n\n您反映的問題（工單 {number}）已處理完畢。如仍有疑問，請直接回覆或致電我們。\n\n{agent}',
    },
    closed: {
      subject: '[{number}] 請為本次服務評分：{subject}',
      body: '{name}您好：\n\n工單 {number} 已關閉。歡迎您為本次服務評分（1–5 分）：\n{link}\n\n連結 {days} 天內有效，僅可使用一次。\n\n{agent}',
    },
  },
  en: {
    reply: {
      subject: '[{number}] Re: {subject}',
      body: 'Dear {name},\n\n{message}\n\nTicket: {number}\n{agent}',
    },
    resolved: {
      subject: '[{number}] Resolved: {subject}',
      body: 'Dear {name},\n\nYour request (ticket {number}) has been resolved. If anything is still unclear, just reply or call us.\n\n{agent}',
    },
    closed: {
      subject: '[{number}] How did we do? {subject}',
      body: 'Dear {name},\n\nTicket {number} is closed. Please rate our service (1–5):\n{link}\n\nThe link works once and expires in {days} days.\n\n{agent}',
    },
  },
};

const fill = (s: string, v: Record<string, string>) => s.replace(/\{(\w+)\}/g, (m, k) => v[k] ?? m);

export const RATING_DAYS = 14;

async function ratingSecret(db: Db): Promise<string> {
  const row = await db
    .selectFrom('ticket_rating_keys')
    .select('secret')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  if (row) return row.secret;
  // Two first closes at once may both insert; the first row (lowest id) is the one everybody uses.
  await db
    .insertInto('ticket_rating_keys')
    .values({ secret: randomBytes(32).toString('base64url') })
    .execute();
  return (
    await db
      .selectFrom('ticket_rating_keys')
      .select('secret')
      .orderBy('id')
      .limit(1)
      .executeTakeFirstOrThrow()
  ).secret;
}

const sign = (secret: string, payload: string) =>
  createHmac('sha256', secret).update(payload).digest('base64url');

/** A signed, expiring, single-use rating link token for a ticket. */
export async function createRatingToken(db: Db, ticketId: number, now = new Date()) {
  const nonce = randomBytes(16).toString('base64url');
  const expires = new Date(now.getTime() + RATING_DAYS * 86_400_000);
  await db
    .insertInto('ticket_rating_tokens')
    .values({ nonce, ticket_id: ticketId, expires_at: expires })
    .execute();
  const payload = `${ticketId}.${nonce}.${Math.floor(expires.getTime() / 1000)}`;
  return `${payload}.${sign(await ratingSecret(db), payload)}`;
}

/** Checks a token's signature and expiry; returns the ticket and nonce, or null. */
export async function verifyRatingToken(db: Db, token: string, now = new Date()) {
  const parts = token.split('.');
  if (parts.length !== 4) return null;
  const [id, nonce, exp, mac] = parts;
  const payload = `${id}.${nonce}.${exp}`;
  const expected = Buffer.from(sign(await ratingSecret(db), payload));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  if (!/^\d+$/.test(id) || !/^\d+$/.test(exp) || Number(exp) * 1000 < now.getTime()) return null;
  return { ticketId: Number(id), nonce };
}

/** Queues an email to the ticket's contact (if it has an address), to be sent by a job after the commit. */
export async function queueTicketEmail(
  db: Db,
  ticket: {
    id: number;
    number: string;
    subject: string;
    locale: string;
    contact_email: string | null;
    contact_name: string | null;
  },
  kind: Kind,
  extra: { message?: string; agentName?: string; link?: string } = {},
) {
  if (!ticket.contact_email) return null;
  const locale = (['zh-CN', 'zh-TW', 'en'].includes(ticket.locale) ? ticket.locale : 'zh-CN') as Locale;
  const tpl = TEMPLATES[locale][kind];
  const vars = {
    number: ticket.number,
    subject: ticket.subject,
    name: ticket.contact_name ?? (locale === 'en' ? 'customer' : '客户'),
    message: extra.message ?? '',
    agent: extra.agentName ?? '',
    link: extra.link ?? '',
    days: String(RATING_DAYS),
  };
  const row = await db
    .insertInto('ticket_emails')
    .values({
      ticket_id: ticket.id,
      kind,
      to_address: ticket.contact_email,
      locale,
      subject: fill(tpl.subject, vars),
      body: fill(tpl.body, vars),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await enqueue({ db }, 'ticket_email_send', { emailId: row.id }, { jobKey: `ticket_email:${row.id}` });
  return row.id;
}

/**
 * Sends one queued email (once: the row is locked and marked sent in the same transaction as the timeline entry).
 * Throws on an SMTP failure so the job is retried.
 */
export async function sendTicketEmail(
  db: Database,
  emailId: number,
  smtp: Config['smtp'] = currentConfig().smtp,
) {
  const res = await db.transaction().execute(async (tx) => {
    const e = await tx
      .selectFrom('ticket_emails')
      .innerJoin('tickets', 'tickets.id', 'ticket_emails.ticket_id')
      .select([
        'ticket_emails.id',
        'ticket_emails.to_address',
        'ticket_emails.subject',
        'ticket_emails.body',
        'ticket_emails.status',
        'tickets.customer_id',
        'tickets.id as ticket_id',
        'tickets.first_contact_owner_id',
      ])
      .where('ticket_emails.id', '=', emailId)
      // Only the email row is locked (a second sender waits, then sees it sent); the ticket stays free for others.
      .forUpdate('ticket_emails')
      .executeTakeFirst();
    if (!e || e.status === 'sent') return { sent: false };
    if (!smtp.host) {
      await tx
        .updateTable('ticket_emails')
        .set({ status: 'failed', error: 'SMTP is not configured (SMTP_HOST)', attempts: sql`attempts + 1` })
        .where('id', '=', emailId)
        .execute();
      return { sent: false };
    }
    const transport = createMailTransport(smtp);
    try {
      await transport.sendMail({ from: smtp.from, to: e.to_address, subject: e.subject, text: e.body });
    } catch (err) {
      // The attempt is recorded; the job fails after the commit so graphile-worker retries it with back-off.
      await tx
        .updateTable('ticket_emails')
        .set({ error: String((err as Error).message).slice(0, 500), attempts: sql`attempts + 1` })
        .where('id', '=', emailId)
        .execute();
      return { sent: false, error: err as Error };
    } finally {
      transport.close();
    }
    await tx
      .updateTable('ticket_emails')
      .set({ status: 'sent', sent_at: sql`now()`, attempts: sql`attempts + 1`, error: null })
      .where('id', '=', emailId)
      .execute();
    if (e.customer_id)
      await recordInteraction(
        { db: tx },
        {
          customerId: e.customer_id,
          channel: 'email',
          direction: 'outbound',
          staffId: e.first_contact_owner_id,
          summary: `邮件已发送：${e.subject}`,
          ticketId: e.ticket_id,
        },
      );
    return { sent: true };
  });
  if (res.error) throw res.error;
  return res.sent;
}

defineJob('ticket_email_send', async (payload: { emailId: number }, { db }) => {
  await sendTicketEmail(db, Number(payload.emailId));
});

// The service desk's rules: the first-contact owner (首问负责) keeps the ticket and the customer; the work moves by
// internal transfer (内转外不转) with a reason and a hop history; every change is version-checked, audited, and
// (for creation and resolution) written on the customer's timeline.
import { type ExpressionBuilder, type Selectable, sql } from 'kysely';
import type { DB } from '../../db/types.ts';
import { audit, diff } from '../../platform/audit.ts';
import { type AuthedCtx, type Ctx, withTx } from '../../platform/context.ts';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { checkUpload, downloadHeaders } from '../../platform/files.ts';
import {
  type Actor,
  branchScope,
  can,
  requirePermission,
  scopeToBranch,
} from '../../platform/permissions.ts';
import { decodeCursor, encodeCursor } from '../../platform/schemas.ts';
import { localDateTime, localToday, zoneSql } from '../../platform/time.ts';
import { deleteViewOf, listViewsOf, recordInteraction, saveViewOf } from '../customers/index.ts';
import { renderTemplate } from '../kb/index.ts';
import { createRatingToken, publicBaseUrl, queueTicketEmail } from './mail.ts';
import { notify } from './notify.ts';
import { initTargets, matchPolicy, recomputeTargets, targetState } from './sla.ts';
import type { CHANNELS, Priority, TicketStatus, TicketType } from './tables.ts';

type Tx = AuthedCtx;

// ---- who sees what

/**
 * The tickets an actor may see: those of their branches, plus — across branches — those they own or work (now or
 * before), and for department staff those routed to their department (now or before).
 */
export function ticketVisibility(actor: Actor) {
  return (eb: ExpressionBuilder<DB, 'tickets'>): any => {
    const scope = branchScope(actor);
    if (scope === 'all') return sql<boolean>`true`;
    const ors: any[] = [
      eb('tickets.branch_id', 'in', scope),
      eb('tickets.first_contact_owner_id', '=', actor.id),
      eb('tickets.assignee_id', '=', actor.id),
      eb.exists(
        eb
          .selectFrom('ticket_transfers as tv')
          .select(sql`1`.as('x'))
          .whereRef('tv.ticket_id', '=', 'tickets.id')
          .where('tv.to_user_id', '=', actor.id),
      ),
    ];
    if (actor.roles.includes('department_staff')) {
      ors.push(eb('tickets.department_id', '=', actor.departmentId));
      ors.push(
        eb.exists(
          eb
            .selectFrom('ticket_transfers as td')
            .select(sql`1`.as('x'))
            .whereRef('td.ticket_id', '=', 'tickets.id')
            .where('td.to_department_id', '=', actor.departmentId),
        ),
      );
    }
    return eb.or(ors);
  };
}

async function loadTicket(ctx: Ctx & { actor: Actor }, id: number, lock = false) {
  let q = ctx.db
    .selectFrom('tickets')
    .selectAll()
    .where('tickets.id', '=', id)
    .where(ticketVisibility(ctx.actor));
  if (lock) q = q.forUpdate();
  const t = await q.executeTakeFirst();
  if (!t) throw notFound('TICKET_NOT_FOUND', 'Ticket not found');
  return t;
}
type TicketRow = Awaited<ReturnType<typeof loadTicket>>;

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export async function ticketOut(ctx: Ctx, t: TicketRow, now = new Date()) {
  return (await ticketsOut(ctx, [t], now))[0];
}

/** Many tickets at once: three queries for the whole page, not three per ticket. */
export async function ticketsOut(ctx: Ctx, rows: TicketRow[], now = new Date()) {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const userIds = [
    ...new Set(
      rows.flatMap((r) => [r.first_contact_owner_id, r.assignee_id]).filter((x): x is number => x != null),
    ),
  ];
  const complaintIds = rows.filter((r) => r.type === 'complaint').map((r) => r.id);
  const [targets, complaints, names] = await Promise.all([
    ctx.db
      .selectFrom('ticket_sla_targets')
      .selectAll()
      .where('ticket_id', 'in', ids)
      .orderBy('ticket_id')
      .orderBy('target')
      .execute(),
    complaintIds.length
      ? ctx.db.selectFrom('ticket_complaints').selectAll().where('ticket_id', 'in', complaintIds).execute()
      : Promise.resolve([]),
    ctx.db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', userIds).execute(),
  ]);
  return rows.map((t) =>
    oneOut(
      t,
      targets.filter((x) => x.ticket_id === t.id),
      complaints.find((c) => c.ticket_id === t.id),
      names,
      now,
    ),
  );
}

function oneOut(
  t: TicketRow,
  targets: Selectable<DB['ticket_sla_targets']>[],
  complaint: Selectable<DB['ticket_complaints']> | undefined,
  names: { id: number; display_name: string }[],
  now: Date,
) {
  const name = (id: number | null) =>
    id == null ? null : (names.find((n) => n.id === id)?.display_name ?? null);
  return {
    id: t.id,
    number: t.number,
    branchId: t.branch_id,
    type: t.type,
    categoryId: t.category_id,
    priority: t.priority,
    channel: t.channel,
    customerId: t.customer_id,
    contactName: t.contact_name,
    contactPhone: t.contact_phone,
    contactEmail: t.contact_email,
    locale: t.locale,
    subject: t.subject,
    description: t.description,
    status: t.status,
    needsOnsite: t.needs_onsite,
    firstContactOwnerId: t.first_contact_owner_id,
    firstContactOwnerName: name(t.first_contact_owner_id),
    assigneeId: t.assignee_id,
    assigneeName: name(t.assignee_id),
    teamId: t.team_id,
    departmentId: t.department_id,
    slaPolicyId: t.sla_policy_id,
    receivedAt: t.received_at.toISOString(),
    firstRespondedAt: iso(t.first_responded_at),
    onsiteAt: iso(t.onsite_at),
    resolvedAt: iso(t.resolved_at),
    closedAt: iso(t.closed_at),
    rating: t.rating_score
      ? {
          score: t.rating_score,
          comment: t.rating_comment,
          ratedAt: iso(t.rated_at),
          ratedUserId: t.rated_user_id,
        }
      : null,
    sla: targets.map((x) => ({
      target: x.target,
      minutes: x.minutes,
      days: x.days,
      unit: x.unit,
      dueAt: iso(x.due_at),
      warnAt: iso(x.warn_at),
      metAt: iso(x.met_at),
      state: targetState(x, now),
      provisional: x.provisional,
    })),
    complaint: complaint
      ? {
          severity: complaint.severity,
          source: complaint.source,
          regulatorRef: complaint.regulator_ref,
          accepted: complaint.accepted,
          acceptanceDecidedAt: iso(complaint.acceptance_decided_at),
          notAcceptedReason: complaint.not_accepted_reason,
          resolution: complaint.resolution,
          compensationAmount: complaint.compensation_amount,
          compensationNote: complaint.compensation_note,
          customerAccepted: complaint.customer_accepted,
          rootCauseCategoryId: complaint.root_cause_category_id,
          rootCauseText: complaint.root_cause_text,
        }
      : null,
    createdAt: t.created_at.toISOString(),
    updatedAt: t.updated_at.toISOString(),
    version: t.version,
  };
}

async function event(
  ctx: Ctx,
  ticketId: number,
  kind: string,
  data: object = {},
  target: string | null = null,
) {
  await ctx.db
    .insertInto('ticket_events')
    .values({
      ticket_id: ticketId,
      kind,
      target,
      actor_id: ctx.actor?.id ?? null,
      data: JSON.stringify(data),
    })
    .execute();
}

async function timeline(
  ctx: Tx,
  t: { id: number; customer_id: number | null; channel: string },
  direction: 'inbound' | 'outbound' | 'internal',
  summary: string,
) {
  if (!t.customer_id) return;
  await recordInteraction(ctx, {
    customerId: t.customer_id,
    channel: t.channel as (typeof CHANNELS)[number],
    direction,
    staffId: ctx.actor.id,
    summary,
    ticketId: t.id,
    createdBy: ctx.actor.id,
    countsAsContact: direction !== 'internal',
  });
}

function versionConflict(current: unknown): AppError {
  return conflict('VERSION_CONFLICT', 'The ticket was changed by someone else; here is the current version', {
    current,
  });
}

/** Locks the ticket for a write and checks the caller saw its latest version. */
async function lockForWrite(ctx: Tx, id: number, version: number | undefined) {
  requirePermission(ctx.actor, 'ticket.write');
  const t = await loadTicket(ctx, id, true);
  if (version !== undefined && t.version !== version) throw versionConflict(await ticketOut(ctx, t));
  return t;
}

async function bump(ctx: Tx, id: number, set: Record<string, unknown> = {}) {
  return ctx.db
    .updateTable('tickets')
    .set({ ...set, updated_at: sql`now()`, version: sql`version + 1` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

async function checkUser(ctx: Ctx, id: number, field: string) {
  const u = await ctx.db.selectFrom('users').select(['id', 'status']).where('id', '=', id).executeTakeFirst();
  if (u?.status !== 'active')
    throw badRequest('USER_INVALID', 'No such active user', { [field]: 'USER_INVALID' });
}

// ---- create

export type CreateTicketInput = {
  type: TicketType;
  categoryId?: number | null;
  priority?: Priority;
  channel: (typeof CHANNELS)[number];
  customerId?: number | null;
  contactId?: number | null;
  contactName?: string | null;
  contactPhone?: string | null;
  contactEmail?: string | null;
  locale?: 'zh-CN' | 'zh-TW' | 'en';
  subject: string;
  description?: string;
  needsOnsite?: boolean;
  assigneeId?: number | null;
  receivedAt?: string;
  complaint?: { severity?: string; source?: string; regulatorRef?: string | null };
};

export async function createTicket(ctx: AuthedCtx, input: CreateTicketInput) {
  requirePermission(ctx.actor, 'ticket.write');
  let branchId = ctx.actor.branchId;
  let tier: string | null = null;
  let contact = {
    name: input.contactName ?? null,
    phone: input.contactPhone ?? null,
    email: input.contactEmail ?? null,
  };
  if (input.customerId) {
    const c = await scopeToBranch(
      ctx.db
        .selectFrom('customers')
        .select(['id', 'branch_id', 'tier', 'name', 'phone', 'email', 'status'])
        .where('customers.id', '=', input.customerId),
      ctx.actor,
      'customers.branch_id',
    ).executeTakeFirst();
    if (!c || c.status === 'merged')
      throw badRequest('CUSTOMER_NOT_FOUND', 'No such customer', { customerId: 'CUSTOMER_NOT_FOUND' });
    branchId = c.branch_id;
    tier = c.tier;
    if (input.contactId) {
      const k = await ctx.db
        .selectFrom('customer_contacts')
        .select(['name', 'phone', 'email'])
        .where('customer_id', '=', c.id)
        .where('id', '=', input.contactId)
        .executeTakeFirst();
      if (!k)
        throw badRequest('CONTACT_NOT_FOUND', 'No such contact of this customer', {
          contactId: 'CONTACT_NOT_FOUND',
        });
      contact = {
        name: contact.name ?? k.name,
        phone: contact.phone ?? k.phone,
        email: contact.email ?? k.email,
      };
    }
    contact = {
      name: contact.name ?? c.name,
      phone: contact.phone ?? c.phone,
      email: contact.email ?? c.email,
    };
  } else if (input.contactId) {
    throw badRequest('CONTACT_NOT_FOUND', 'A contact needs its customer', { contactId: 'CONTACT_NOT_FOUND' });
  }
  if (input.type !== 'complaint' && input.complaint)
    throw badRequest('NOT_A_COMPLAINT', 'Complaint details belong to complaints', {
      complaint: 'NOT_A_COMPLAINT',
    });
  let receivedAt = new Date();
  if (input.receivedAt) {
    const r = new Date(input.receivedAt);
    // A request logged after the fact (a letter, a forwarded regulator case) counts from when it was received.
    if (
      Number.isNaN(r.getTime()) ||
      r.getTime() > Date.now() + 60_000 ||
      r.getTime() < Date.now() - 90 * 86_400_000
    )
      throw badRequest('RECEIVED_AT_INVALID', 'Received time must be within the last 90 days', {
        receivedAt: 'RECEIVED_AT_INVALID',
      });
    receivedAt = r;
  }
  if (input.categoryId) {
    const cat = await ctx.db
      .selectFrom('ticket_categories')
      .select('id')
      .where('id', '=', input.categoryId)
      .executeTakeFirst();
    if (!cat)
      throw badRequest('CATEGORY_NOT_FOUND', 'No such category', { categoryId: 'CATEGORY_NOT_FOUND' });
  }
  const assigneeId = input.assigneeId === undefined ? ctx.actor.id : input.assigneeId;
  if (assigneeId != null && assigneeId !== ctx.actor.id) await checkUser(ctx, assigneeId, 'assigneeId');
  const priority = input.priority ?? 'normal';
  const needsOnsite = input.needsOnsite ?? input.type === 'fault';
  const policy = await matchPolicy(ctx.db, { type: input.type, priority, tier });
  const id = await withTx(ctx, async (tx) => {
    const t = await tx.db
      .insertInto('tickets')
      .values({
        branch_id: branchId,
        type: input.type,
        category_id: input.categoryId ?? null,
        priority,
        channel: input.channel,
        customer_id: input.customerId ?? null,
        contact_name: contact.name,
        contact_phone: contact.phone,
        contact_email: contact.email,
        locale: input.locale ?? 'zh-CN',
        subject: input.subject,
        description: input.description ?? '',
        needs_onsite: needsOnsite,
        first_contact_owner_id: tx.actor!.id,
        assignee_id: assigneeId,
        team_id: tx.actor!.teamId,
        sla_policy_id: policy?.id ?? null,
        calendar_id: policy?.calendar_id ?? null,
        received_at: receivedAt,
        created_by: tx.actor!.id,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    if (input.type === 'complaint') {
      await tx.db
        .insertInto('ticket_complaints')
        .values({
          ticket_id: t.id,
          severity: input.complaint?.severity ?? 'normal',
          source: input.complaint?.source ?? 'own_channel',
          regulator_ref: input.complaint?.regulatorRef ?? null,
        })
        .execute();
    }
    await initTargets(tx.db, t, policy);
    await recomputeTargets(tx.db, t.id);
    await event(tx, t.id, 'created', { policyId: policy?.id ?? null });
    await timeline(tx as Tx, t, 'inbound', `工单 ${t.number} 已受理：${t.subject}`);
    if (assigneeId && assigneeId !== tx.actor!.id)
      await notify(tx.db, [assigneeId], {
        kind: 'assigned',
        ticketId: t.id,
        title: `${t.number} ${t.subject}`,
        params: { number: t.number, subject: t.subject },
      });
    await audit(tx, {
      action: 'ticket.create',
      entity: 'ticket',
      entityId: t.id,
      branchId,
      after: { number: t.number, type: t.type, subject: t.subject, customerId: t.customer_id },
    });
    return t.id;
  });
  return getTicket(ctx, id);
}

export async function getTicket(ctx: AuthedCtx, id: number) {
  requirePermission(ctx.actor, 'ticket.read');
  return ticketOut(ctx, await loadTicket(ctx, id));
}

/** Everything about a ticket on one page: thread, internal notes, hops, events, attachments, articles, actions. */
export async function getTicketDetail(ctx: AuthedCtx, id: number) {
  requirePermission(ctx.actor, 'ticket.read');
  const t = await loadTicket(ctx, id);
  const [messages, transfers, events, attachments, articles, actions] = await Promise.all([
    ctx.db
      .selectFrom('ticket_messages')
      .leftJoin('users', 'users.id', 'ticket_messages.author_id')
      .select([
        'ticket_messages.id',
        'ticket_messages.visibility',
        'ticket_messages.direction',
        'ticket_messages.author_id',
        'users.display_name',
        'ticket_messages.body',
        'ticket_messages.created_at',
      ])
      .where('ticket_id', '=', id)
      .orderBy('ticket_messages.id')
      .execute(),
    ctx.db.selectFrom('ticket_transfers').selectAll().where('ticket_id', '=', id).orderBy('id').execute(),
    ctx.db.selectFrom('ticket_events').selectAll().where('ticket_id', '=', id).orderBy('id').execute(),
    ctx.db
      .selectFrom('ticket_attachments')
      .select(['id', 'file_name', 'content_type', 'size', 'uploaded_by', 'created_at'])
      .where('ticket_id', '=', id)
      .orderBy('id')
      .execute(),
    ctx.db
      .selectFrom('ticket_article_links')
      .innerJoin('kb_articles', 'kb_articles.id', 'ticket_article_links.article_id')
      .select(['kb_articles.id', 'kb_articles.title', 'kb_articles.kind'])
      .where('ticket_article_links.ticket_id', '=', id)
      .execute(),
    ctx.db.selectFrom('corrective_actions').selectAll().where('ticket_id', '=', id).orderBy('id').execute(),
  ]);
  const persons = await people(ctx, [
    t.first_contact_owner_id,
    t.assignee_id,
    ...messages.map((m) => m.author_id),
    ...transfers.flatMap((x) => [x.from_user_id, x.to_user_id, x.by_id]),
    ...events.map((e) => e.actor_id),
    ...attachments.map((a) => a.uploaded_by),
    ...actions.map((a) => a.owner_id),
  ]);
  return {
    ticket: await ticketOut(ctx, t),
    people: persons,
    allowed: {
      faceCustomer: mayFaceCustomer(ctx.actor, t),
      transfer: mayMoveWork(ctx.actor, t),
      handBack: mayHandBack(ctx.actor, t) && workIsAway(t) && !['resolved', 'closed'].includes(t.status),
    },
    messages: messages.map((m) => ({
      id: m.id,
      visibility: m.visibility,
      direction: m.direction,
      authorId: m.author_id,
      authorName: m.display_name,
      body: m.body,
      createdAt: m.created_at.toISOString(),
    })),
    transfers: transfers.map((x) => ({
      id: x.id,
      kind: x.kind,
      fromUserId: x.from_user_id,
      fromTeamId: x.from_team_id,
      fromDepartmentId: x.from_department_id,
      toUserId: x.to_user_id,
      toTeamId: x.to_team_id,
      toDepartmentId: x.to_department_id,
      reason: x.reason,
      byId: x.by_id,
      at: x.at.toISOString(),
    })),
    events: events.map((e) => ({
      id: e.id,
      kind: e.kind,
      target: e.target,
      actorId: e.actor_id,
      at: e.at.toISOString(),
      data: e.data as Record<string, unknown>,
    })),
    attachments: attachments.map((a) => ({
      id: a.id,
      fileName: a.file_name,
      contentType: a.content_type,
      size: a.size,
      uploadedBy: a.uploaded_by,
      createdAt: a.created_at.toISOString(),
    })),
    articles: articles.map((a) => ({ id: a.id, title: a.title, kind: a.kind })),
    correctiveActions: actions.map(actionOut),
  };
}

// ---- update and status

const TRANSITIONS: Record<TicketStatus, TicketStatus[]> = {
  new: ['open', 'waiting_customer', 'waiting_internal', 'resolved'],
  open: ['waiting_customer', 'waiting_internal', 'resolved'],
  reopened: ['open', 'waiting_customer', 'waiting_internal', 'resolved'],
  waiting_customer: ['open', 'waiting_internal', 'resolved'],
  waiting_internal: ['open', 'waiting_customer', 'resolved'],
  resolved: ['closed', 'reopened'],
  closed: [],
};

export type UpdateTicketInput = {
  version: number;
  subject?: string;
  description?: string;
  categoryId?: number | null;
  priority?: Priority;
  status?: TicketStatus;
  needsOnsite?: boolean;
  contactName?: string | null;
  contactPhone?: string | null;
  contactEmail?: string | null;
  locale?: 'zh-CN' | 'zh-TW' | 'en';
  onsiteAt?: string | null;
};

/** Applies a status change's consequences: pauses, met targets, timeline, emails, rating link. */
async function applyStatus(tx: Tx, t: TicketRow, to: TicketStatus, set: Record<string, unknown>) {
  const from = t.status;
  if (from === to) return false;
  if (!TRANSITIONS[from].includes(to))
    throw badRequest('STATUS_TRANSITION_INVALID', `A ${from} ticket cannot become ${to}`, {
      status: 'STATUS_TRANSITION_INVALID',
    });
  const now = new Date();
  let recompute = false;
  if (to === 'waiting_customer') {
    await tx.db.insertInto('ticket_pauses').values({ ticket_id: t.id, started_at: now }).execute();
    recompute = true;
  }
  if (from === 'waiting_customer') {
    await tx.db
      .updateTable('ticket_pauses')
      .set({ ended_at: now })
      .where('ticket_id', '=', t.id)
      .where('ended_at', 'is', null)
      .execute();
    recompute = true;
  }
  if (to === 'resolved') {
    set.resolved_at = now;
    await tx.db
      .updateTable('ticket_sla_targets')
      .set({ met_at: now })
      .where('ticket_id', '=', t.id)
      .where('target', 'in', ['first_response', 'resolution', 'onsite'])
      .where('met_at', 'is', null)
      .execute();
    await timeline(tx, t, 'outbound', `工单 ${t.number} 已解决：${t.subject}`);
  }
  if (to === 'reopened') {
    set.resolved_at = null;
    await tx.db
      .updateTable('ticket_sla_targets')
      .set({ met_at: null })
      .where('ticket_id', '=', t.id)
      .where('target', '=', 'resolution')
      .execute();
    recompute = true;
  }
  if (to === 'closed') set.closed_at = now;
  await event(tx, t.id, 'status_changed', { from, to });
  return recompute;
}

async function afterStatusEmails(tx: Tx, t: TicketRow, to: TicketStatus) {
  if (to === 'resolved') await queueTicketEmail(tx.db, t, 'resolved', { agentName: tx.actor.displayName });
  if (to === 'closed') {
    const token = await createRatingToken(tx.db, t.id);
    await queueTicketEmail(tx.db, t, 'closed', {
      agentName: tx.actor.displayName,
      link: `${publicBaseUrl()}/rate/${token}`,
    });
  }
}

/**
 * A complaint is resolved only after its acceptance decision (受理 / 不受理 with the reason) and a root cause are
 * recorded, so every closed complaint counts in the root-cause report and the acceptance clock has stopped.
 */
async function assertComplaintDecided(tx: Tx, t: TicketRow) {
  const c = await tx.db
    .selectFrom('ticket_complaints')
    .select(['accepted', 'root_cause_category_id', 'root_cause_text'])
    .where('ticket_id', '=', t.id)
    .executeTakeFirst();
  const fields: Record<string, string> = {};
  if (c?.accepted == null) fields['complaint.accepted'] = 'ACCEPTANCE_DECISION_REQUIRED';
  if (c?.root_cause_category_id == null) fields['complaint.rootCauseCategoryId'] = 'ROOT_CAUSE_REQUIRED';
  if (Object.keys(fields).length)
    throw badRequest(
      'COMPLAINT_UNDECIDED',
      'A complaint is resolved after its acceptance decision and root cause are recorded',
      fields,
    );
}

export async function updateTicket(ctx: AuthedCtx, id: number, input: UpdateTicketInput) {
  const out = await withTx(ctx, async (tx0) => {
    const tx = tx0 as Tx;
    const before = await lockForWrite(tx, id, input.version);
    if (before.status === 'closed') throw conflict('TICKET_CLOSED', 'A closed ticket cannot be changed');
    const set: Record<string, unknown> = {};
    if (input.subject !== undefined) set.subject = input.subject;
    if (input.description !== undefined) set.description = input.description;
    if (input.categoryId !== undefined) set.category_id = input.categoryId;
    if (input.priority !== undefined) set.priority = input.priority;
    if (input.needsOnsite !== undefined) set.needs_onsite = input.needsOnsite;
    if (input.contactName !== undefined) set.contact_name = input.contactName;
    if (input.contactPhone !== undefined) set.contact_phone = input.contactPhone;
    if (input.contactEmail !== undefined) set.contact_email = input.contactEmail;
    if (input.locale !== undefined) set.locale = input.locale;
    if (input.onsiteAt !== undefined) {
      set.onsite_at = input.onsiteAt ? new Date(input.onsiteAt) : null;
      await tx.db
        .updateTable('ticket_sla_targets')
        .set({ met_at: (set.onsite_at as Date | null) ?? null })
        .where('ticket_id', '=', id)
        .where('target', '=', 'onsite')
        .execute();
    }
    let recompute = input.onsiteAt !== undefined;
    if (input.status && input.status !== before.status) {
      if (input.status === 'resolved' || input.status === 'closed')
        refuseUnlessFacesCustomer(tx.actor, before);
      if (input.status === 'resolved' && before.type === 'complaint')
        await assertComplaintDecided(tx, before);
      if (
        input.status === 'closed' &&
        before.first_contact_owner_id !== tx.actor.id &&
        !can(tx.actor, 'ticket.supervise')
      )
        throw forbidden('Only the first-contact owner (or a supervisor) closes the ticket with the customer');
      recompute = (await applyStatus(tx, before, input.status, set)) || recompute;
      set.status = input.status;
    }
    const after = await bump(tx, id, set);
    if (recompute) await recomputeTargets(tx.db, id);
    if (input.status && input.status !== before.status) await afterStatusEmails(tx, after, input.status);
    await audit(tx, {
      action: 'ticket.update',
      entity: 'ticket',
      entityId: id,
      branchId: before.branch_id,
      ...diff(before, after),
    });
    return after;
  });
  return ticketOut(ctx, out);
}

// ---- transfer (内转外不转)

export type TransferInput = {
  version?: number;
  toUserId?: number | null;
  toTeamId?: number | null;
  toDepartmentId?: number | null;
  reason: string;
};

async function doTransfer(tx: Tx, t: TicketRow, input: TransferInput) {
  if (t.status === 'closed' || t.status === 'resolved')
    throw conflict('TICKET_CLOSED', 'A resolved or closed ticket is not transferred; reopen it first');
  if (input.toUserId == null && input.toTeamId == null && input.toDepartmentId == null)
    throw badRequest('TRANSFER_TARGET_REQUIRED', 'Say where the work goes', {
      toUserId: 'TRANSFER_TARGET_REQUIRED',
    });
  let teamId = input.toTeamId ?? null;
  let departmentId = input.toDepartmentId ?? null;
  if (input.toUserId != null) {
    const u = await tx.db
      .selectFrom('users')
      .select(['id', 'status', 'team_id', 'department_id'])
      .where('id', '=', input.toUserId)
      .executeTakeFirst();
    if (u?.status !== 'active')
      throw badRequest('USER_INVALID', 'No such active user', { toUserId: 'USER_INVALID' });
    teamId ??= u.team_id;
    departmentId ??= u.department_id;
  }
  if (input.toTeamId != null) {
    const team = await tx.db
      .selectFrom('teams')
      .select(['id', 'department_id'])
      .where('id', '=', input.toTeamId)
      .executeTakeFirst();
    if (!team) throw badRequest('TEAM_INVALID', 'No such team', { toTeamId: 'TEAM_INVALID' });
    departmentId ??= team.department_id;
  }
  if (input.toDepartmentId != null) {
    const d = await tx.db
      .selectFrom('departments')
      .select('id')
      .where('id', '=', input.toDepartmentId)
      .executeTakeFirst();
    if (!d)
      throw badRequest('DEPARTMENT_INVALID', 'No such department', { toDepartmentId: 'DEPARTMENT_INVALID' });
  }
  await tx.db
    .insertInto('ticket_transfers')
    .values({
      ticket_id: t.id,
      from_user_id: t.assignee_id,
      from_team_id: t.team_id,
      from_department_id: t.department_id,
      to_user_id: input.toUserId ?? null,
      to_team_id: teamId,
      to_department_id: departmentId,
      reason: input.reason,
      by_id: tx.actor.id,
    })
    .execute();
  // The work moves; the first-contact owner — the customer's one contact — never does.
  const after = await bump(tx, t.id, {
    assignee_id: input.toUserId ?? null,
    team_id: teamId,
    department_id: departmentId,
    ...(t.status === 'new' && { status: 'open' }),
  });
  await event(tx, t.id, 'transferred', {
    fromUserId: t.assignee_id,
    toUserId: input.toUserId ?? null,
    toTeamId: teamId,
    toDepartmentId: departmentId,
    reason: input.reason,
  });
  if (input.toUserId != null && input.toUserId !== tx.actor.id)
    await notify(tx.db, [input.toUserId], {
      kind: 'transferred',
      ticketId: t.id,
      title: `${t.number} 转给您处理：${t.subject}`,
      body: input.reason,
      params: { number: t.number, subject: t.subject },
    });
  await audit(tx, {
    action: 'ticket.transfer',
    entity: 'ticket',
    entityId: t.id,
    branchId: t.branch_id,
    before: { assigneeId: t.assignee_id, teamId: t.team_id, departmentId: t.department_id },
    after: { assigneeId: after.assignee_id, teamId: after.team_id, departmentId: after.department_id },
    meta: { reason: input.reason },
  });
  return after;
}

function mayMoveWork(actor: Actor, t: TicketRow) {
  return (
    can(actor, 'ticket.assign') ||
    t.first_contact_owner_id === actor.id ||
    t.assignee_id === actor.id ||
    (actor.roles.includes('department_staff') && t.department_id === actor.departmentId)
  );
}

/**
 * The ticket an actor may call the customer about (拨打, POST /api/calls/reveal): one they see (ticketVisibility)
 * and work — its owner, its assignee, its department's staff, or someone who assigns work (mayMoveWork).
 * Returns whom to call: the ticket's customer and the contact phone given on the ticket.
 */
export async function ticketToCall(ctx: AuthedCtx, id: number) {
  requirePermission(ctx.actor, 'ticket.write');
  const t = await loadTicket(ctx, id);
  if (!mayMoveWork(ctx.actor, t))
    throw forbidden('Only the owner, the assignee, the department working it or a supervisor calls about it');
  return { customerId: t.customer_id, branchId: t.branch_id, contactPhone: t.contact_phone };
}

/**
 * 内转外不转: the customer keeps one contact. Replying to the customer, logging what they said, resolving and
 * closing stay with the first-contact owner (or a supervisor); department staff the work was routed to add
 * internal notes and hand the work back.
 */
export function mayFaceCustomer(actor: Actor, t: Pick<TicketRow, 'first_contact_owner_id'>) {
  return (
    t.first_contact_owner_id === actor.id ||
    can(actor, 'ticket.supervise') ||
    !actor.roles.includes('department_staff')
  );
}

function refuseUnlessFacesCustomer(actor: Actor, t: TicketRow) {
  if (!mayFaceCustomer(actor, t))
    throw forbidden('Department staff answer the owner (note, hand back); the owner answers the customer');
}

/** The work is away from the owner: with someone else, another team or a department. */
const workIsAway = (t: TicketRow) => t.assignee_id !== t.first_contact_owner_id || t.department_id != null;

/** Who may hand the work back (回转): whoever holds it now — the assignee, their department's staff — or a supervisor. */
function mayHandBack(actor: Actor, t: TicketRow) {
  if (t.first_contact_owner_id === actor.id && !can(actor, 'ticket.assign')) return false;
  return (
    can(actor, 'ticket.assign') ||
    (t.assignee_id != null && t.assignee_id === actor.id) ||
    (actor.roles.includes('department_staff') && t.department_id === actor.departmentId)
  );
}

/** A person as the ticket page shows them: name and team (or department), never a bare id. */
async function people(ctx: Ctx, ids: (number | null | undefined)[]) {
  const want = [...new Set(ids.filter((x): x is number => x != null))];
  if (!want.length) return [];
  const rows = await ctx.db
    .selectFrom('users')
    .leftJoin('teams', 'teams.id', 'users.team_id')
    .leftJoin('departments', 'departments.id', 'users.department_id')
    .select([
      'users.id',
      'users.display_name',
      'teams.name as team_name',
      'departments.name as department_name',
    ])
    .where('users.id', 'in', want)
    .orderBy('users.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.display_name,
    teamName: r.team_name,
    departmentName: r.department_name,
  }));
}
const personLabel = (
  p: { name: string; teamName: string | null; departmentName: string | null } | undefined,
) => (p ? { by: p.name, team: p.teamName ?? p.departmentName ?? null } : { by: null, team: null });

export async function transferTicket(ctx: AuthedCtx, id: number, input: TransferInput) {
  const after = await withTx(ctx, async (tx0) => {
    const tx = tx0 as Tx;
    const t = await lockForWrite(tx, id, input.version);
    if (!mayMoveWork(tx.actor, t))
      throw forbidden('Only the owner, the current assignee or a supervisor passes the work on');
    return doTransfer(tx, t, input);
  });
  return ticketOut(ctx, after);
}

// ---- hand back (回转)

export type HandBackInput = { version?: number; answer: string };

/**
 * The department answers and returns the work to the first-contact owner: a hop of kind hand_back whose reason is
 * the answer, an event on the ticket's history, the owner told. The owner then answers the customer.
 */
export async function handBackTicket(ctx: AuthedCtx, id: number, input: HandBackInput) {
  const after = await withTx(ctx, async (tx0) => {
    const tx = tx0 as Tx;
    const t = await lockForWrite(tx, id, input.version);
    if (!mayHandBack(tx.actor, t))
      throw forbidden('Only whoever holds the work (or a supervisor) hands it back to the owner');
    if (t.status === 'closed' || t.status === 'resolved')
      throw conflict('TICKET_CLOSED', 'A resolved or closed ticket is not handed back');
    if (!workIsAway(t)) throw conflict('NOT_TRANSFERRED', 'The work is with the first-contact owner already');
    const owner = await tx.db
      .selectFrom('users')
      .select(['id', 'team_id'])
      .where('id', '=', t.first_contact_owner_id)
      .executeTakeFirstOrThrow();
    await tx.db
      .insertInto('ticket_transfers')
      .values({
        ticket_id: t.id,
        kind: 'hand_back',
        from_user_id: t.assignee_id,
        from_team_id: t.team_id,
        from_department_id: t.department_id,
        to_user_id: owner.id,
        to_team_id: owner.team_id,
        to_department_id: null,
        reason: input.answer,
        by_id: tx.actor.id,
      })
      .execute();
    const back = await bump(tx, t.id, {
      assignee_id: owner.id,
      team_id: owner.team_id,
      department_id: null,
      ...((t.status === 'new' || t.status === 'waiting_internal') && { status: 'open' }),
    });
    if (back.status !== t.status)
      await event(tx, t.id, 'status_changed', { from: t.status, to: back.status });
    await event(tx, t.id, 'handed_back', {
      fromUserId: t.assignee_id,
      fromDepartmentId: t.department_id,
      toUserId: owner.id,
      answer: input.answer,
    });
    if (owner.id !== tx.actor.id) {
      const [me] = await people(tx, [tx.actor.id]);
      await notify(tx.db, [owner.id], {
        kind: 'handed_back',
        ticketId: t.id,
        title: `${t.number} ${t.subject}`,
        body: input.answer.slice(0, 500),
        params: { number: t.number, subject: t.subject, ...personLabel(me) },
      });
    }
    await audit(tx, {
      action: 'ticket.hand_back',
      entity: 'ticket',
      entityId: t.id,
      branchId: t.branch_id,
      before: { assigneeId: t.assignee_id, teamId: t.team_id, departmentId: t.department_id },
      after: { assigneeId: back.assignee_id, teamId: back.team_id, departmentId: back.department_id },
      meta: { answer: input.answer },
    });
    return back;
  });
  return ticketOut(ctx, after);
}

export async function bulkAssign(
  ctx: AuthedCtx,
  input: { ticketIds: number[]; assigneeId: number; reason: string },
) {
  requirePermission(ctx.actor, 'ticket.assign', 'ticket.write');
  await checkUser(ctx, input.assigneeId, 'assigneeId');
  const assigned: number[] = [];
  const failed: { id: number; code: string }[] = [];
  for (const id of [...new Set(input.ticketIds)]) {
    try {
      await withTx(ctx, async (tx0) => {
        const tx = tx0 as Tx;
        const t = await lockForWrite(tx, id, undefined);
        await doTransfer(tx, t, { toUserId: input.assigneeId, reason: input.reason });
      });
      assigned.push(id);
    } catch (e) {
      if (e instanceof AppError) failed.push({ id, code: e.code });
      else throw e;
    }
  }
  return { assigned, failed };
}

// ---- thread

export async function addMessage(
  ctx: AuthedCtx,
  id: number,
  input: { visibility: 'public' | 'internal'; direction?: 'outbound' | 'inbound'; body: string },
) {
  const res = await withTx(ctx, async (tx0) => {
    const tx = tx0 as Tx;
    const t = await lockForWrite(tx, id, undefined);
    if (input.visibility === 'public') refuseUnlessFacesCustomer(tx.actor, t);
    if (t.status === 'closed') throw conflict('TICKET_CLOSED', 'A closed ticket takes no more messages');
    const direction = input.visibility === 'internal' ? 'internal' : (input.direction ?? 'outbound');
    const m = await tx.db
      .insertInto('ticket_messages')
      .values({
        ticket_id: id,
        visibility: input.visibility,
        direction,
        author_id: tx.actor.id,
        body: input.body,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const set: Record<string, unknown> = {};
    let recompute = false;
    if (direction === 'outbound') {
      if (!t.first_responded_at) {
        set.first_responded_at = m.created_at;
        await tx.db
          .updateTable('ticket_sla_targets')
          .set({ met_at: m.created_at })
          .where('ticket_id', '=', id)
          .where('target', '=', 'first_response')
          .where('met_at', 'is', null)
          .execute();
      }
      if (t.status === 'new' || t.status === 'reopened') {
        await event(tx, id, 'status_changed', { from: t.status, to: 'open' });
        set.status = 'open';
      }
    }
    if (direction === 'inbound' && t.status === 'waiting_customer') {
      // The customer answered: the clock runs again.
      await tx.db
        .updateTable('ticket_pauses')
        .set({ ended_at: m.created_at })
        .where('ticket_id', '=', id)
        .where('ended_at', 'is', null)
        .execute();
      await event(tx, id, 'status_changed', { from: t.status, to: 'open' });
      set.status = 'open';
      recompute = true;
    }
    const after = Object.keys(set).length ? await bump(tx, id, set) : t;
    if (recompute) await recomputeTargets(tx.db, id);
    const emailed =
      direction === 'outbound'
        ? await queueTicketEmail(tx.db, after, 'reply', {
            message: input.body,
            agentName: tx.actor.displayName,
          })
        : null;
    // A public message is a contact with the customer. A reply that goes out by email is recorded when the email is
    // sent (sendTicketEmail); any other one — the customer's words, a reply given on the ticket's channel — now.
    if (direction !== 'internal' && emailed == null)
      await timeline(
        tx,
        t,
        direction,
        `工单 ${t.number} ${direction === 'inbound' ? '客户留言' : '答复'}：${input.body}`,
      );
    // 首问负责: the owner is told of every internal note others add to their ticket.
    if (direction === 'internal' && t.first_contact_owner_id !== tx.actor.id) {
      const [me] = await people(tx, [tx.actor.id]);
      await notify(tx.db, [t.first_contact_owner_id], {
        kind: 'note',
        ticketId: id,
        title: `${t.number} ${t.subject}`,
        body: input.body.slice(0, 500),
        params: { number: t.number, subject: t.subject, ...personLabel(me) },
      });
    }
    await audit(tx, {
      action: 'ticket.message',
      entity: 'ticket',
      entityId: id,
      branchId: t.branch_id,
      meta: { messageId: m.id, visibility: input.visibility, direction },
    });
    return m;
  });
  return {
    id: res.id,
    visibility: res.visibility,
    direction: res.direction,
    authorId: res.author_id,
    authorName: ctx.actor.displayName,
    body: res.body,
    createdAt: res.created_at.toISOString(),
  };
}

// ---- attachments

export async function addAttachment(ctx: AuthedCtx, id: number, file: { fileName: string; data: Buffer }) {
  // The one file policy (platform/files.ts): the type read from the content, the allow-list, the size limit.
  const { filename, contentType } = await checkUpload('attachment', {
    filename: file.fileName,
    content: file.data,
  });
  return withTx(ctx, async (tx0) => {
    const tx = tx0 as Tx;
    const t = await lockForWrite(tx, id, undefined);
    const a = await tx.db
      .insertInto('ticket_attachments')
      .values({
        ticket_id: id,
        file_name: filename,
        content_type: contentType,
        size: file.data.length,
        data: file.data,
        uploaded_by: tx.actor.id,
      })
      .returning(['id', 'file_name', 'content_type', 'size', 'uploaded_by', 'created_at'])
      .executeTakeFirstOrThrow();
    await audit(tx, {
      action: 'ticket.attachment.add',
      entity: 'ticket',
      entityId: id,
      branchId: t.branch_id,
      meta: { attachmentId: a.id, fileName: a.file_name, size: a.size },
    });
    return {
      id: a.id,
      fileName: a.file_name,
      contentType: a.content_type,
      size: a.size,
      uploadedBy: a.uploaded_by,
      createdAt: a.created_at.toISOString(),
    };
  });
}

/** The file with the headers to serve it safely (platform/files.ts: the name masked, its unmasked read audited). */
export async function getAttachment(ctx: AuthedCtx, id: number, attachmentId: number) {
  requirePermission(ctx.actor, 'ticket.read');
  const t = await loadTicket(ctx, id);
  const a = await ctx.db
    .selectFrom('ticket_attachments')
    .selectAll()
    .where('id', '=', attachmentId)
    .where('ticket_id', '=', id)
    .executeTakeFirst();
  if (!a) throw notFound('ATTACHMENT_NOT_FOUND', 'Attachment not found');
  const headers = await downloadHeaders(
    ctx,
    { filename: a.file_name, contentType: a.content_type, size: a.data.length },
    { customerId: t.customer_id, branchId: t.branch_id, meta: { ticketId: id, attachmentId } },
  );
  return { content: a.data, headers };
}

// ---- knowledge links and macros

export async function linkArticle(ctx: AuthedCtx, id: number, articleId: number) {
  await withTx(ctx, async (tx0) => {
    const tx = tx0 as Tx;
    const t = await lockForWrite(tx, id, undefined);
    const a = await tx.db
      .selectFrom('kb_articles')
      .select(['id', 'status'])
      .where('id', '=', articleId)
      .executeTakeFirst();
    if (!a || (a.status !== 'published' && !can(tx.actor, 'kb.write')))
      throw badRequest('ARTICLE_NOT_FOUND', 'No such article', { articleId: 'ARTICLE_NOT_FOUND' });
    await tx.db
      .insertInto('ticket_article_links')
      .values({ ticket_id: id, article_id: articleId, linked_by: tx.actor.id })
      .onConflict((oc) => oc.columns(['ticket_id', 'article_id']).doNothing())
      .execute();
    await audit(tx, {
      action: 'ticket.article.link',
      entity: 'ticket',
      entityId: id,
      branchId: t.branch_id,
      meta: { articleId },
    });
  });
  return { ok: true as const };
}

export async function unlinkArticle(ctx: AuthedCtx, id: number, articleId: number) {
  await withTx(ctx, async (tx0) => {
    const tx = tx0 as Tx;
    const t = await lockForWrite(tx, id, undefined);
    await tx.db
      .deleteFrom('ticket_article_links')
      .where('ticket_id', '=', id)
      .where('article_id', '=', articleId)
      .execute();
    await audit(tx, {
      action: 'ticket.article.unlink',
      entity: 'ticket',
      entityId: id,
      branchId: t.branch_id,
      meta: { articleId },
    });
  });
  return { ok: true as const };
}

export async function renderMacroForTicket(ctx: AuthedCtx, id: number, macroId: number) {
  requirePermission(ctx.actor, 'ticket.read', 'kb.read');
  const t = await loadTicket(ctx, id);
  const m = await ctx.db
    .selectFrom('kb_macros')
    .select(['body', 'active'])
    .where('id', '=', macroId)
    .executeTakeFirst();
  if (!m?.active) throw notFound('MACRO_NOT_FOUND', 'Reply template not found');
  const customer = t.customer_id
    ? await ctx.db
        .selectFrom('customers')
        .select(['name', 'code'])
        .where('id', '=', t.customer_id)
        .executeTakeFirst()
    : undefined;
  return {
    body: renderTemplate(m.body, {
      'customer.name': customer?.name ?? t.contact_name,
      'customer.code': customer?.code,
      'contact.name': t.contact_name,
      'ticket.number': t.number,
      'ticket.subject': t.subject,
      'agent.name': ctx.actor.displayName,
    }),
  };
}

// ---- complaints

export type ComplaintInput = {
  version: number;
  severity?: 'minor' | 'normal' | 'major' | 'critical';
  source?: 'own_channel' | 'regulator_hotline' | 'industry_association' | 'media';
  regulatorRef?: string | null;
  accepted?: boolean;
  notAcceptedReason?: string | null;
  resolution?: string | null;
  compensationAmount?: number | null;
  compensationNote?: string | null;
  customerAccepted?: boolean | null;
  rootCauseCategoryId?: number | null;
  rootCauseText?: string | null;
};

export async function updateComplaint(ctx: AuthedCtx, id: number, input: ComplaintInput) {
  const after = await withTx(ctx, async (tx0) => {
    const tx = tx0 as Tx;
    const t = await lockForWrite(tx, id, input.version);
    if (t.type !== 'complaint') throw badRequest('NOT_A_COMPLAINT', 'This ticket is not a complaint');
    const before = await tx.db
      .selectFrom('ticket_complaints')
      .selectAll()
      .where('ticket_id', '=', id)
      .executeTakeFirstOrThrow();
    const set: Record<string, unknown> = {};
    if (input.severity !== undefined) set.severity = input.severity;
    if (input.source !== undefined) set.source = input.source;
    if (input.regulatorRef !== undefined) set.regulator_ref = input.regulatorRef;
    if (input.resolution !== undefined) set.resolution = input.resolution;
    if (input.compensationAmount !== undefined) set.compensation_amount = input.compensationAmount;
    if (input.compensationNote !== undefined) set.compensation_note = input.compensationNote;
    if (input.customerAccepted !== undefined) set.customer_accepted = input.customerAccepted;
    if (input.rootCauseText !== undefined) set.root_cause_text = input.rootCauseText;
    if (input.rootCauseCategoryId !== undefined) {
      if (input.rootCauseCategoryId != null) {
        const c = await tx.db
          .selectFrom('root_cause_categories')
          .select('id')
          .where('id', '=', input.rootCauseCategoryId)
          .executeTakeFirst();
        if (!c)
          throw badRequest('ROOT_CAUSE_NOT_FOUND', 'No such root cause', {
            rootCauseCategoryId: 'ROOT_CAUSE_NOT_FOUND',
          });
      }
      set.root_cause_category_id = input.rootCauseCategoryId;
    }
    if (input.accepted !== undefined) {
      if (before.accepted !== null && before.accepted !== input.accepted)
        throw conflict('ACCEPTANCE_DECIDED', 'The acceptance decision has been made already');
      if (input.accepted === false && !input.notAcceptedReason?.trim())
        throw badRequest('REASON_REQUIRED', 'Say why the complaint is not accepted', {
          notAcceptedReason: 'REASON_REQUIRED',
        });
      if (before.accepted === null) {
        const now = new Date();
        set.accepted = input.accepted;
        set.not_accepted_reason = input.accepted ? null : input.notAcceptedReason;
        set.acceptance_decided_at = now;
        set.acceptance_decided_by = tx.actor.id;
        await tx.db
          .updateTable('ticket_sla_targets')
          .set({ met_at: now })
          .where('ticket_id', '=', id)
          .where('target', '=', 'acceptance')
          .where('met_at', 'is', null)
          .execute();
        await event(tx, id, input.accepted ? 'complaint_accepted' : 'complaint_not_accepted', {
          reason: input.notAcceptedReason ?? null,
        });
      }
    }
    if (Object.keys(set).length) {
      const row = await tx.db
        .updateTable('ticket_complaints')
        .set(set)
        .where('ticket_id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await audit(tx, {
        action: 'ticket.complaint.update',
        entity: 'ticket',
        entityId: id,
        branchId: t.branch_id,
        ...diff(before, row),
      });
    }
    return bump(tx, id);
  });
  return ticketOut(ctx, after);
}

const actionOut = (a: any) => ({
  id: a.id,
  ticketId: a.ticket_id,
  description: a.description,
  ownerId: a.owner_id,
  dueDate: typeof a.due_date === 'string' ? a.due_date : a.due_date.toISOString().slice(0, 10),
  completedAt: iso(a.completed_at),
  late:
    !a.completed_at &&
    localDateTime(
      typeof a.due_date === 'string' ? a.due_date : a.due_date.toISOString().slice(0, 10),
      '23:59:59',
    ) < new Date(),
});

const actionCols = [
  'id',
  'ticket_id',
  'description',
  'owner_id',
  sql<string>`to_char(due_date, 'YYYY-MM-DD')`.as('due_date'),
  'completed_at',
] as const;

export async function addCorrectiveAction(
  ctx: AuthedCtx,
  id: number,
  input: { description: string; ownerId: number; dueDate: string },
) {
  return withTx(ctx, async (tx0) => {
    const tx = tx0 as Tx;
    const t = await lockForWrite(tx, id, undefined);
    await checkUser(tx, input.ownerId, 'ownerId');
    const a = await tx.db
      .insertInto('corrective_actions')
      .values({
        ticket_id: id,
        description: input.description,
        owner_id: input.ownerId,
        due_date: input.dueDate,
        created_by: tx.actor.id,
      })
      .returning(actionCols)
      .executeTakeFirstOrThrow();
    await event(tx, id, 'corrective_action_added', {
      actionId: a.id,
      ownerId: input.ownerId,
      dueDate: input.dueDate,
    });
    await audit(tx, {
      action: 'ticket.action.add',
      entity: 'ticket',
      entityId: id,
      branchId: t.branch_id,
      after: actionOut(a),
    });
    return actionOut(a);
  });
}

export async function updateCorrectiveAction(
  ctx: AuthedCtx,
  id: number,
  actionId: number,
  input: { description?: string; ownerId?: number; dueDate?: string; completed?: boolean },
) {
  return withTx(ctx, async (tx0) => {
    const tx = tx0 as Tx;
    const t = await lockForWrite(tx, id, undefined);
    const before = await tx.db
      .selectFrom('corrective_actions')
      .select(actionCols)
      .where('id', '=', actionId)
      .where('ticket_id', '=', id)
      .executeTakeFirst();
    if (!before) throw notFound('ACTION_NOT_FOUND', 'Corrective action not found');
    if (input.ownerId !== undefined) await checkUser(tx, input.ownerId, 'ownerId');
    const row = await tx.db
      .updateTable('corrective_actions')
      .set({
        ...(input.description !== undefined && { description: input.description }),
        ...(input.ownerId !== undefined && { owner_id: input.ownerId }),
        ...(input.dueDate !== undefined && { due_date: input.dueDate }),
        ...(input.completed !== undefined && {
          completed_at: input.completed ? (before.completed_at ?? new Date()) : null,
        }),
      })
      .where('id', '=', actionId)
      .returning(actionCols)
      .executeTakeFirstOrThrow();
    await audit(tx, {
      action: 'ticket.action.update',
      entity: 'ticket',
      entityId: id,
      branchId: t.branch_id,
      ...diff(before, row),
    });
    return actionOut(row);
  });
}

/** Recurring root causes by period, with how many corrective actions are open and how many are late. */
export async function rootCauseReport(
  ctx: AuthedCtx,
  q: { from?: string; to?: string; period: 'month' | 'quarter' | 'year' },
) {
  if (!can(ctx.actor, 'report.read') && !can(ctx.actor, 'ticket.supervise'))
    requirePermission(ctx.actor, 'report.read');
  const unit = sql.lit(q.period);
  let query = ctx.db
    .selectFrom('ticket_complaints as c')
    .innerJoin('tickets', 'tickets.id', 'c.ticket_id')
    .innerJoin('root_cause_categories as r', 'r.id', 'c.root_cause_category_id')
    .select([
      sql<string>`to_char(date_trunc(${unit}, tickets.received_at at time zone ${zoneSql()}), 'YYYY-MM-DD')`.as(
        'period',
      ),
      'r.id as category_id',
      'r.name as category_name',
      sql<number>`count(distinct tickets.id)`.as('complaints'),
      sql<number>`(select count(*) from corrective_actions a join ticket_complaints c2 on c2.ticket_id = a.ticket_id join tickets t2 on t2.id = c2.ticket_id
          where c2.root_cause_category_id = r.id and a.completed_at is null
            and date_trunc(${unit}, t2.received_at at time zone ${zoneSql()}) = date_trunc(${unit}, min(tickets.received_at) at time zone ${zoneSql()}))`.as(
        'open_actions',
      ),
      sql<number>`(select count(*) from corrective_actions a join ticket_complaints c2 on c2.ticket_id = a.ticket_id join tickets t2 on t2.id = c2.ticket_id
          where c2.root_cause_category_id = r.id and a.completed_at is null and a.due_date < ${localToday()}
            and date_trunc(${unit}, t2.received_at at time zone ${zoneSql()}) = date_trunc(${unit}, min(tickets.received_at) at time zone ${zoneSql()}))`.as(
        'late_actions',
      ),
    ])
    .where(ticketVisibility(ctx.actor) as any);
  if (q.from) query = query.where('tickets.received_at', '>=', new Date(q.from));
  if (q.to) query = query.where('tickets.received_at', '<', new Date(q.to));
  const rows = await query
    .groupBy([sql`1`, 'r.id', 'r.name'])
    .orderBy(sql`1`, 'desc')
    .orderBy(sql`4`, 'desc')
    .limit(1000)
    .execute();
  return rows.map((r) => ({
    period: r.period,
    categoryId: r.category_id,
    categoryName: r.category_name,
    complaints: Number(r.complaints),
    openActions: Number(r.open_actions),
    lateActions: Number(r.late_actions),
    recurring: Number(r.complaints) > 1,
  }));
}

// ---- queues

export const VIEWS = ['all', 'mine', 'team', 'unassigned', 'breaching_soon', 'breached'] as const;
export type View = (typeof VIEWS)[number];

export type ListQuery = {
  view?: View;
  type?: TicketType;
  status?: TicketStatus;
  priority?: Priority;
  customerId?: number;
  assigneeId?: number;
  q?: string;
  cursor?: string;
  limit: number;
};

function baseQuery(ctx: AuthedCtx, view: View, q: Omit<ListQuery, 'limit' | 'cursor' | 'view'>) {
  const a = ctx.actor;
  const now = new Date();
  let query = ctx.db.selectFrom('tickets').where(ticketVisibility(a));
  const open = ['new', 'open', 'waiting_customer', 'waiting_internal', 'reopened'] as TicketStatus[];
  if (view === 'mine')
    query = query
      .where((eb) =>
        eb.or([eb('tickets.first_contact_owner_id', '=', a.id), eb('tickets.assignee_id', '=', a.id)]),
      )
      .where('tickets.status', 'in', [...open, 'resolved']);
  if (view === 'team')
    query =
      a.teamId == null
        ? query.where(sql<boolean>`false`)
        : query.where('tickets.team_id', '=', a.teamId).where('tickets.status', 'in', open);
  if (view === 'unassigned')
    query = query.where('tickets.assignee_id', 'is', null).where('tickets.status', 'in', open);
  if (view === 'breaching_soon' || view === 'breached')
    query = query.where('tickets.status', 'in', open).where((eb) =>
      eb.exists(
        eb
          .selectFrom('ticket_sla_targets as s')
          .select(sql`1`.as('x'))
          .whereRef('s.ticket_id', '=', 'tickets.id')
          .where('s.met_at', 'is', null)
          .where((e2) =>
            view === 'breached'
              ? e2('s.due_at', '<=', now)
              : e2.and([e2('s.warn_at', '<=', now), e2('s.due_at', '>', now)]),
          ),
      ),
    );
  if (q.type) query = query.where('tickets.type', '=', q.type);
  if (q.status) query = query.where('tickets.status', '=', q.status);
  if (q.priority) query = query.where('tickets.priority', '=', q.priority);
  if (q.customerId) query = query.where('tickets.customer_id', '=', q.customerId);
  if (q.assigneeId) query = query.where('tickets.assignee_id', '=', q.assigneeId);
  if (q.q) {
    const like = `%${q.q.replace(/[\\%_]/g, '\\$&')}%`;
    query = query.where((eb) =>
      eb.or([eb('tickets.subject', 'ilike', like), eb('tickets.number', 'ilike', like)]),
    );
  }
  return query;
}

export async function listTickets(ctx: AuthedCtx, q: ListQuery) {
  requirePermission(ctx.actor, 'ticket.read');
  let query = baseQuery(ctx, q.view ?? 'all', q).selectAll('tickets');
  const after = decodeCursor(q.cursor);
  if (after) query = query.where('tickets.id', '<', Number(after[0]));
  const rows = await query
    .orderBy('tickets.id', 'desc')
    .limit(q.limit + 1)
    .execute();
  const more = rows.length > q.limit;
  const items = rows.slice(0, q.limit);
  const now = new Date();
  return {
    items: await ticketsOut(ctx, items, now),
    nextCursor: more ? encodeCursor([items[items.length - 1].id]) : null,
  };
}

const COUNT_CAP = 1000;

/** Counts of the queues, each bounded (reads at most COUNT_CAP rows), so the badge stays fast at any size. */
export async function queueCounts(ctx: AuthedCtx) {
  requirePermission(ctx.actor, 'ticket.read');
  const count = async (view: View, type?: TicketType) => {
    const sub = baseQuery(ctx, view, { type })
      .select('tickets.id')
      .where('tickets.status', '<>', 'closed')
      .limit(COUNT_CAP)
      .as('x');
    const r = await ctx.db
      .selectFrom(sub)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  };
  const [mine, team, unassigned, breachingSoon, breached, ...types] = await Promise.all([
    count('mine'),
    count('team'),
    count('unassigned'),
    count('breaching_soon'),
    count('breached'),
    ...(['consultation', 'service_request', 'complaint', 'suggestion', 'fault'] as const).map((t) =>
      count('all', t),
    ),
  ]);
  return {
    cap: COUNT_CAP,
    mine,
    team,
    unassigned,
    breachingSoon,
    breached,
    byType: {
      consultation: types[0],
      service_request: types[1],
      complaint: types[2],
      suggestion: types[3],
      fault: types[4],
    },
  };
}

// ---- saved views (kept by the customers module, entity 'tickets')

export async function listSavedViews(ctx: AuthedCtx) {
  requirePermission(ctx.actor, 'ticket.read');
  return listViewsOf(ctx, 'tickets');
}

export async function saveView(ctx: AuthedCtx, input: { name: string; query: Record<string, unknown> }) {
  requirePermission(ctx.actor, 'ticket.read');
  return saveViewOf(ctx, 'tickets', input);
}

export async function deleteSavedView(ctx: AuthedCtx, id: number) {
  requirePermission(ctx.actor, 'ticket.read');
  await deleteViewOf(ctx, 'tickets', id);
  return { ok: true as const };
}

// Who may call the service-desk routes. Every built-in role reads tickets (ticket.read; what each sees is then
// scoped by branch, ownership and routing); working them needs ticket.write (administrator, supervisor, agent,
// account manager, department staff); bulk assignment ticket.assign; the root-cause report report.read or
// ticket.supervise; calendars' and SLA policies' administration admin.settings. The rating page is public.
import type { TestApp } from '../../test/app.ts';
import { uniq, userId } from '../../test/fixtures.ts';
import { addCases, type Caller, type RoleCode } from '../../test/permission-table.ts';

const WRITE: RoleCode[] = ['admin', 'supervisor', 'agent', 'account_manager', 'department_staff'];
const SUPERVISE: RoleCode[] = ['admin', 'supervisor'];
const REPORT: RoleCode[] = ['admin', 'supervisor', 'branch_manager', 'compliance', 'readonly'];

/** A ticket the caller owns when they may write tickets (so they may also move its work), else the admin's. */
async function ticket(t: TestApp, caller: Caller, body: Record<string, unknown> = {}) {
  const who = caller && WRITE.includes(caller.role) ? caller.username : 'admin';
  const r = await t.call(await t.login(who), 'POST', '/api/tickets', {
    type: 'consultation',
    channel: 'phone_in',
    subject: '权限测试',
    ...body,
  });
  if (r.status !== 200) throw new Error(`ticket: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as { id: number; version: number; firstContactOwnerId: number };
}
async function article(t: TestApp) {
  const r = await t.call(await t.login('admin'), 'POST', '/api/kb/articles', {
    kind: 'faq',
    title: uniq('交易时间'),
    body: '日盘 9:00–11:30、13:30–15:00',
    status: 'published',
  });
  return r.body.id as number;
}
const tree = async (t: TestApp, path: string) =>
  (await t.call(await t.login('admin'), 'POST', path, { name: uniq('类') })).body.id as number;
async function policy(t: TestApp) {
  const r = await t.call(await t.login('admin'), 'POST', '/api/sla-policies', {
    name: uniq('策略'),
    ticketType: 'suggestion',
    firstResponseMinutes: 60,
    resolutionMinutes: 600,
  });
  return r.body as { id: number; version: number };
}
async function action(t: TestApp, caller: Caller) {
  const tk = await ticket(t, caller, { type: 'complaint' });
  const r = await t.call(await t.login('admin'), 'POST', `/api/tickets/${tk.id}/corrective-actions`, {
    description: '整改',
    ownerId: await userId(t, 'agent'),
    dueDate: '2026-12-31',
  });
  return { ticketId: tk.id, actionId: r.body.id as number };
}

addCases([
  { route: 'GET /api/ticket-categories', allowed: 'everyone' },
  {
    route: 'POST /api/ticket-categories',
    allowed: ['admin'],
    request: async () => ({ url: '/api/ticket-categories', body: { name: uniq('类') } }),
  },
  {
    route: 'PATCH /api/ticket-categories/:id',
    allowed: ['admin'],
    request: async (t) => ({
      url: `/api/ticket-categories/${await tree(t, '/api/ticket-categories')}`,
      body: { active: false },
    }),
  },
  { route: 'GET /api/root-cause-categories', allowed: 'everyone' },
  {
    route: 'POST /api/root-cause-categories',
    allowed: SUPERVISE,
    request: async () => ({ url: '/api/root-cause-categories', body: { name: uniq('根因') } }),
  },
  {
    route: 'PATCH /api/root-cause-categories/:id',
    allowed: SUPERVISE,
    request: async (t) => ({
      url: `/api/root-cause-categories/${await tree(t, '/api/root-cause-categories')}`,
      body: { name: uniq('根因') },
    }),
  },
  { route: 'GET /api/sla-policies', allowed: 'everyone' },
  {
    route: 'POST /api/sla-policies',
    allowed: ['admin'],
    request: async () => ({
      url: '/api/sla-policies',
      body: { name: uniq('策略'), firstResponseMinutes: 120, resolutionMinutes: 1440 },
    }),
  },
  {
    route: 'PATCH /api/sla-policies/:id',
    allowed: ['admin'],
    request: async (t) => {
      const p = await policy(t);
      return { url: `/api/sla-policies/${p.id}`, body: { warnShare: 0.7, version: p.version } };
    },
  },
  { route: 'GET /api/tickets', allowed: 'everyone' },
  { route: 'GET /api/tickets/queues', allowed: 'everyone' },
  { route: 'GET /api/tickets/views', allowed: 'everyone' },
  {
    route: 'POST /api/tickets/views',
    allowed: 'everyone',
    request: async () => ({
      url: '/api/tickets/views',
      body: { name: uniq('视图'), query: { view: 'mine' } },
    }),
  },
  {
    route: 'DELETE /api/tickets/views/:id',
    allowed: 'everyone',
    request: async (t, caller) => {
      const r = await t.call(await t.login(caller?.username ?? 'admin'), 'POST', '/api/tickets/views', {
        name: uniq('视图'),
        query: {},
      });
      return { url: `/api/tickets/views/${r.body.id}` };
    },
  },
  {
    route: 'POST /api/tickets/bulk-assign',
    allowed: SUPERVISE,
    request: async (t) => ({
      url: '/api/tickets/bulk-assign',
      body: { ticketIds: [(await ticket(t, null)).id], assigneeId: await userId(t, 'agent'), reason: '分派' },
    }),
    tables: ['ticket_transfers'],
  },
  { route: 'GET /api/tickets/reports/root-causes', allowed: REPORT },
  {
    route: 'GET /api/tickets/ratings/agents/:id',
    allowed: 'everyone',
    request: async (t, caller) => ({
      url: `/api/tickets/ratings/agents/${await userId(t, caller?.username ?? 'admin')}`,
    }),
  },
  {
    route: 'POST /api/tickets',
    allowed: WRITE,
    request: async () => ({
      url: '/api/tickets',
      body: { type: 'suggestion', channel: 'portal', subject: '建议增加夜盘提醒' },
    }),
  },
  {
    route: 'GET /api/tickets/:id',
    allowed: 'everyone',
    request: async (t, c) => ({ url: `/api/tickets/${(await ticket(t, c)).id}` }),
  },
  {
    route: 'GET /api/tickets/:id/summary',
    allowed: 'everyone',
    request: async (t, c) => ({ url: `/api/tickets/${(await ticket(t, c)).id}/summary` }),
  },
  {
    route: 'PATCH /api/tickets/:id',
    allowed: WRITE,
    request: async (t, c) => {
      const tk = await ticket(t, c);
      return { url: `/api/tickets/${tk.id}`, body: { version: tk.version, priority: 'high' } };
    },
  },
  {
    route: 'POST /api/tickets/:id/transfer',
    allowed: WRITE,
    request: async (t, c) => {
      const tk = await ticket(t, c);
      return {
        url: `/api/tickets/${tk.id}/transfer`,
        body: { toUserId: await userId(t, 'agent2'), reason: '转交' },
      };
    },
    tables: ['ticket_transfers'],
  },
  {
    // The admin's ticket, its work passed to the caller: whoever holds the work hands it back to the owner.
    route: 'POST /api/tickets/:id/hand-back',
    allowed: WRITE,
    request: async (t, c) => {
      const tk = await ticket(t, null);
      const holder = !c || c.role === 'admin' ? 'agent2' : c.username;
      const r = await t.call(await t.login('admin'), 'POST', `/api/tickets/${tk.id}/transfer`, {
        toUserId: await userId(t, holder),
        reason: '请核对',
      });
      if (r.status !== 200) throw new Error(`transfer: ${r.status} ${JSON.stringify(r.body)}`);
      return { url: `/api/tickets/${tk.id}/hand-back`, body: { answer: '已核对，请答复客户' } };
    },
    tables: ['ticket_transfers', 'ticket_events', 'notifications'],
  },
  {
    route: 'POST /api/tickets/:id/messages',
    allowed: WRITE,
    request: async (t, c) => ({
      url: `/api/tickets/${(await ticket(t, c)).id}/messages`,
      body: { visibility: 'internal', body: '内部备注' },
    }),
    tables: ['ticket_messages'],
  },
  {
    route: 'POST /api/tickets/:id/attachments',
    allowed: WRITE,
    request: async (t, c) => {
      const form = new FormData();
      form.append('file', new Blob(['hello'], { type: 'text/plain' }), 'a.txt');
      return { url: `/api/tickets/${(await ticket(t, c)).id}/attachments`, body: form };
    },
    tables: ['ticket_attachments'],
  },
  {
    route: 'GET /api/tickets/:id/attachments/:attachmentId',
    allowed: 'everyone',
    request: async (t, c) => {
      const tk = await ticket(t, c);
      const a = await t.db
        .insertInto('ticket_attachments')
        .values({
          ticket_id: tk.id,
          file_name: 'a.txt',
          content_type: 'text/plain',
          size: 1,
          data: Buffer.from('a'),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { url: `/api/tickets/${tk.id}/attachments/${a.id}` };
    },
  },
  {
    route: 'POST /api/tickets/:id/articles',
    allowed: WRITE,
    request: async (t, c) => ({
      url: `/api/tickets/${(await ticket(t, c)).id}/articles`,
      body: { articleId: await article(t) },
    }),
    tables: ['ticket_article_links'],
  },
  {
    route: 'DELETE /api/tickets/:id/articles/:articleId',
    allowed: WRITE,
    request: async (t, c) => {
      const tk = await ticket(t, c);
      const a = await article(t);
      await t.db.insertInto('ticket_article_links').values({ ticket_id: tk.id, article_id: a }).execute();
      return { url: `/api/tickets/${tk.id}/articles/${a}` };
    },
    tables: ['ticket_article_links'],
  },
  {
    route: 'POST /api/tickets/:id/macros/:macroId/render',
    allowed: 'everyone',
    request: async (t, c) => {
      const tk = await ticket(t, c);
      const m = await t.call(await t.login('admin'), 'POST', '/api/kb/macros', {
        name: uniq('模板'),
        body: '{{ticket.number}}',
      });
      return { url: `/api/tickets/${tk.id}/macros/${m.body.id}/render` };
    },
  },
  {
    route: 'PATCH /api/tickets/:id/complaint',
    allowed: WRITE,
    request: async (t, c) => {
      const tk = await ticket(t, c, { type: 'complaint' });
      return { url: `/api/tickets/${tk.id}/complaint`, body: { version: tk.version, accepted: true } };
    },
    tables: ['ticket_complaints'],
  },
  {
    route: 'POST /api/tickets/:id/corrective-actions',
    allowed: WRITE,
    request: async (t, c) => ({
      url: `/api/tickets/${(await ticket(t, c, { type: 'complaint' })).id}/corrective-actions`,
      body: { description: '修订告知书', ownerId: await userId(t, 'agent'), dueDate: '2026-12-31' },
    }),
    tables: ['corrective_actions'],
  },
  {
    route: 'PATCH /api/tickets/:id/corrective-actions/:actionId',
    allowed: WRITE,
    request: async (t, c) => {
      const a = await action(t, c);
      return {
        url: `/api/tickets/${a.ticketId}/corrective-actions/${a.actionId}`,
        body: { completed: true },
      };
    },
    tables: ['corrective_actions'],
  },
  { route: 'GET /api/notifications', allowed: 'everyone' },
  {
    route: 'POST /api/notifications/:id/read',
    allowed: 'everyone',
    request: async (t, caller) => {
      const n = await t.db
        .insertInto('notifications')
        .values({ user_id: await userId(t, caller?.username ?? 'admin'), kind: 'message', title: '测试' })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { url: `/api/notifications/${n.id}/read` };
    },
  },
  { route: 'POST /api/notifications/read-all', allowed: 'everyone' },
  {
    route: 'GET /api/public/ratings/:token',
    allowed: 'public',
    request: async () => ({ url: '/api/public/ratings/1.abc.2.def' }),
  },
  {
    route: 'POST /api/public/ratings/:token',
    allowed: 'public',
    request: async () => ({ url: '/api/public/ratings/1.abc.2.def', body: { score: 5 } }),
  },
]);

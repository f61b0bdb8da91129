// Demo service desk: SLA policies (2 h / 24 h / 48 h on the standard calendar), categories, root causes, and a
// handful of tickets — a consultation answered, a settlement question transferred to the settlement department,
// a regulator-hotline complaint — on the first demo customers (or without a customer when there are none yet).
import type { Database } from '../../db/index.ts';
import { demoSteps } from '../../demo/index.ts';
import { loadActor } from '../../platform/auth.ts';
import { demoCalendar } from '../calendar/index.ts';
import { addMessage, createTicket, transferTicket, updateComplaint } from './service.ts';

export async function demoServiceDesk(db: Database) {
  const any = await db.selectFrom('sla_policies').select('id').limit(1).executeTakeFirst();
  if (any) return;
  const calendarId = await demoCalendar(db);
  const supervisor = await db
    .selectFrom('users')
    .select('id')
    .where('username', '=', 'supervisor')
    .executeTakeFirst();
  await db
    .insertInto('sla_policies')
    .values([
      {
        name: '标准服务',
        calendar_id: calendarId,
        first_response_minutes: 120,
        onsite_minutes: 1440,
        resolution_minutes: 2880,
      },
      {
        name: '咨询',
        ticket_type: 'consultation',
        calendar_id: calendarId,
        first_response_minutes: 120,
        resolution_minutes: 480,
      },
      {
        name: '投诉',
        ticket_type: 'complaint',
        calendar_id: calendarId,
        first_response_minutes: 60,
        resolution_minutes: 2880,
        acceptance_days: 3,
        breach_raise_priority: true,
      },
      {
        name: '紧急故障',
        ticket_type: 'fault',
        priority: 'urgent',
        calendar_id: calendarId,
        first_response_minutes: 30,
        onsite_minutes: 240,
        resolution_minutes: 480,
        breach_reassign_to_id: supervisor?.id ?? null,
      },
      {
        name: '套保大户优先',
        customer_tier: '套保大户',
        calendar_id: calendarId,
        first_response_minutes: 30,
        onsite_minutes: 480,
        resolution_minutes: 960,
      },
    ])
    .execute();
  for (const name of ['开户', '交易', '出入金', '结算单', '行情与软件', '手续费', '服务态度']) {
    await db.insertInto('ticket_categories').values({ name }).execute();
  }
  for (const name of ['告知不充分', '系统故障', '操作失误', '流程缺陷', '服务态度']) {
    await db.insertInto('root_cause_categories').values({ name }).execute();
  }

  const agent = await db.selectFrom('users').select('id').where('username', '=', 'agent').executeTakeFirst();
  if (!agent) return;
  const actor = (await loadActor(db, agent.id))!;
  const ctx = { db, actor, ip: null, userAgent: 'kefu demo' };
  const customers = await db
    .selectFrom('customers')
    .select(['id'])
    .where('branch_id', '=', actor.branchId)
    .where('status', '<>', 'merged')
    .orderBy('id')
    .limit(3)
    .execute();
  const cust = (i: number) => customers[i]?.id ?? null;

  const q = await createTicket(ctx, {
    type: 'consultation',
    channel: 'phone_in',
    customerId: cust(0),
    subject: '保证金比例节前是否调整',
    description: '客户询问国庆节前交易所是否提高保证金比例。',
  });
  await addMessage(ctx, q.id, {
    visibility: 'public',
    body: '您好，节前交易所通常会提高部分品种保证金比例，具体以交易所通知和交易软件显示为准，建议预留充足资金。',
  });

  const s = await createTicket(ctx, {
    type: 'service_request',
    channel: 'phone_in',
    customerId: cust(1),
    subject: '结算单手续费与预期不符',
    description: '客户称昨日结算单手续费比约定标准高，需要结算部核对。',
  });
  const settle = await db
    .selectFrom('departments')
    .select('id')
    .where('code', '=', 'SETTLE')
    .executeTakeFirst();
  if (settle)
    await transferTicket(ctx, s.id, { toDepartmentId: settle.id, reason: '需结算部核对手续费标准' });

  const c = await createTicket(ctx, {
    type: 'complaint',
    channel: 'phone_in',
    customerId: cust(2),
    priority: 'high',
    subject: '12386 转办：开户时未告知手续费加收',
    description: '监管热线转办，客户称开户时未被告知公司加收手续费。',
    complaint: { source: 'regulator_hotline', severity: 'major', regulatorRef: '12386-2026-000001' },
  });
  await updateComplaint(ctx, c.id, { version: c.version, accepted: true });

  await createTicket(ctx, {
    type: 'fault',
    priority: 'urgent',
    channel: 'phone_in',
    customerId: cust(0),
    subject: '交易终端无法登录',
    description: '客户营业部专线终端登录超时。',
  });
}

demoSteps.push(async (db) => {
  await demoServiceDesk(db);
});

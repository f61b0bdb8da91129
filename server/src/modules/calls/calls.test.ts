// 拨打 (issues 9 and 16): an agent without customer.pii sees every phone masked, and gets the one full number of the
// call they work — their campaign call, a ticket they own or is routed to them, an open callback of their branch —
// from POST /api/calls/reveal, audited as customer.pii_revealed with the purpose, the item and the field. Someone
// else's item answers 403 (same branch) or 404 (another branch); nothing else in the answer is unmasked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasPiiText } from '../../platform/pii.ts';
import { createTestApp, type TestApp } from '../../test/app.ts';
import { departmentId, userId } from '../../test/fixtures.ts';
import { regulatoryCallback } from '../callbacks/permission-cases.ts';
import { bjCampaign } from '../campaigns/permission-cases.ts';

const PHONE = '13912340001';
const BACKUP = '13912340002';
const CONTACT = '15800002222';
const TICKET_PHONE = '18600003333';
const OTHER = [BACKUP, CONTACT, TICKET_PHONE, '110101199003071234', 'dial.canary@example.org'];

let t: TestApp;
let agent: string;
let agent2: string;
let shAgent: string;
let viewer: string;
let customerId: number;
let contactId: number;

beforeAll(async () => {
  t = await createTestApp();
  agent = await t.login('agent');
  agent2 = await t.login('agent2');
  shAgent = await t.login('sh_agent');
  viewer = await t.login('viewer');
});
afterAll(async () => t?.close());

/** Gives a customer the canary numbers (and an ID number and email that must never come out). */
async function canaryCustomer(id: number) {
  await t.db
    .updateTable('customers')
    .set({ phone: PHONE, phone_backup: BACKUP, id_number: OTHER[3], email: OTHER[4] })
    .where('id', '=', id)
    .execute();
  const c = await t.db
    .insertInto('customer_contacts')
    .values({ customer_id: id, name: '李会计', phone: CONTACT })
    .returning('id')
    .executeTakeFirstOrThrow();
  return c.id;
}

const reveal = (cookie: string, body: Record<string, unknown>) =>
  t.call(cookie, 'POST', '/api/calls/reveal', body);

async function lastReveal(username: string) {
  return t.db
    .selectFrom('audit_log')
    .selectAll()
    .where('action', '=', 'customer.pii_revealed')
    .where('actor_name', '=', username)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The answer holds the number and nothing else personal: fixed keys, no other canary, no pattern but the number. */
function onlyTheNumber(body: Record<string, unknown>, number: string) {
  expect(Object.keys(body).sort()).toEqual([
    'contactId',
    'customerId',
    'field',
    'itemId',
    'number',
    'purpose',
  ]);
  expect(body.number).toBe(number);
  const rest = JSON.stringify({ ...body, number: undefined });
  expect(hasPiiText(rest), rest).toBe(false);
  for (const x of OTHER.filter((o) => o !== number)) expect(JSON.stringify(body)).not.toContain(x);
}

describe('a campaign call', () => {
  let campaign: Awaited<ReturnType<typeof bjCampaign>>;
  beforeAll(async () => {
    campaign = await bjCampaign(t, true);
    customerId = campaign.customerId;
    contactId = await canaryCustomer(customerId);
  });

  it('the agent sees the phone masked in the workspace and gets the full number for the call they hold', async () => {
    const ws = await t.call(agent, 'POST', `/api/campaigns/${campaign.id}/next`);
    expect(ws.status, JSON.stringify(ws.body)).toBe(200);
    expect(ws.body.call.id).toBe(campaign.callId);
    expect(ws.body.call.customer.phone).toBe('139****0001');
    const res = await reveal(agent, { purpose: 'campaign', campaignCallId: campaign.callId });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    onlyTheNumber(res.body, PHONE);
    expect(res.body).toMatchObject({
      purpose: 'campaign',
      itemId: campaign.callId,
      customerId,
      field: 'phone',
    });
    const a = await lastReveal('agent');
    expect(a).toMatchObject({
      entity: 'customer',
      entity_id: String(customerId),
      actor_id: await userId(t, 'agent'),
    });
    expect(a!.meta).toEqual({ purpose: 'campaign', itemId: campaign.callId, field: 'phone' });
  });

  it('gives the backup phone or a contact person’s when asked, and names the field of a wrong choice', async () => {
    const b = await reveal(agent, {
      purpose: 'campaign',
      campaignCallId: campaign.callId,
      contact: 'phoneBackup',
    });
    expect(b.status).toBe(200);
    onlyTheNumber(b.body, BACKUP);
    const c = await reveal(agent, {
      purpose: 'campaign',
      campaignCallId: campaign.callId,
      contact: contactId,
    });
    expect(c.status).toBe(200);
    onlyTheNumber(c.body, CONTACT);
    expect(c.body).toMatchObject({ field: 'contact.phone', contactId });
    expect((await lastReveal('agent'))!.meta).toEqual({
      purpose: 'campaign',
      itemId: campaign.callId,
      field: 'contact.phone',
      contactId,
    });
    // A contact person of another customer, and a ticket's own contact phone on a campaign call.
    const other = await bjCampaign(t, true);
    const foreignContact = await canaryCustomer(other.customerId);
    const x = await reveal(agent, {
      purpose: 'campaign',
      campaignCallId: campaign.callId,
      contact: foreignContact,
    });
    expect(x.status).toBe(400);
    expect(x.body.error.fields).toEqual({ contact: 'CONTACT_NOT_OF_CUSTOMER' });
    const y = await reveal(agent, {
      purpose: 'campaign',
      campaignCallId: campaign.callId,
      contact: 'contactPhone',
    });
    expect(y.status).toBe(400);
    expect(Object.keys(y.body.error.fields)).toEqual(['contact']);
  });

  it('another agent of the branch gets 403, an agent of another branch 404, and neither is audited', async () => {
    const before = await t.db.selectFrom('audit_log').select('id').orderBy('id', 'desc').limit(1).execute();
    const r2 = await reveal(agent2, { purpose: 'campaign', campaignCallId: campaign.callId });
    expect(r2.status).toBe(403);
    expect(JSON.stringify(r2.body)).not.toContain(PHONE);
    const sh = await reveal(shAgent, { purpose: 'campaign', campaignCallId: campaign.callId });
    expect(sh.status).toBe(404);
    const v = await reveal(viewer, { purpose: 'campaign', campaignCallId: campaign.callId });
    expect(v.status).toBe(403);
    const after = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('id', '>', before[0].id)
      .where('action', '=', 'customer.pii_revealed')
      .execute();
    expect(after).toEqual([]);
  });

  it('a supervisor of the campaign may dial any of its calls', async () => {
    const res = await reveal(await t.login('supervisor'), {
      purpose: 'campaign',
      campaignCallId: campaign.callId,
    });
    expect(res.status).toBe(200);
    expect(res.body.number).toBe(PHONE);
  });
});

describe('a ticket', () => {
  let ticket: { id: number; version: number };
  beforeAll(async () => {
    const r = await t.call(agent, 'POST', '/api/tickets', {
      type: 'consultation',
      channel: 'phone_in',
      subject: '请回电',
      customerId,
      contactPhone: TICKET_PHONE,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    ticket = r.body;
  });

  it('its owner gets the contact phone given on the ticket, or the customer’s phone when asked', async () => {
    const page = await t.call(agent, 'GET', `/api/tickets/${ticket.id}`);
    expect(page.body.ticket.contactPhone).toBe('186****3333');
    const res = await reveal(agent, { purpose: 'ticket', ticketId: ticket.id });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    onlyTheNumber(res.body, TICKET_PHONE);
    expect(res.body).toMatchObject({ field: 'contactPhone', customerId });
    expect((await lastReveal('agent'))!.meta).toEqual({
      purpose: 'ticket',
      itemId: ticket.id,
      field: 'contactPhone',
    });
    const main = await reveal(agent, { purpose: 'ticket', ticketId: ticket.id, contact: 'phone' });
    expect(main.status).toBe(200);
    onlyTheNumber(main.body, PHONE);
  });

  it('an agent of the branch who does not work it gets 403, another branch 404', async () => {
    expect((await t.call(agent2, 'GET', `/api/tickets/${ticket.id}`)).status).toBe(200);
    expect((await reveal(agent2, { purpose: 'ticket', ticketId: ticket.id })).status).toBe(403);
    expect((await reveal(shAgent, { purpose: 'ticket', ticketId: ticket.id })).status).toBe(404);
  });

  it('department staff get it once the ticket is routed to their department', async () => {
    const settlement = await t.login('settlement');
    expect((await reveal(settlement, { purpose: 'ticket', ticketId: ticket.id })).status).toBe(404);
    const tr = await t.call(agent, 'POST', `/api/tickets/${ticket.id}/transfer`, {
      toDepartmentId: await departmentId(t, 'SETTLE'),
      reason: '结算问题',
    });
    expect(tr.status, JSON.stringify(tr.body)).toBe(200);
    const res = await reveal(settlement, { purpose: 'ticket', ticketId: ticket.id });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    onlyTheNumber(res.body, TICKET_PHONE);
    expect(await lastReveal('settlement')).toMatchObject({ entity_id: String(customerId) });
  });
});

describe('a regulatory callback', () => {
  let callbackId: number;
  let cbCustomer: number;
  beforeAll(async () => {
    callbackId = await regulatoryCallback(t, 'BJ01');
    const r = await t.db
      .selectFrom('regulatory_callbacks')
      .select('customer_id')
      .where('id', '=', callbackId)
      .executeTakeFirstOrThrow();
    cbCustomer = r.customer_id;
    await canaryCustomer(cbCustomer);
  });

  it('an agent of the branch gets the number of an open callback, audited', async () => {
    const res = await reveal(agent, { purpose: 'callback', callbackId });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    onlyTheNumber(res.body, PHONE);
    expect(res.body).toMatchObject({ purpose: 'callback', itemId: callbackId, customerId: cbCustomer });
    expect(await lastReveal('agent')).toMatchObject({
      entity_id: String(cbCustomer),
      meta: { purpose: 'callback', itemId: callbackId, field: 'phone' },
    });
  });

  it('another branch gets 404, a role that does not work callbacks 403, a recorded callback 409', async () => {
    expect((await reveal(shAgent, { purpose: 'callback', callbackId })).status).toBe(404);
    expect((await reveal(await t.login('branchmgr'), { purpose: 'callback', callbackId })).status).toBe(403);
    expect((await reveal(await t.login('manager'), { purpose: 'callback', callbackId })).status).toBe(403);
    const done = await t.call(agent, 'POST', `/api/callbacks/${callbackId}/result`, {
      reached: false,
      notes: '无人接听',
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    const res = await reveal(agent, { purpose: 'callback', callbackId });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('CALLBACK_DONE');
  });
});

describe('bad input', () => {
  it('answers 400 naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{}, 'purpose'],
      [{ purpose: 'sms', ticketId: 1 }, 'purpose'],
      [{ purpose: 'ticket' }, 'ticketId'],
      [{ purpose: 'ticket', ticketId: 1, callbackId: 2 }, 'callbackId'],
      [{ purpose: 'campaign', campaignCallId: 'x' }, 'campaignCallId'],
      [{ purpose: 'callback', callbackId: 1, contact: 'email' }, 'contact'],
    ];
    for (const [body, field] of cases) {
      const res = await reveal(agent, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(Object.keys(res.body.error.fields ?? {}), JSON.stringify(res.body)).toContain(field);
    }
  });
});

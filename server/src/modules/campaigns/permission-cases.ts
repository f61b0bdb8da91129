// Who may call the campaign routes (the permission table, see test/permission-table.ts): campaign.read to see,
// campaign.write to create, start and dispatch, campaign.work for the agent workspace and attempts. The SMS
// delivery report is public (verified by its HMAC signature).
import { sql } from 'kysely';
import type { TestApp } from '../../test/app.ts';
import { branchId, uniq, userId } from '../../test/fixtures.ts';
import { addCases, type RoleCode } from '../../test/permission-table.ts';

const READ: RoleCode[] = ['admin', 'supervisor', 'agent', 'branch_manager'];
const WRITE: RoleCode[] = ['admin', 'supervisor'];
const WORK: RoleCode[] = ['admin', 'supervisor', 'agent'];

/** A BJ01 customer with a mobile. */
async function customer(t: TestApp) {
  const r = await t.db
    .insertInto('customers')
    .values({
      code: uniq('PC'),
      kind: 'individual',
      name: '权限测试',
      status: 'active',
      branch_id: await branchId(t, 'BJ01'),
      phone: '13900000000',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** A BJ01 campaign (draft or running with a dispatched call step holding one open call). */
export async function bjCampaign(t: TestApp, running = false, branch = 'BJ01') {
  const b = await branchId(t, branch);
  const c = await t.db
    .insertInto('campaigns')
    .values({
      name: uniq('campaign'),
      branch_id: b,
      target_kind: 'list',
      questions: '[]',
      status: running ? 'running' : 'draft',
      started_at: running ? new Date() : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const u of ['agent', 'supervisor', 'admin'])
    await t.db
      .insertInto('campaign_agents')
      .values({ campaign_id: c.id, user_id: await userId(t, u), quota: 100 })
      .execute();
  const step = await t.db
    .insertInto('campaign_steps')
    .values({ campaign_id: c.id, position: 1, channel: 'call', status: running ? 'dispatched' : 'pending' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const cust = await customer(t);
  await sql`update customers set branch_id = ${b} where id = ${cust}`.execute(t.db);
  await t.db
    .insertInto('campaign_targets')
    .values({ campaign_id: c.id, customer_id: cust, branch_id: b })
    .execute();
  const call = running
    ? await t.db
        .insertInto('campaign_calls')
        .values({ campaign_id: c.id, step_id: step.id, customer_id: cust, branch_id: b })
        .returning('id')
        .executeTakeFirstOrThrow()
    : null;
  return { id: c.id, stepId: step.id, callId: call?.id ?? 0, customerId: cust };
}

addCases([
  { route: 'GET /api/campaigns', allowed: READ },
  {
    route: 'POST /api/campaigns',
    allowed: WRITE,
    request: async () => ({
      url: '/api/campaigns',
      body: {
        name: 'perm',
        target: { kind: 'list', customerCodes: ['X-NONE'] },
        steps: [{ channel: 'call', delayDays: 0 }],
      },
    }),
    tables: ['campaigns', 'campaign_steps', 'campaign_targets', 'campaign_agents'],
  },
  {
    route: 'GET /api/campaigns/:id',
    allowed: READ,
    request: async (t) => ({ url: `/api/campaigns/${(await bjCampaign(t)).id}` }),
  },
  {
    route: 'POST /api/campaigns/:id/start',
    allowed: WRITE,
    request: async (t) => ({ url: `/api/campaigns/${(await bjCampaign(t)).id}/start` }),
    tables: ['campaigns', 'campaign_steps', 'campaign_calls', 'campaign_targets'],
  },
  {
    route: 'GET /api/campaigns/:id/preview-count',
    allowed: READ,
    request: async (t) => ({ url: `/api/campaigns/${(await bjCampaign(t)).id}/preview-count` }),
  },
  {
    route: 'POST /api/campaigns/:id/pause',
    allowed: WRITE,
    request: async (t) => ({ url: `/api/campaigns/${(await bjCampaign(t, true)).id}/pause` }),
    tables: ['campaigns'],
  },
  {
    route: 'POST /api/campaigns/:id/resume',
    allowed: WRITE,
    request: async (t) => {
      const c = await bjCampaign(t, true);
      await t.db.updateTable('campaigns').set({ status: 'paused' }).where('id', '=', c.id).execute();
      return { url: `/api/campaigns/${c.id}/resume` };
    },
    tables: ['campaigns', 'campaign_steps', 'campaign_calls', 'sms_outbox'],
  },
  {
    route: 'POST /api/campaigns/:id/stop',
    allowed: WRITE,
    request: async (t) => ({ url: `/api/campaigns/${(await bjCampaign(t, true)).id}/stop` }),
    tables: ['campaigns', 'campaign_steps', 'sms_outbox'],
  },
  {
    route: 'GET /api/campaigns/:id/failed-messages',
    allowed: READ,
    request: async (t) => ({ url: `/api/campaigns/${(await bjCampaign(t, true)).id}/failed-messages` }),
  },
  {
    route: 'POST /api/campaigns/:id/steps/:stepId/dispatch',
    allowed: WRITE,
    request: async (t) => {
      const c = await bjCampaign(t, true);
      await t.db
        .updateTable('campaign_steps')
        .set({ status: 'pending' })
        .where('id', '=', c.stepId)
        .execute();
      return { url: `/api/campaigns/${c.id}/steps/${c.stepId}/dispatch` };
    },
    tables: ['campaign_steps', 'campaign_calls', 'sms_outbox'],
  },
  {
    route: 'GET /api/campaigns/:id/progress',
    allowed: READ,
    request: async (t) => ({ url: `/api/campaigns/${(await bjCampaign(t, true)).id}/progress` }),
  },
  {
    route: 'GET /api/campaigns/:id/counter-list',
    allowed: READ,
    request: async (t) => ({ url: `/api/campaigns/${(await bjCampaign(t, true)).id}/counter-list` }),
  },
  {
    route: 'GET /api/campaigns/:id/workspace',
    allowed: WORK,
    request: async (t) => ({ url: `/api/campaigns/${(await bjCampaign(t, true)).id}/workspace` }),
  },
  {
    route: 'POST /api/campaigns/:id/next',
    allowed: WORK,
    request: async (t) => ({ url: `/api/campaigns/${(await bjCampaign(t, true)).id}/next` }),
    tables: ['campaign_calls'],
  },
  {
    route: 'POST /api/campaigns/:id/calls/:callId/attempts',
    allowed: WORK,
    request: async (t, as) => {
      const c = await bjCampaign(t, true);
      // Held by the caller, so an allowed role's attempt is recorded.
      await t.db
        .updateTable('campaign_calls')
        .set({ status: 'claimed', agent_id: await userId(t, as?.username ?? 'admin') })
        .where('id', '=', c.callId)
        .execute();
      return {
        url: `/api/campaigns/${c.id}/calls/${c.callId}/attempts`,
        body: { outcome: 'busy', answers: {} },
      };
    },
    tables: ['campaign_calls', 'campaign_attempts', 'interactions'],
  },
  {
    route: 'PUT /api/sms/opt-out/:customerId',
    allowed: ['admin', 'supervisor', 'agent', 'account_manager'],
    request: async (t) => ({ url: `/api/sms/opt-out/${await customer(t)}`, body: { optOut: true } }),
    tables: ['customers'],
  },
  { route: 'GET /api/sms/templates', allowed: READ },
  {
    route: 'POST /api/sms/templates',
    allowed: WRITE,
    request: async () => ({
      url: '/api/sms/templates',
      body: { name: uniq('模板'), body: '{name}您好，回访通知。' },
    }),
    tables: ['sms_templates'],
  },
  {
    route: 'POST /api/sms/reports',
    allowed: 'public',
    request: async () => ({
      url: '/api/sms/reports',
      body: { msgid: 'm', extno: 'kefu-sms-0', status: 'DELIVRD', timestamp: '1', sign: '0'.repeat(64) },
    }),
  },
]);

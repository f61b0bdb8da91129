// HTTP routes of callback campaigns: create, list, read, the dry count before a start, start, pause, resume, stop,
// dispatch a step now, live progress and the failed texts, the agent workspace (next contact), attempts, and the
// counter list of unreachable people.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../../platform/context.ts';
import { commonErrors, named, ZId, ZIdParams } from '../../platform/schemas.ts';
import {
  campaignProgress,
  changeCampaignStatus,
  counterList,
  createCampaign,
  dispatchStepNow,
  failedMessages,
  getCampaign,
  listCampaigns,
  OUTCOMES,
  previewCount,
  recordAttempt,
  startCampaign,
  workspace,
} from './service.ts';

const ZStatus = z.enum(['draft', 'running', 'paused', 'stopped', 'finished']);
const ZQuestion = z.object({
  key: z
    .string()
    .trim()
    .min(1)
    .max(40)
    .regex(/^[\w-]+$/, 'letters, digits, _ and - only'),
  type: z.enum(['yes_no', 'single', 'text']),
  text: z.string().trim().min(1).max(500),
  options: z.array(z.string().trim().min(1).max(200)).max(20).optional(),
  required: z.boolean().optional(),
});
named('CampaignQuestion', ZQuestion);
const ZStep = z.object({
  id: z.number(),
  position: z.number(),
  channel: z.enum(['sms', 'call']),
  delayDays: z.number(),
  smsTemplate: z.string().nullable(),
  status: z.enum(['pending', 'dispatching', 'dispatched']),
  startedAt: z.string().nullable(),
  dispatchedAt: z.string().nullable(),
});
named('CampaignStep', ZStep);
const ZCampaign = z.object({
  id: z.number(),
  name: z.string(),
  branchId: z.number(),
  status: ZStatus,
  targetKind: z.enum(['segment', 'list', 'saved_search']),
  segmentId: z.number().nullable(),
  segmentName: z.string().nullable(),
  savedViewId: z.number().nullable(),
  scriptArticleId: z.number().nullable(),
  script: z.string().nullable(),
  questions: z.array(ZQuestion),
  quotaPeriod: z.enum(['week', 'campaign']),
  targets: z.number(),
  agents: z.array(z.object({ userId: z.number(), name: z.string(), quota: z.number() })),
  steps: z.array(ZStep),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  createdAt: z.string(),
  version: z.number(),
});
named('Campaign', ZCampaign);
const ZStepCounts = z.object({
  stepId: z.number(),
  position: z.number(),
  channel: z.enum(['sms', 'call']),
  status: z.string(),
  startedAt: z.string().nullable(),
  recipients: z.number(),
  sent: z.number().nullable(),
  delivered: z.number().nullable(),
  failed: z.number().nullable(),
  skipped: z.number().nullable(),
  queued: z.number().nullable(),
  responded: z.number(),
  responseRate: z.number().nullable(),
});
const ZQuota = z.object({
  quota: z.number(),
  done: z.number(),
  remaining: z.number(),
  period: z.enum(['week', 'campaign']),
});
const ZWorkspace = z.object({
  campaignId: z.number(),
  campaignStatus: ZStatus,
  call: z
    .object({
      id: z.number(),
      status: z.string(),
      attempts: z.number(),
      stepId: z.number(),
      customer: z.object({
        id: z.number(),
        code: z.string(),
        name: z.string(),
        phone: z.string().nullable(),
        phoneBackup: z.string().nullable(),
      }),
    })
    .nullable(),
  script: z.string().nullable(),
  questions: z.array(ZQuestion),
  quota: ZQuota,
});
named('CampaignWorkspace', ZWorkspace);
const ZParams2 = z.object({ id: ZId, stepId: ZId });
const ZCallParams = z.object({ id: ZId, callId: ZId });

export const campaignRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['campaigns'];
  app.get(
    '/campaigns',
    {
      schema: {
        tags,
        summary: 'Campaigns of my branches (newest first)',
        querystring: z.object({ status: ZStatus.optional() }),
        response: { 200: z.array(ZCampaign), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return listCampaigns(req.ctx, req.query);
    },
  );
  app.post(
    '/campaigns',
    {
      schema: {
        tags,
        summary:
          'Create a campaign (draft): targets from a segment, a saved customer search (its query is copied) or customer codes, script (a KB article and/or text), questions, agents with quotas, steps (sms with template {name} {code}; call after N days)',
        body: z.object({
          name: z.string().trim().min(1).max(200),
          branchId: ZId.optional(),
          target: z.discriminatedUnion('kind', [
            z.object({ kind: z.literal('segment'), segmentId: ZId }),
            z.object({
              kind: z.literal('list'),
              customerCodes: z.array(z.string().max(64)).min(1).max(100_000),
            }),
            z.object({ kind: z.literal('saved_search'), savedViewId: ZId }),
          ]),
          scriptArticleId: ZId.nullish(),
          script: z.string().max(20000).nullish(),
          questions: z.array(ZQuestion).max(50).default([]),
          quotaPeriod: z.enum(['week', 'campaign']).optional(),
          agents: z
            .array(z.object({ userId: ZId, quota: z.number().int().min(1).max(100000) }))
            .max(500)
            .default([]),
          steps: z
            .array(
              z.object({
                channel: z.enum(['sms', 'call']),
                delayDays: z.number().int().min(0).max(365).default(0),
                smsTemplate: z.string().max(1000).nullish(),
                smsTemplateId: ZId.nullish(),
              }),
            )
            .min(1)
            .max(10),
        }),
        response: { 201: ZCampaign.extend({ unknownCodes: z.array(z.string()) }), ...commonErrors },
      },
    },
    async (req, reply) => {
      requireActor(req.ctx);
      return reply.status(201).send(await createCampaign(req.ctx, req.body));
    },
  );
  app.get(
    '/campaigns/:id',
    {
      schema: {
        tags,
        summary: 'One campaign',
        params: ZIdParams,
        response: { 200: ZCampaign, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return getCampaign(req.ctx, req.params.id);
    },
  );
  app.post(
    '/campaigns/:id/start',
    {
      schema: {
        tags,
        summary: 'Start: take the targets, dispatch the steps due now, schedule the later ones',
        params: ZIdParams,
        response: { 200: ZCampaign, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return startCampaign(req.ctx, req.params.id);
    },
  );
  app.get(
    '/campaigns/:id/preview-count',
    {
      schema: {
        tags,
        summary:
          'Dry count for the start confirmation: targets, texts the steps due at once send (and skip), calls they hand out',
        params: ZIdParams,
        response: {
          200: z.object({
            campaignId: z.number(),
            status: ZStatus,
            targets: z.number(),
            sms: z.number(),
            smsSkipped: z.number(),
            calls: z.number(),
            laterSteps: z.number(),
          }),
          ...commonErrors,
        },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return previewCount(req.ctx, req.params.id);
    },
  );
  for (const [action, summary] of [
    [
      'pause',
      'Pause a running campaign: no text is sent and no call handed out until resumed (409 otherwise)',
    ],
    [
      'resume',
      'Resume a paused campaign: steps due meanwhile are dispatched, queued texts go out (409 otherwise)',
    ],
    ['stop', 'Stop a running or paused campaign for good: queued texts are skipped (409 otherwise)'],
  ] as const)
    app.post(
      `/campaigns/:id/${action}`,
      { schema: { tags, summary, params: ZIdParams, response: { 200: ZCampaign, ...commonErrors } } },
      async (req) => {
        requireActor(req.ctx);
        return changeCampaignStatus(req.ctx, req.params.id, action);
      },
    );
  app.get(
    '/campaigns/:id/failed-messages',
    {
      schema: {
        tags,
        summary:
          "Texts the gateway refused or reported undelivered, with the gateway's reason (reasonCode when it is a known one)",
        params: ZIdParams,
        response: {
          200: z.array(
            z.object({
              outboxId: z.number(),
              stepId: z.number(),
              position: z.number(),
              customerId: z.number(),
              code: z.string(),
              name: z.string(),
              status: z.enum(['failed', 'undelivered']),
              reasonCode: z.string().nullable(),
              reason: z.string().nullable(),
              at: z.string(),
            }),
          ),
          ...commonErrors,
        },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return failedMessages(req.ctx, req.params.id);
    },
  );
  app.post(
    '/campaigns/:id/steps/:stepId/dispatch',
    {
      schema: {
        tags,
        summary: 'Dispatch a step now (without waiting for its delay); those who responded are left out',
        params: ZParams2,
        response: { 200: ZCampaign, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return dispatchStepNow(req.ctx, req.params.id, req.params.stepId);
    },
  );
  app.get(
    '/campaigns/:id/progress',
    {
      schema: {
        tags,
        summary:
          'Live progress: per agent done/remaining against quota, call states, outcomes, per-step response rate',
        params: ZIdParams,
        response: {
          200: z.object({
            campaignId: z.number(),
            status: z.string(),
            targets: z.number(),
            responded: z.number(),
            calls: z.object({
              total: z.number(),
              open: z.number(),
              claimed: z.number(),
              done: z.number(),
              unreachable: z.number(),
              remaining: z.number(),
            }),
            outcomes: z.record(z.string(), z.number()),
            agents: z.array(
              z.object({
                userId: z.number(),
                name: z.string(),
                quota: z.number(),
                done: z.number(),
                doneTotal: z.number(),
                claimed: z.number(),
                remaining: z.number(),
              }),
            ),
            steps: z.array(ZStepCounts),
          }),
          ...commonErrors,
        },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return campaignProgress(req.ctx, req.params.id);
    },
  );
  app.get(
    '/campaigns/:id/workspace',
    {
      schema: {
        tags,
        summary:
          'Agent workspace without taking a new call: my claimed call (if any), script, questions, quota',
        params: ZIdParams,
        response: { 200: ZWorkspace, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return workspace(req.ctx, req.params.id, false);
    },
  );
  app.post(
    '/campaigns/:id/next',
    {
      schema: {
        tags,
        summary:
          'Next contact for me: my claimed call, or claim the next open one (SKIP LOCKED: never the same person for two agents); 409 QUOTA_REACHED',
        params: ZIdParams,
        response: { 200: ZWorkspace, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return workspace(req.ctx, req.params.id, true);
    },
  );
  app.post(
    '/campaigns/:id/calls/:callId/attempts',
    {
      schema: {
        tags,
        summary: 'Record an attempt on my call: outcome, reason (required for unreachable), answers',
        params: ZCallParams,
        body: z.object({
          outcome: z.enum(OUTCOMES as [string, ...string[]]),
          reason: z.string().max(500).nullish(),
          answers: z.record(z.string().max(40), z.union([z.boolean(), z.string().max(2000)])).default({}),
          note: z.string().max(4000).nullish(),
        }),
        response: {
          201: z.object({
            id: z.number(),
            callId: z.number(),
            outcome: z.string(),
            reason: z.string().nullable(),
            answers: z.record(z.string(), z.unknown()),
            callStatus: z.string(),
            interactionId: z.number(),
            at: z.string(),
          }),
          ...commonErrors,
        },
      },
    },
    async (req, reply) => {
      requireActor(req.ctx);
      return reply
        .status(201)
        .send(await recordAttempt(req.ctx, req.params.id, req.params.callId, req.body as any));
    },
  );
  app.get(
    '/campaigns/:id/counter-list',
    {
      schema: {
        tags,
        summary: 'Customers who could not be reached, with the follow-up reason (for the counter)',
        params: ZIdParams,
        response: {
          200: z.array(
            z.object({
              callId: z.number(),
              customerId: z.number(),
              code: z.string(),
              name: z.string(),
              reason: z.string().nullable(),
              agentId: z.number().nullable(),
              at: z.string().nullable(),
            }),
          ),
          ...commonErrors,
        },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return counterList(req.ctx, req.params.id);
    },
  );
};

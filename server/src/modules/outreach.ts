// Outreach (issue #6): suitability, callback campaigns and SMS, regulatory callbacks, visit plans, risk notices —
// their routes as one plugin (registered in modules/index.ts) and their jobs.
import type { FastifyPluginAsync } from 'fastify';
import { configureSms } from '../platform/sms.ts';
import { callbackRoutes } from './callbacks/routes.ts';
import { campaignRoutes } from './campaigns/routes.ts';
import { smsRoutes } from './campaigns/sms-routes.ts';
import { noticeRoutes } from './notices/routes.ts';
import { configureNoticeMail } from './notices/service.ts';
import { suitabilityRoutes } from './suitability/routes.ts';
import { visitRoutes } from './visits/routes.ts';

export const outreachRoutes: FastifyPluginAsync = async (app) => {
  configureSms(app.kefu.config);
  configureNoticeMail(app.kefu.config);
  for (const r of [suitabilityRoutes, campaignRoutes, smsRoutes, callbackRoutes, visitRoutes, noticeRoutes])
    await app.register(r as FastifyPluginAsync);
};

// Every module's routes, registered under /api, and every module's jobs.
import type { FastifyPluginAsync } from 'fastify';
import { auditRoutes } from './audit/routes.ts';
import './auth/jobs.ts';
import { authRoutes } from './auth/routes.ts';
import './calendar/demo.ts';
import { calendarRoutes } from './calendar/routes.ts';
import { callRoutes } from './calls/routes.ts';
import './catalogue/schedule.ts';
import { catalogueRoutes } from './catalogue/routes.ts';
import { customerImportRoutes } from './customers/import/routes.ts';
import { customerRoutes } from './customers/routes.ts';
import './handover/service.ts';
import { handoverRoutes } from './handover/routes.ts';
import { healthRoutes } from './health/routes.ts';
import './kb/demo.ts';
import { kbRoutes } from './kb/routes.ts';
import { metricRoutes } from './metrics/routes.ts';
import { orgRoutes } from './org/routes.ts';
import { outreachRoutes } from './outreach.ts';
import { roleRoutes } from './roles/routes.ts';
import { segmentRoutes } from './segments/routes.ts';
import './suitability/merge.ts';
import { taskRoutes } from './tasks/routes.ts';
import './tickets/arrangement.ts';
import './tickets/demo.ts';
import { ticketRoutes } from './tickets/routes.ts';
import './tiers/demo.ts';
import './tiers/jobs.ts';
import { tierRoutes } from './tiers/routes.ts';
import { userRoutes } from './users/routes.ts';

export const modules: FastifyPluginAsync[] = [
  healthRoutes,
  authRoutes,
  orgRoutes,
  userRoutes,
  roleRoutes,
  auditRoutes,
  calendarRoutes,
  kbRoutes,
  ticketRoutes,
  customerRoutes,
  customerImportRoutes,
  // Service programs
  taskRoutes,
  catalogueRoutes,
  segmentRoutes,
  tierRoutes,
  metricRoutes,
  handoverRoutes,
  // Outreach (issue #6)
  outreachRoutes,
  // Calling (拨打, issue 16): the number of the call an actor works
  callRoutes,
] as FastifyPluginAsync[];

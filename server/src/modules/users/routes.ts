// Staff accounts for administrators, and a light staff picker for everyone signed in.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../../platform/context.ts';
import { commonErrors, named, page, ZId, ZIdParams, ZLimit, ZLocale, ZOk } from '../../platform/schemas.ts';
import {
  createUser,
  getUser,
  listUsers,
  resetPassword,
  unlockUser,
  updateUser,
  userOptions,
} from './service.ts';

const ZUser = z.object({
  id: z.number(),
  username: z.string(),
  displayName: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  status: z.enum(['active', 'disabled']),
  branchId: z.number(),
  departmentId: z.number(),
  teamId: z.number().nullable(),
  locale: ZLocale,
  lockedUntil: z.string().nullable(),
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
  version: z.number(),
  roles: z.array(z.string()),
});
named('User', ZUser);
const ZUserFields = z.object({
  displayName: z.string().trim().min(1).max(64),
  email: z.string().trim().email('must be an email address').max(200).nullable().optional(),
  phone: z
    .string()
    .trim()
    .regex(/^[0-9+\-() ]{3,32}$/, 'must be a phone number')
    .nullable()
    .optional(),
  branchId: z.number().int().positive(),
  departmentId: z.number().int().positive(),
  teamId: z.number().int().positive().nullable().optional(),
  locale: ZLocale.optional(),
  roles: z.array(z.string().min(1).max(64)).max(20),
});
const ZUserCreate = ZUserFields.extend({
  username: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.@-]{2,64}$/, 'must be 2–64 letters, digits or _ . @ -'),
  password: z.string().min(1).max(256),
});
const ZUserUpdate = ZUserFields.partial().extend({
  status: z.enum(['active', 'disabled']).optional(),
  version: z.number().int(),
});

export const userRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['users'];
  app.get(
    '/users',
    {
      schema: {
        tags,
        summary: 'Staff accounts in the caller’s branch scope',
        querystring: z.object({
          q: z.string().max(64).optional(),
          branchId: ZId.optional(),
          departmentId: ZId.optional(),
          status: z.enum(['active', 'disabled']).optional(),
          role: z.string().max(64).optional(),
          cursor: z.string().max(200).optional(),
          limit: ZLimit,
        }),
        response: { 200: page(ZUser), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return listUsers(req.ctx, req.query);
    },
  );
  app.get(
    '/users/options',
    {
      schema: {
        tags,
        summary: 'Active staff to pick from (assignee, owner), in the caller’s scope',
        querystring: z.object({
          q: z.string().max(64).optional(),
          branchId: ZId.optional(),
          departmentId: ZId.optional(),
          limit: ZLimit,
        }),
        response: {
          200: z.array(
            z.object({
              id: z.number(),
              username: z.string(),
              displayName: z.string(),
              branchId: z.number(),
              departmentId: z.number(),
              teamId: z.number().nullable(),
            }),
          ),
          ...commonErrors,
        },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return userOptions(req.ctx, req.query);
    },
  );
  app.get(
    '/users/:id',
    { schema: { tags, params: ZIdParams, response: { 200: ZUser, ...commonErrors } } },
    async (req) => {
      requireActor(req.ctx);
      return getUser(req.ctx, req.params.id);
    },
  );
  app.post(
    '/users',
    { schema: { tags, body: ZUserCreate, response: { 200: ZUser, ...commonErrors } } },
    async (req) => {
      requireActor(req.ctx);
      return createUser(req.ctx, req.body);
    },
  );
  app.patch(
    '/users/:id',
    { schema: { tags, params: ZIdParams, body: ZUserUpdate, response: { 200: ZUser, ...commonErrors } } },
    async (req) => {
      requireActor(req.ctx);
      return updateUser(req.ctx, req.params.id, req.body);
    },
  );
  app.post(
    '/users/:id/password',
    {
      schema: {
        tags,
        summary: 'Set a new password (administrator); ends the user’s sessions',
        params: ZIdParams,
        body: z.object({ password: z.string().min(1).max(256) }),
        response: { 200: ZOk, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      await resetPassword(req.ctx, req.params.id, req.body.password);
      return { ok: true as const };
    },
  );
  app.post(
    '/users/:id/unlock',
    {
      schema: {
        tags,
        summary: 'Lift a sign-in lockout',
        params: ZIdParams,
        response: { 200: ZUser, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return unlockUser(req.ctx, req.params.id);
    },
  );
};

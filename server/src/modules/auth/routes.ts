// Sign-in, sign-out, and the signed-in user's own profile, language and password.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SESSION_COOKIE, tokenId } from '../../platform/auth.ts';
import { requireActor } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { commonErrors, named, ZError, ZLocale, ZOk } from '../../platform/schemas.ts';
import { describeMe } from './me.ts';
import { changeOwnPassword, signIn, signOut, updateOwnProfile } from './service.ts';

export const ZMe = z.object({
  id: z.number(),
  username: z.string(),
  displayName: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  locale: ZLocale,
  branch: z.object({ id: z.number(), code: z.string(), name: z.string() }),
  department: z.object({ id: z.number(), code: z.string(), name: z.string() }),
  teamId: z.number().nullable(),
  roles: z.array(z.string()),
  permissions: z.array(z.string()),
  allBranches: z.boolean(),
});
named('Me', ZMe);

export const authRoutes: FastifyPluginAsyncZod = async (app) => {
  const { config } = app.kefu;
  // Per account, beside the per-address limit: guesses at one username from many addresses are throttled too.
  // Every name counts the same, known or not, so a 429 tells nothing about whether it exists.
  const perAccount = app.createRateLimit({
    max: config.loginAccountRateLimit,
    timeWindow: '1 minute',
    keyGenerator: (req) =>
      `login-account:${String((req.body as any)?.username ?? '')
        .trim()
        .toLowerCase()}`,
  });

  app.post(
    '/auth/login',
    {
      config: { public: true, rateLimit: { max: config.loginRateLimit, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with username and password; sets the session cookie',
        body: z.object({ username: z.string().trim().min(1).max(64), password: z.string().min(1).max(256) }),
        response: { 200: ZMe, 400: ZError, 401: ZError, 403: ZError, 423: ZError, 429: ZError },
      },
      preHandler: async (req, reply) => {
        const limit = await perAccount(req);
        if (!limit.isAllowed && limit.isExceeded) {
          reply.header('retry-after', limit.ttlInSeconds);
          throw new AppError(
            'RATE_LIMITED',
            429,
            'Too many sign-in attempts for this account; try again later',
          );
        }
      },
    },
    async (req, reply) => {
      const session = await signIn(req.ctx, req.body, config.sessionHours);
      reply.setCookie(SESSION_COOKIE, session.token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: req.protocol === 'https',
        path: '/',
        expires: session.expiresAt,
      });
      const me = await describeMe(app.kefu.db, tokenId(session.token));
      return me!;
    },
  );

  app.post(
    '/auth/logout',
    {
      config: { public: true },
      schema: { tags: ['auth'], summary: 'Sign out (ends this session)', response: { 200: ZOk } },
    },
    async (req, reply) => {
      const token = req.cookies[SESSION_COOKIE];
      if (token) await signOut(req.ctx, token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ok: true as const };
    },
  );

  app.get(
    '/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user, with roles and permissions',
        response: { 200: ZMe, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return (await describeMe(app.kefu.db, tokenId(req.cookies[SESSION_COOKIE]!)))!;
    },
  );

  app.patch(
    '/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'Change own language, display name or contact details',
        body: z.object({
          locale: ZLocale.optional(),
          displayName: z.string().trim().min(1).max(64).optional(),
          email: z.string().trim().email().max(200).nullable().optional(),
          phone: z
            .string()
            .trim()
            .regex(/^[0-9+\-() ]{3,32}$/, 'must be a phone number')
            .nullable()
            .optional(),
        }),
        response: { 200: ZMe, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      await updateOwnProfile(req.ctx, req.body);
      return (await describeMe(app.kefu.db, tokenId(req.cookies[SESSION_COOKIE]!)))!;
    },
  );

  app.post(
    '/me/password',
    {
      schema: {
        tags: ['auth'],
        summary: 'Change own password (ends other sessions)',
        body: z.object({
          currentPassword: z.string().min(1).max(256),
          newPassword: z.string().min(1).max(256),
        }),
        response: { 200: ZOk, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      await changeOwnPassword(req.ctx, req.body, tokenId(req.cookies[SESSION_COOKIE]!));
      return { ok: true as const };
    },
  );
};

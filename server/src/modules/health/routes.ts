// Liveness and database status, for load balancers and operators. Anyone may ask whether Kefu is up; only a
// signed-in user learns the database's version (a version tells an attacker which flaws to try), and a failure's
// text is for signed-in users too.

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { databaseVersion } from './service.ts';

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/health',
    {
      config: { public: true },
      schema: {
        tags: ['system'],
        summary: 'Health: the server and its database (the database version only for a signed-in user)',
        response: {
          200: z.object({
            status: z.literal('ok'),
            database: z.object({ ok: z.boolean(), version: z.string().optional(), latencyMs: z.number() }),
          }),
          503: z.object({
            status: z.literal('degraded'),
            database: z.object({ ok: z.boolean(), error: z.string() }),
          }),
        },
      },
    },
    async (req, reply) => {
      const t = performance.now();
      const signedIn = !!req.actor;
      try {
        const version = await databaseVersion(app.kefu.db);
        return {
          status: 'ok' as const,
          database: {
            ok: true,
            ...(signedIn && { version }),
            latencyMs: Math.round((performance.now() - t) * 10) / 10,
          },
        };
      } catch (e) {
        req.log.error({ err: e }, 'health: database check failed');
        return reply.status(503).send({
          status: 'degraded' as const,
          database: { ok: false, error: signedIn ? (e as Error).message : 'database unavailable' },
        });
      }
    },
  );
};

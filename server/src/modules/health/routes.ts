// Liveness and database status, for load balancers and operators.

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/health',
    {
      config: { public: true },
      schema: {
        tags: ['system'],
        summary: 'Health: the server and its database',
        response: {
          200: z.object({
            status: z.literal('ok'),
            database: z.object({ ok: z.boolean(), version: z.string(), latencyMs: z.number() }),
          }),
          503: z.object({
            status: z.literal('degraded'),
            database: z.object({ ok: z.boolean(), error: z.string() }),
          }),
        },
      },
    },
    async (_req, reply) => {
      const t = performance.now();
      try {
        const r = await sql<{ v: string }>`select current_setting('server_version') as v`.execute(
          app.kefu.db,
        );
        return {
          status: 'ok' as const,
          database: {
            ok: true,
            version: r.rows[0].v,
            latencyMs: Math.round((performance.now() - t) * 10) / 10,
          },
        };
      } catch (e) {
        return reply
          .status(503)
          .send({ status: 'degraded' as const, database: { ok: false, error: (e as Error).message } });
      }
    },
  );
};

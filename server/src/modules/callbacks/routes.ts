import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

export const callbackRoutes: FastifyPluginAsyncZod = async () => {};

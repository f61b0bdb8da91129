// Builds the Fastify application: security headers, sessions, validation, OpenAPI, every module's routes, the web app.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifySchema,
} from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Config } from './config.ts';
import type { Database } from './db/index.ts';
import { modules } from './modules/index.ts';
import { actorFromSession, SESSION_COOKIE } from './platform/auth.ts';
import type { Ctx } from './platform/context.ts';
import { AppError, fromPgError } from './platform/errors.ts';
import { configureUploads } from './platform/files.ts';
import { logSerializers } from './platform/log.ts';
import { SECURITY_SCHEMES, SIGNED_IN, transformObject } from './platform/openapi.ts';
import type { Actor } from './platform/permissions.ts';
import { registerPiiHook } from './platform/pii.ts';
import { validatorCompiler } from './platform/validation.ts';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    ctx: Ctx;
  }
  interface FastifyContextConfig {
    /** A route anyone may call without signing in. */
    public?: boolean;
  }
  interface FastifyInstance {
    kefu: { db: Database; config: Config; routes: KefuRoute[] };
  }
}

/** A route as registered (HEAD twins left out), so tests can check every route is documented and guarded. */
export type KefuRoute = { method: string; url: string; public: boolean; schema?: FastifySchema };

export type KefuApp = FastifyInstance;
/**
 * Browser features Kefu uses: the location, for a visit's check-in (self only). Everything else is off —
 * camera, microphone, payment, USB, sensors, screen capture — so injected content could not ask for them.
 */
export const PERMISSIONS_POLICY = [
  'geolocation=(self)',
  'camera=()',
  'microphone=()',
  'payment=()',
  'usb=()',
  'serial=()',
  'bluetooth=()',
  'hid=()',
  'midi=()',
  'accelerometer=()',
  'gyroscope=()',
  'magnetometer=()',
  'display-capture=()',
  'publickey-credentials-get=()',
  'browsing-topics=()',
].join(', ');
const webDist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

export async function buildApp(opts: { db: Database; config: Config; logger?: boolean | object }) {
  const { db, config } = opts;
  // The upload limits of the one file policy (platform/files.ts), from the configuration.
  configureUploads(config.uploads);
  const app = Fastify({
    // Request lines go through logSerializers, which cut public tokens out of URLs (platform/log.ts).
    logger: opts.logger
      ? { ...(typeof opts.logger === 'object' ? opts.logger : {}), serializers: logSerializers }
      : false,
    trustProxy: config.trustProxy,
    bodyLimit: 2 * 1024 * 1024,
    ajv: undefined,
    // A path with broken percent-encoding (`/api/tickets/%ED%A0%80`) never reaches a route: 400 naming the path.
    frameworkErrors: (err, _req, reply: FastifyReply) =>
      reply.status(400).send({
        error: { code: 'BAD_URL', message: err.message, fields: { path: 'is not a valid URL' } },
      }),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const routes: KefuRoute[] = [];
  app.decorate('kefu', { db, config, routes });
  app.decorateRequest('actor', null);
  app.decorateRequest('ctx', null as unknown as Ctx);

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    frameguard: { action: 'deny' },
    // HSTS only on https (behind a TLS-terminating proxy with KEFU_TRUST_PROXY): below.
    strictTransportSecurity: false,
  });
  app.addHook('onRequest', async (req, reply) => {
    reply.header('permissions-policy', PERMISSIONS_POLICY);
    if (config.trustProxy && req.protocol === 'https')
      reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
  });
  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  // Each upload route reads its file within its kind's limit (platform/files.ts); this is the ceiling of all.
  const maxUpload = Math.max(config.uploads.attachmentMaxBytes, config.uploads.importMaxBytes);
  await app.register(multipart, { limits: { fileSize: maxUpload, files: 1 } });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Kefu API', description: 'Kefu (客服) customer service system', version: '0.1.0' },
      components: { securitySchemes: SECURITY_SCHEMES },
      security: SIGNED_IN,
    },
    transform: jsonSchemaTransform,
    // Named components, error responses, operation ids and security: see platform/openapi.ts.
    transformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  app.addHook('onRoute', (route) => {
    // The OpenAPI document marks public routes so clients know which need a session.
    if (route.config?.public && route.schema) (route.schema as any).security = [];
    for (const method of [route.method].flat())
      if (method !== 'HEAD')
        routes.push({ method, url: route.url, public: !!route.config?.public, schema: route.schema });
  });

  app.addHook('onRequest', async (req) => {
    const token = req.cookies[SESSION_COOKIE];
    req.actor = token ? await actorFromSession(db, token, config.sessionHours) : null;
    req.ctx = { db, actor: req.actor, ip: req.ip, userAgent: req.headers['user-agent'] ?? null };
    const url = req.url.split('?')[0];
    const isApi = url.startsWith('/api/');
    // The API documentation pages (swagger-ui) are public; a route that merely starts with "docs" is not.
    const isPublicPath = url === '/api/docs' || url.startsWith('/api/docs/') || url === '/api/openapi.json';
    if (isApi && !isPublicPath && !req.routeOptions.config?.public && !req.actor && req.routeOptions.url) {
      throw new AppError('UNAUTHENTICATED', 401, 'Sign in first');
    }
  });

  // Every JSON response's personal data is masked (or its unmasked read audited) here: docs/SECURITY.md.
  registerPiiHook(app);

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const fields: Record<string, string> = {};
      for (const v of err.validation) {
        const key =
          v.instancePath.replace(/^\//, '').replace(/\//g, '.') ||
          (v.params as any)?.issue?.path?.join('.') ||
          err.validationContext ||
          'body';
        fields[key] ??= v.message ?? 'invalid';
      }
      return reply.status(400).send({
        error: {
          code: 'VALIDATION_FAILED',
          message: `Invalid ${err.validationContext ?? 'input'}: ${Object.entries(fields)
            .map(([k, m]) => `${k} ${m}`)
            .join('; ')}`,
          fields,
        },
      });
    }
    const appErr = err instanceof AppError ? err : fromPgError(err);
    if (appErr) {
      return reply.status(appErr.status).send({
        error: { code: appErr.code, message: appErr.message, fields: appErr.fields, details: appErr.details },
      });
    }
    if (err.statusCode && err.statusCode < 500) {
      const code =
        err.statusCode === 429
          ? 'RATE_LIMITED'
          : err.statusCode === 413
            ? 'TOO_LARGE'
            : (err.code ?? 'BAD_REQUEST');
      // A body Fastify cannot parse (malformed JSON, a `__proto__` key, an empty JSON body) names the body.
      const fields =
        err.statusCode === 400 && code.startsWith('FST_ERR_CTP') ? { body: err.message } : undefined;
      return reply.status(err.statusCode).send({ error: { code, message: err.message, fields } });
    }
    req.log.error({ err }, 'unhandled error');
    return reply
      .status(500)
      .send({ error: { code: 'INTERNAL', message: 'Internal error; it has been logged' } });
  });

  app.get('/api/openapi.json', { schema: { hide: true }, config: { public: true } }, async () =>
    app.swagger(),
  );

  for (const mod of modules) await app.register(mod, { prefix: '/api' });

  if (fs.existsSync(path.join(webDist, 'index.html'))) {
    await app.register(fastifyStatic, { root: webDist, wildcard: false, index: 'index.html' });
  }
  app.setNotFoundHandler((req, reply) => {
    if (
      req.url.startsWith('/api/') ||
      req.method !== 'GET' ||
      !fs.existsSync(path.join(webDist, 'index.html'))
    ) {
      return reply.status(404).send({
        error: { code: 'ROUTE_NOT_FOUND', message: `No route ${req.method} ${req.url.split('?')[0]}` },
      });
    }
    return reply.sendFile('index.html');
  });

  return app;
}

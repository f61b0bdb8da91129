// Knowledge base (知识库): articles (service standards, scripts 话术, FAQ), categories, versions, search, macros.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../../platform/context.ts';
import { commonErrors, named, page, ZId, ZIdParams, ZLimit } from '../../platform/schemas.ts';
import {
  createArticle,
  createKbCategory,
  createMacro,
  getArticle,
  getMacro,
  listArticleVersions,
  listKbCategories,
  listMacros,
  searchArticles,
  updateArticle,
  updateKbCategory,
  updateMacro,
} from './service.ts';

const ZKind = z.enum(['standard', 'script', 'faq']);
const ZStatus = z.enum(['draft', 'published', 'archived']);
const ZCategory = z.object({
  id: z.number(),
  parentId: z.number().nullable(),
  name: z.string(),
  sort: z.number(),
});
named('KbCategory', ZCategory);
const ZCategoryInput = z.object({
  name: z.string().trim().min(1).max(100),
  parentId: ZId.nullable().optional(),
  sort: z.number().int().min(-1000).max(1000).optional(),
});
const articleBase = {
  id: z.number(),
  categoryId: z.number().nullable(),
  kind: ZKind,
  title: z.string(),
  status: ZStatus,
  tags: z.array(z.string()),
  version: z.number(),
  updatedAt: z.string(),
  updatedBy: z.number().nullable(),
};
const ZArticle = z.object({ ...articleBase, body: z.string() });
named('KbArticle', ZArticle);
const ZArticleItem = z.object({ ...articleBase, excerpt: z.string() });
named('KbArticleSummary', ZArticleItem);
const ZArticleInput = z.object({
  categoryId: ZId.nullable().optional(),
  kind: ZKind,
  title: z.string().trim().min(1).max(200),
  body: z.string().max(100_000),
  status: ZStatus.optional(),
  tags: z.array(z.string().trim().min(1).max(40)).max(20).optional(),
  note: z.string().trim().max(500).nullable().optional(),
});
const ZMacro = z.object({
  id: z.number(),
  name: z.string(),
  body: z.string(),
  ticketType: z.string().nullable(),
  active: z.boolean(),
  version: z.number(),
});
named('KbMacro', ZMacro);
const ZMacroInput = z.object({
  name: z.string().trim().min(1).max(100),
  body: z.string().min(1).max(10_000),
  ticketType: z
    .enum(['consultation', 'service_request', 'complaint', 'suggestion', 'fault'])
    .nullable()
    .optional(),
  active: z.boolean().optional(),
});

export const kbRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['kb'];
  app.get(
    '/kb/categories',
    { schema: { tags, response: { 200: z.array(ZCategory), ...commonErrors } } },
    async (req) => {
      requireActor(req.ctx);
      return listKbCategories(req.ctx);
    },
  );
  app.post(
    '/kb/categories',
    { schema: { tags, body: ZCategoryInput, response: { 200: ZCategory, ...commonErrors } } },
    async (req) => {
      requireActor(req.ctx);
      return createKbCategory(req.ctx, req.body);
    },
  );
  app.patch(
    '/kb/categories/:id',
    {
      schema: {
        tags,
        params: ZIdParams,
        body: ZCategoryInput.partial(),
        response: { 200: ZCategory, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return updateKbCategory(req.ctx, req.params.id, req.body);
    },
  );
  app.get(
    '/kb/articles',
    {
      schema: {
        tags,
        summary: 'Search articles: every word must occur (Chinese substrings of any length match)',
        querystring: z.object({
          q: z.string().max(100).optional(),
          categoryId: ZId.optional(),
          kind: ZKind.optional(),
          status: ZStatus.optional(),
          cursor: z.string().max(200).optional(),
          limit: ZLimit,
        }),
        response: { 200: page(ZArticleItem), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return searchArticles(req.ctx, req.query);
    },
  );
  app.get(
    '/kb/articles/:id',
    { schema: { tags, params: ZIdParams, response: { 200: ZArticle, ...commonErrors } } },
    async (req) => {
      requireActor(req.ctx);
      return getArticle(req.ctx, req.params.id);
    },
  );
  app.post(
    '/kb/articles',
    { schema: { tags, body: ZArticleInput, response: { 200: ZArticle, ...commonErrors } } },
    async (req) => {
      requireActor(req.ctx);
      return createArticle(req.ctx, req.body);
    },
  );
  app.patch(
    '/kb/articles/:id',
    {
      schema: {
        tags,
        params: ZIdParams,
        body: ZArticleInput.partial().extend({ version: z.number().int() }),
        response: { 200: ZArticle, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return updateArticle(req.ctx, req.params.id, req.body);
    },
  );
  app.get(
    '/kb/articles/:id/versions',
    {
      schema: {
        tags,
        summary: 'Every version of an article: who changed what, when',
        params: ZIdParams,
        response: {
          200: z.array(
            z.object({
              version: z.number(),
              title: z.string(),
              body: z.string(),
              status: z.string(),
              note: z.string().nullable(),
              changedBy: z.number().nullable(),
              changedByName: z.string().nullable(),
              changedAt: z.string(),
            }),
          ),
          ...commonErrors,
        },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return listArticleVersions(req.ctx, req.params.id);
    },
  );
  app.get(
    '/kb/macros',
    {
      schema: {
        tags,
        summary: 'Reply templates ({{customer.name}}, {{ticket.number}}, {{agent.name}})',
        querystring: z.object({
          ticketType: z.string().max(40).optional(),
          all: z
            .enum(['true', 'false'])
            .transform((v) => v === 'true')
            .optional(),
        }),
        response: { 200: z.array(ZMacro), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return listMacros(req.ctx, req.query);
    },
  );
  app.get(
    '/kb/macros/:id',
    { schema: { tags, params: ZIdParams, response: { 200: ZMacro, ...commonErrors } } },
    async (req) => {
      requireActor(req.ctx);
      return getMacro(req.ctx, req.params.id);
    },
  );
  app.post(
    '/kb/macros',
    { schema: { tags, body: ZMacroInput, response: { 200: ZMacro, ...commonErrors } } },
    async (req) => {
      requireActor(req.ctx);
      return createMacro(req.ctx, req.body);
    },
  );
  app.patch(
    '/kb/macros/:id',
    {
      schema: {
        tags,
        params: ZIdParams,
        body: ZMacroInput.partial().extend({ version: z.number().int() }),
        response: { 200: ZMacro, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return updateMacro(req.ctx, req.params.id, req.body);
    },
  );
};

// HTTP routes of suitability (适当性管理): questionnaires and products (administered), a customer's assessments,
// category requests, the match check and offers. Nothing here edits or deletes a record.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../../platform/context.ts';
import { commonErrors, named, ZId } from '../../platform/schemas.ts';
import {
  checkMatch,
  createAssessment,
  createProduct,
  createQuestionnaire,
  decideCategoryRequest,
  getSuitability,
  LEVELS,
  listProducts,
  listQuestionnaires,
  RISK_LEVELS,
  recordOffer,
  requestCategoryChange,
} from './service.ts';

const ZKey = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[\w-]+$/, 'letters, digits, _ and - only');
const ZQuestion = z.object({
  key: ZKey,
  text: z.string().trim().min(1).max(500),
  options: z
    .array(
      z.object({
        key: ZKey,
        text: z.string().trim().min(1).max(200),
        score: z.number().int().min(0).max(100),
      }),
    )
    .min(2)
    .max(10),
});
const ZBand = z.object({
  level: z.enum(LEVELS),
  min: z.number().int().min(0).max(1000),
  max: z.number().int().min(0).max(1000),
});
const ZQuestionnaire = z.object({
  id: z.number(),
  name: z.string(),
  questions: z.array(ZQuestion),
  bands: z.array(ZBand),
  validMonths: z.number(),
  active: z.boolean(),
  createdAt: z.string(),
});
named('SuitabilityQuestionnaire', ZQuestionnaire);
const ZProduct = z.object({
  id: z.number(),
  code: z.string(),
  name: z.string(),
  kind: z.enum(['product', 'service']),
  riskLevel: z.enum(RISK_LEVELS),
  active: z.boolean(),
});
named('SuitabilityProduct', ZProduct);
const ZAssessment = z.object({
  id: z.number(),
  customerId: z.number(),
  questionnaireId: z.number(),
  answers: z.record(z.string(), z.string()),
  score: z.number(),
  level: z.enum(LEVELS),
  lowestCategory: z.boolean(),
  professional: z.boolean(),
  evidence: z.array(z.number()),
  validUntil: z.string(),
  expired: z.boolean(),
  assessedBy: z.number().nullable(),
  createdAt: z.string(),
  /** On a record a merge carried over from a merged customer: the original record's id. */
  carriedFromId: z.number().nullable(),
});
named('SuitabilityAssessment', ZAssessment);
const ZOffer = z.object({
  id: z.number(),
  customerId: z.number(),
  productId: z.number(),
  assessmentId: z.number().nullable(),
  customerLevel: z.string().nullable(),
  professional: z.boolean(),
  lowestCategory: z.boolean(),
  productLevel: z.string(),
  matched: z.boolean(),
  warningAcknowledged: z.boolean(),
  choice: z.enum(['proceed', 'decline']),
  note: z.string().nullable(),
  offeredBy: z.number().nullable(),
  createdAt: z.string(),
  /** On a record a merge carried over from a merged customer: the original record's id. */
  carriedFromId: z.number().nullable(),
});
named('SuitabilityOffer', ZOffer);
const ZRequest = z.object({
  id: z.number(),
  customerId: z.number(),
  toProfessional: z.boolean(),
  evidence: z.array(z.number()),
  reason: z.string().nullable(),
  status: z.enum(['pending', 'approved', 'rejected']),
  requestedBy: z.number().nullable(),
  decidedBy: z.number().nullable(),
  decidedAt: z.string().nullable(),
  assessmentId: z.number().nullable(),
  createdAt: z.string(),
});
named('SuitabilityCategoryRequest', ZRequest);
const ZCustomerParams = z.object({ customerId: ZId });

export const suitabilityRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['suitability'];
  app.get(
    '/suitability/questionnaires',
    {
      schema: {
        tags,
        summary: 'Risk-tolerance questionnaires (newest first; one active)',
        response: { 200: z.array(ZQuestionnaire), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return listQuestionnaires(req.ctx);
    },
  );
  app.post(
    '/suitability/questionnaires',
    {
      schema: {
        tags,
        summary: 'New questionnaire version with its score bands (C1–C5); becomes the active one',
        body: z.object({
          name: z.string().trim().min(1).max(200),
          questions: z.array(ZQuestion).min(1).max(50),
          bands: z.array(ZBand).length(5),
          validMonths: z.number().int().min(1).max(120).default(24),
        }),
        response: { 201: ZQuestionnaire, ...commonErrors },
      },
    },
    async (req, reply) => {
      requireActor(req.ctx);
      return reply.status(201).send(await createQuestionnaire(req.ctx, req.body));
    },
  );
  app.get(
    '/suitability/products',
    {
      schema: {
        tags,
        summary: 'Products and services with their risk levels (R1–R5)',
        response: { 200: z.array(ZProduct), ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return listProducts(req.ctx);
    },
  );
  app.post(
    '/suitability/products',
    {
      schema: {
        tags,
        summary: 'Add a product or service with its risk level',
        body: z.object({
          code: z.string().trim().min(1).max(64),
          name: z.string().trim().min(1).max(200),
          kind: z.enum(['product', 'service']).optional(),
          riskLevel: z.enum(RISK_LEVELS),
        }),
        response: { 201: ZProduct, ...commonErrors },
      },
    },
    async (req, reply) => {
      requireActor(req.ctx);
      return reply.status(201).send(await createProduct(req.ctx, req.body));
    },
  );
  app.get(
    '/suitability/customers/:customerId',
    {
      schema: {
        tags,
        summary: "A customer's current assessment, assessment history, offers and category requests",
        params: ZCustomerParams,
        response: {
          200: z.object({
            current: ZAssessment.nullable(),
            assessments: z.array(ZAssessment),
            offers: z.array(ZOffer),
            categoryRequests: z.array(ZRequest),
          }),
          ...commonErrors,
        },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return getSuitability(req.ctx, req.params.customerId);
    },
  );
  app.post(
    '/suitability/customers/:customerId/assessments',
    {
      schema: {
        tags,
        summary:
          'Record a completed questionnaire: score → level by the bands; valid for the questionnaire’s months',
        params: ZCustomerParams,
        body: z.object({
          questionnaireId: ZId.optional(),
          answers: z.record(ZKey, ZKey),
          lowestCategory: z.boolean().optional(),
        }),
        response: { 201: ZAssessment, ...commonErrors },
      },
    },
    async (req, reply) => {
      requireActor(req.ctx);
      return reply.status(201).send(await createAssessment(req.ctx, req.params.customerId, req.body));
    },
  );
  app.post(
    '/suitability/customers/:customerId/category-requests',
    {
      schema: {
        tags,
        summary:
          'Request a change of investor category (professional with evidence attachments, or back to ordinary)',
        params: ZCustomerParams,
        body: z.object({
          toProfessional: z.boolean(),
          evidence: z.array(ZId).max(20).default([]),
          reason: z.string().max(2000).nullish(),
        }),
        response: { 201: ZRequest, ...commonErrors },
      },
    },
    async (req, reply) => {
      requireActor(req.ctx);
      return reply.status(201).send(await requestCategoryChange(req.ctx, req.params.customerId, req.body));
    },
  );
  app.post(
    '/suitability/category-requests/:id/decide',
    {
      schema: {
        tags,
        summary: 'Approve (writes a new assessment record with the category) or reject a category request',
        params: z.object({ id: ZId }),
        body: z.object({ approve: z.boolean() }),
        response: { 200: ZRequest, ...commonErrors },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return decideCategoryRequest(req.ctx, req.params.id, req.body);
    },
  );
  app.get(
    '/suitability/customers/:customerId/match',
    {
      schema: {
        tags,
        summary:
          'Does a product suit the customer? warning is set when it does not; blocked = no override possible',
        params: ZCustomerParams,
        querystring: z.object({ productId: ZId }),
        response: {
          200: z.object({
            customerLevel: z.enum(LEVELS).nullable(),
            professional: z.boolean(),
            lowestCategory: z.boolean(),
            productLevel: z.enum(RISK_LEVELS),
            matched: z.boolean(),
            blocked: z.boolean(),
            warning: z.enum(['NO_VALID_ASSESSMENT', 'LOWEST_CATEGORY', 'LEVEL_BELOW_PRODUCT']).nullable(),
          }),
          ...commonErrors,
        },
      },
    },
    async (req) => {
      requireActor(req.ctx);
      return checkMatch(req.ctx, req.params.customerId, req.query.productId);
    },
  );
  app.post(
    '/suitability/customers/:customerId/offers',
    {
      schema: {
        tags,
        summary:
          'Record an offer with the customer’s choice. A mismatched proceed needs acknowledged=true (409 SUITABILITY_ACK_REQUIRED); lowest category above R1: 409 SUITABILITY_BLOCKED',
        params: ZCustomerParams,
        body: z.object({
          productId: ZId,
          choice: z.enum(['proceed', 'decline']),
          acknowledged: z.boolean().optional(),
          note: z.string().max(2000).nullish(),
        }),
        response: { 201: ZOffer, ...commonErrors },
      },
    },
    async (req, reply) => {
      requireActor(req.ctx);
      return reply.status(201).send(await recordOffer(req.ctx, req.params.customerId, req.body));
    },
  );
};

// Zod request/response schemas of the customer base: the API contract the web app is typed from.
import { z } from 'zod';
import { named, page } from '../../platform/schemas.ts';

export const CUSTOMER_STATUSES = ['prospect', 'active', 'dormant', 'closed'] as const;
export const ID_TYPES = [
  'id_card',
  'passport',
  'hk_macao_permit',
  'taiwan_permit',
  'foreign_permanent',
  'military',
  'other',
] as const;
export const INTERACTION_CHANNELS = [
  'phone_in',
  'phone_out',
  'sms',
  'email',
  'visit',
  'counter',
  'portal',
  'wechat',
  'meeting',
] as const;
export const CUSTOM_FIELD_TYPES = ['text', 'number', 'date', 'single_choice', 'multi_choice'] as const;

const str = (max: number) => z.string().max(max);
const optText = (max: number) => z.string().max(max).nullable().optional();

export const ZProfile = z
  .object({
    preferences: optText(2000),
    financialInfo: optText(2000),
    taxInfo: optText(2000),
    orgStructure: optText(4000),
    legalRepresentative: optText(100),
    investmentNeeds: optText(2000),
    investmentExperience: optText(2000),
    tradingFrequency: optText(200),
    typicalProducts: z.array(str(100)).max(50).nullable().optional(),
  })
  .strict();
export const ZRelationship = z
  .object({
    history: optText(4000),
    current: optText(4000),
    expected: optText(4000),
    competitors: z.array(str(200)).max(50).nullable().optional(),
  })
  .strict();

export const ZContactInput = z.object({
  id: z.number().int().positive().optional(),
  name: z.string().trim().min(1).max(100),
  role: optText(100),
  phone: optText(40),
  phoneBackup: optText(40),
  email: optText(200),
  isPrimary: z.boolean().optional(),
  notes: optText(1000),
});
export const ZContact = z.object({
  id: z.number(),
  name: z.string(),
  role: z.string().nullable(),
  phone: z.string().nullable(),
  phoneBackup: z.string().nullable(),
  email: z.string().nullable(),
  isPrimary: z.boolean(),
  notes: z.string().nullable(),
});
named('Contact', ZContact);

const customerFields = {
  name: z.string().max(200),
  status: z.enum(CUSTOMER_STATUSES),
  branchId: z.number().int().positive(),
  ownerId: z.number().int().positive().nullable(),
  sourceChannel: str(64).nullable(),
  tier: str(64).nullable(),
  tags: z.array(z.string().trim().min(1).max(50)).max(50),
  notes: str(10000).nullable(),
  idType: z.enum(ID_TYPES).nullable(),
  idNumber: str(40).nullable(),
  gender: z.enum(['male', 'female', 'unknown']).nullable(),
  birthDate: z.iso.date().nullable(),
  phone: str(40).nullable(),
  phoneBackup: str(40).nullable(),
  email: str(200).nullable(),
  address: str(500).nullable(),
  occupation: str(100).nullable(),
  employer: str(200).nullable(),
  registeredName: str(200).nullable(),
  creditCode: str(40).nullable(),
  industry: str(100).nullable(),
  riskLevel: z.enum(['C1', 'C2', 'C3', 'C4', 'C5']).nullable(),
  purpose: z.enum(['hedger', 'speculator', 'both']).nullable(),
  assetsUnderCustody: z.union([z.number(), z.string().regex(/^-?\d{1,18}(\.\d{1,2})?$/)]).nullable(),
  profile: ZProfile,
  relationship: ZRelationship,
  custom: z.record(z.string(), z.unknown()),
  contacts: z.array(ZContactInput).max(50),
};

export const ZCustomerCreate = z
  .object(customerFields)
  .partial()
  .extend({
    code: z.string().max(64),
    kind: z.enum(['individual', 'organisation']),
    name: customerFields.name,
  });
export const ZCustomerPatch = z
  .object(customerFields)
  .partial()
  .extend({
    version: z.number().int(),
    code: z.string().max(64).optional(),
    kind: z.enum(['individual', 'organisation']).optional(),
  });
export type TCustomerCreate = z.infer<typeof ZCustomerCreate>;
export type TCustomerPatch = z.infer<typeof ZCustomerPatch>;
export type TCustomerInput = Partial<Omit<TCustomerPatch, 'version'>>;

export const ZCustomerSummary = z.object({
  id: z.number(),
  code: z.string(),
  kind: z.enum(['individual', 'organisation']),
  name: z.string(),
  status: z.enum([...CUSTOMER_STATUSES, 'merged']),
  mergedIntoId: z.number().nullable(),
  branchId: z.number(),
  ownerId: z.number().nullable(),
  ownerName: z.string().nullable(),
  tier: z.string().nullable(),
  tags: z.array(z.string()),
  idType: z.string().nullable(),
  idNumber: z.string().nullable(),
  phone: z.string().nullable(),
  registeredName: z.string().nullable(),
  riskLevel: z.string().nullable(),
  custom: z.record(z.string(), z.unknown()),
  lastContactAt: z.string().nullable(),
  updatedAt: z.string(),
});
named('CustomerSummary', ZCustomerSummary);
export const ZCustomer = ZCustomerSummary.extend({
  sourceChannel: z.string().nullable(),
  notes: z.string().nullable(),
  gender: z.string().nullable(),
  birthDate: z.string().nullable(),
  phoneBackup: z.string().nullable(),
  email: z.string().nullable(),
  address: z.string().nullable(),
  occupation: z.string().nullable(),
  employer: z.string().nullable(),
  creditCode: z.string().nullable(),
  industry: z.string().nullable(),
  purpose: z.string().nullable(),
  assetsUnderCustody: z.string().nullable(),
  profile: z.record(z.string(), z.unknown()),
  relationship: z.record(z.string(), z.unknown()),
  contacts: z.array(ZContact),
  createdAt: z.string(),
  version: z.number(),
  /** True when ID numbers and phones in this response are masked (the caller lacks customer.pii). */
  piiMasked: z.boolean(),
});
named('Customer', ZCustomer);

export const FILTER_OPS = [
  'eq',
  'ne',
  'in',
  'contains',
  'gt',
  'gte',
  'lt',
  'lte',
  'between',
  'empty',
  'notEmpty',
  'hasAny',
  'hasAll',
] as const;
export const ZFilter = z.object({
  /** A built-in field (`status`, `tier`, `tags`, `birthDate` …), `custom.<key>` or `profile.<key>`. */
  field: z.string().min(1).max(80),
  op: z.enum(FILTER_OPS),
  value: z.unknown().optional(),
});
named('CustomerFilter', ZFilter);
export const SORT_FIELDS = ['id', 'code', 'name', 'updatedAt', 'createdAt'] as const;
export const ZCustomerQuery = z.object({
  q: z.string().max(100).optional(),
  filters: z.array(ZFilter).max(30).optional(),
  sort: z.enum(SORT_FIELDS).optional(),
  dir: z.enum(['asc', 'desc']).optional(),
  /** Include merged customers (hidden by default). */
  includeMerged: z.boolean().optional(),
});
export type TCustomerQuery = z.infer<typeof ZCustomerQuery>;
export const ZCustomerSearch = ZCustomerQuery.extend({
  cursor: z.string().max(500).optional(),
  limit: z.number().int().min(1).max(200).default(50),
  /** Also count the matches, up to 10 000 (then `count.capped` is true: show "10,000+"). */
  withCount: z.boolean().optional(),
});
export const ZCount = z.object({ value: z.number(), capped: z.boolean() });
export const ZCustomerPage = page(ZCustomerSummary).extend({ count: ZCount.nullable() });
named('CustomerSearchPage', ZCustomerPage);

export const ZHistoryEntry = z.object({
  id: z.number(),
  at: z.string(),
  actorId: z.number().nullable(),
  actorName: z.string().nullable(),
  action: z.string(),
  field: z.string(),
  oldValue: z.unknown(),
  newValue: z.unknown(),
});
named('CustomerHistoryEntry', ZHistoryEntry);

export const ZInteractionInput = z.object({
  channel: z.enum(INTERACTION_CHANNELS),
  direction: z.enum(['inbound', 'outbound', 'internal']).optional(),
  occurredAt: z.iso.datetime({ offset: true }).optional(),
  staffId: z.number().int().positive().nullable().optional(),
  summary: z.string().trim().min(1).max(4000),
  outcome: z.string().trim().max(1000).nullable().optional(),
  ticketId: z.number().int().positive().nullable().optional(),
  campaignId: z.number().int().positive().nullable().optional(),
  attachmentIds: z.array(z.number().int().positive()).max(20).optional(),
});
export type TInteractionInput = z.infer<typeof ZInteractionInput>;
export const ZInteraction = z.object({
  id: z.number(),
  customerId: z.number(),
  channel: z.enum(INTERACTION_CHANNELS),
  direction: z.enum(['inbound', 'outbound', 'internal']),
  occurredAt: z.string(),
  staffId: z.number().nullable(),
  staffName: z.string().nullable(),
  summary: z.string(),
  outcome: z.string().nullable(),
  ticketId: z.number().nullable(),
  campaignId: z.number().nullable(),
  source: z.enum(['manual', 'system']),
  attachmentIds: z.array(z.number()),
  createdAt: z.string(),
});
named('Interaction', ZInteraction);

export const ZCustomFieldOption = z.object({
  value: z.string().trim().min(1).max(100),
  label: z.string().trim().min(1).max(100),
});
export const ZCustomField = z.object({
  id: z.number(),
  key: z.string(),
  kind: z.enum(['individual', 'organisation', 'all']),
  label: z.string(),
  type: z.enum(CUSTOM_FIELD_TYPES),
  required: z.boolean(),
  options: z.array(ZCustomFieldOption),
  position: z.number(),
  active: z.boolean(),
  version: z.number(),
});
named('CustomField', ZCustomField);
export const ZCustomFieldCreate = z.object({
  key: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be lower-case letters, digits, _ (start with a letter)'),
  kind: z.enum(['individual', 'organisation', 'all']),
  label: z.string().trim().min(1).max(100),
  type: z.enum(CUSTOM_FIELD_TYPES),
  required: z.boolean().optional(),
  options: z.array(ZCustomFieldOption).max(200).optional(),
  position: z.number().int().min(0).max(10000).optional(),
});
export const ZCustomFieldPatch = z.object({
  version: z.number().int(),
  label: z.string().trim().min(1).max(100).optional(),
  kind: z.enum(['individual', 'organisation', 'all']).optional(),
  required: z.boolean().optional(),
  options: z.array(ZCustomFieldOption).max(200).optional(),
  position: z.number().int().min(0).max(10000).optional(),
  active: z.boolean().optional(),
});

export const ZSavedView = z.object({
  id: z.number(),
  name: z.string(),
  entity: z.string(),
  query: ZCustomerQuery,
  isDefault: z.boolean(),
  updatedAt: z.string(),
});
named('SavedView', ZSavedView);
export const ZSavedViewInput = z.object({
  name: z.string().trim().min(1).max(100),
  query: ZCustomerQuery,
  isDefault: z.boolean().optional(),
});

export const PII_REVEAL_FIELDS = ['idNumber', 'phone', 'phoneBackup', 'contacts'] as const;
export const ZRevealInput = z.object({ fields: z.array(z.enum(PII_REVEAL_FIELDS)).min(1).max(4) });
export const ZReveal = z.object({
  idNumber: z.string().nullable().optional(),
  phone: z.string().nullable().optional(),
  phoneBackup: z.string().nullable().optional(),
  contacts: z
    .array(z.object({ id: z.number(), phone: z.string().nullable(), phoneBackup: z.string().nullable() }))
    .optional(),
});

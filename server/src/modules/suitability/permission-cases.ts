// Who may call the suitability routes (the permission table, see test/permission-table.ts): suitability.read to see
// and check a match, suitability.write to assess, request a category change and record offers, suitability.manage
// (administrator, compliance) for questionnaires, products and deciding category requests.
import { sql } from 'kysely';
import type { TestApp } from '../../test/app.ts';
import { branchId, uniq } from '../../test/fixtures.ts';
import { addCases, type RoleCode } from '../../test/permission-table.ts';

const READ: RoleCode[] = ['admin', 'supervisor', 'agent', 'account_manager', 'branch_manager', 'compliance'];
const WRITE: RoleCode[] = ['admin', 'agent', 'account_manager'];
const MANAGE: RoleCode[] = ['admin', 'compliance'];

async function customer(t: TestApp) {
  const r = await t.db
    .insertInto('customers')
    .values({
      code: uniq('PS'),
      kind: 'individual',
      name: '适当性',
      status: 'active',
      branch_id: await branchId(t, 'BJ01'),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

async function product(t: TestApp, level = 'R2') {
  const r = await t.db
    .insertInto('products')
    .values({ code: uniq('P'), name: '产品', risk_level: level as any })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** The questionnaire the migration seeds (ANSWERS fit it). */
const defaultQuestionnaire = async (t: TestApp) =>
  (await t.db.selectFrom('suitability_questionnaires').select('id').orderBy('id').executeTakeFirstOrThrow())
    .id;

/** A customer with a C3 assessment valid for two years. */
async function assessed(t: TestApp) {
  const id = await customer(t);
  const q = await t.db
    .selectFrom('suitability_questionnaires')
    .select('id')
    .orderBy('id')
    .executeTakeFirstOrThrow();
  await sql`insert into suitability_assessments (customer_id, branch_id, questionnaire_id, answers, score, level, valid_until)
            values (${id}, ${await branchId(t, 'BJ01')}, ${q.id}, '{}', 40, 'C3', now() + interval '2 years')`.execute(
    t.db,
  );
  return id;
}

const ANSWERS = { age: 'b', income: 'b', experience: 'b', loss: 'a', horizon: 'a' };

addCases([
  { route: 'GET /api/suitability/questionnaires', allowed: READ },
  {
    route: 'POST /api/suitability/questionnaires',
    allowed: MANAGE,
    request: async () => ({
      url: '/api/suitability/questionnaires',
      body: {
        name: 'Q',
        questions: [
          {
            key: 'q1',
            text: '问题',
            options: [
              { key: 'a', text: 'A', score: 0 },
              { key: 'b', text: 'B', score: 100 },
            ],
          },
        ],
        bands: [
          { level: 'C1', min: 0, max: 20 },
          { level: 'C2', min: 21, max: 30 },
          { level: 'C3', min: 31, max: 50 },
          { level: 'C4', min: 51, max: 80 },
          { level: 'C5', min: 81, max: 100 },
        ],
      },
    }),
    tables: ['suitability_questionnaires'],
  },
  { route: 'GET /api/suitability/products', allowed: READ },
  {
    route: 'POST /api/suitability/products',
    allowed: MANAGE,
    request: async () => ({
      url: '/api/suitability/products',
      body: { code: uniq('P'), name: '产品', riskLevel: 'R3' },
    }),
    tables: ['products'],
  },
  {
    route: 'GET /api/suitability/customers/:customerId',
    allowed: READ,
    request: async (t) => ({ url: `/api/suitability/customers/${await assessed(t)}` }),
  },
  {
    route: 'POST /api/suitability/customers/:customerId/assessments',
    allowed: WRITE,
    request: async (t) => ({
      url: `/api/suitability/customers/${await customer(t)}/assessments`,
      body: { answers: ANSWERS, questionnaireId: await defaultQuestionnaire(t) },
    }),
    tables: ['suitability_assessments'],
  },
  {
    route: 'POST /api/suitability/customers/:customerId/category-requests',
    allowed: WRITE,
    request: async (t) => ({
      url: `/api/suitability/customers/${await assessed(t)}/category-requests`,
      body: { toProfessional: false, reason: '申请转为普通投资者' },
    }),
    tables: ['suitability_category_requests'],
  },
  {
    route: 'POST /api/suitability/category-requests/:id/decide',
    allowed: MANAGE,
    request: async (t) => {
      const id = await assessed(t);
      const r = await t.db
        .insertInto('suitability_category_requests')
        .values({
          customer_id: id,
          branch_id: await branchId(t, 'BJ01'),
          to_professional: false,
          evidence: '[]',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { url: `/api/suitability/category-requests/${r.id}/decide`, body: { approve: true } };
    },
    tables: ['suitability_category_requests', 'suitability_assessments'],
  },
  {
    route: 'GET /api/suitability/customers/:customerId/match',
    allowed: READ,
    request: async (t) => ({
      url: `/api/suitability/customers/${await assessed(t)}/match?productId=${await product(t)}`,
    }),
  },
  {
    route: 'POST /api/suitability/customers/:customerId/offers',
    allowed: WRITE,
    request: async (t) => ({
      url: `/api/suitability/customers/${await assessed(t)}/offers`,
      body: { productId: await product(t), choice: 'proceed' },
    }),
    tables: ['suitability_offers'],
  },
]);

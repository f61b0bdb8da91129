// Suitability: score → level by bands, the matching rule, the acknowledgement the server insists on, the lowest
// category with no override, append-only records (the DB refuses UPDATE/DELETE), and re-assessment tasks.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.ts';
import { insertCustomers } from '../tasks/fixtures.ts';
import { createReassessmentTasks, levelOf, matchRule } from './service.ts';

let t: TestApp;
let agent: string;
const products: Record<string, number> = {};

/** Answers to the default questionnaire that score exactly `target` (multiples of 5 from 0 to 100). */
async function answersFor(target: number) {
  const q = (await t.call(agent, 'GET', '/api/suitability/questionnaires')).body[0];
  const answers: Record<string, string> = {};
  let left = target;
  for (const question of q.questions) {
    const opts = [...question.options].sort((a: any, b: any) => b.score - a.score);
    const o = opts.find((x: any) => x.score <= left) ?? opts.at(-1);
    answers[question.key] = o.key;
    left -= o.score;
  }
  expect(left).toBe(0);
  return answers;
}

beforeAll(async () => {
  t = await createTestApp();
  agent = await t.login('agent');
  const admin = await t.login('admin');
  for (const r of ['R1', 'R2', 'R3', 'R4', 'R5']) {
    const res = await t.call(admin, 'POST', '/api/suitability/products', {
      code: `P-${r}`,
      name: `产品 ${r}`,
      riskLevel: r,
    });
    expect(res.status).toBe(201);
    products[r] = res.body.id;
  }
});
afterAll(async () => {
  await t?.close();
});

describe('levels and the matching rule', () => {
  it('default bands: 0–20 C1, 21–30 C2, 31–50 C3, 51–80 C4, 81–100 C5', () => {
    const bands = [
      { level: 'C1', min: 0, max: 20 },
      { level: 'C2', min: 21, max: 30 },
      { level: 'C3', min: 31, max: 50 },
      { level: 'C4', min: 51, max: 80 },
      { level: 'C5', min: 81, max: 100 },
    ] as const;
    expect([0, 20, 21, 30, 31, 50, 51, 80, 81, 100].map((s) => levelOf(s, [...bands]))).toEqual([
      'C1',
      'C1',
      'C2',
      'C2',
      'C3',
      'C3',
      'C4',
      'C4',
      'C5',
      'C5',
    ]);
    expect(matchRule({ level: 'C3', professional: false, lowest: false }, 'R3').matched).toBe(true);
    expect(matchRule({ level: 'C3', professional: false, lowest: false }, 'R4').matched).toBe(false);
    expect(matchRule({ level: 'C1', professional: true, lowest: false }, 'R5').matched).toBe(true);
    expect(matchRule({ level: 'C5', professional: false, lowest: true }, 'R2')).toMatchObject({
      matched: false,
      blocked: true,
    });
  });
});

describe('offers', () => {
  it('a C2 customer offered an R4 product gets the warning; proceeding needs the acknowledgement; the record cannot be edited', async () => {
    const [id] = await insertCustomers(t, 1);
    const a = await t.call(agent, 'POST', `/api/suitability/customers/${id}/assessments`, {
      answers: await answersFor(30),
    });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ score: 30, level: 'C2', lowestCategory: false, expired: false });

    const m = await t.call(agent, 'GET', `/api/suitability/customers/${id}/match?productId=${products.R4}`);
    expect(m.body).toMatchObject({
      customerLevel: 'C2',
      productLevel: 'R4',
      matched: false,
      blocked: false,
      warning: 'LEVEL_BELOW_PRODUCT',
    });

    const refused = await t.call(agent, 'POST', `/api/suitability/customers/${id}/offers`, {
      productId: products.R4,
      choice: 'proceed',
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('SUITABILITY_ACK_REQUIRED');
    expect(
      await t.db.selectFrom('suitability_offers').selectAll().where('customer_id', '=', id).execute(),
    ).toHaveLength(0);

    const ok = await t.call(agent, 'POST', `/api/suitability/customers/${id}/offers`, {
      productId: products.R4,
      choice: 'proceed',
      acknowledged: true,
      note: '客户坚持购买',
    });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({
      matched: false,
      warningAcknowledged: true,
      choice: 'proceed',
      customerLevel: 'C2',
      productLevel: 'R4',
    });
    const declined = await t.call(agent, 'POST', `/api/suitability/customers/${id}/offers`, {
      productId: products.R5,
      choice: 'decline',
    });
    expect(declined.status).toBe(201);
    const matched = await t.call(agent, 'POST', `/api/suitability/customers/${id}/offers`, {
      productId: products.R2,
      choice: 'proceed',
    });
    expect(matched.body).toMatchObject({ matched: true, warningAcknowledged: false });

    // The database refuses changes after the fact, even from a direct statement.
    await expect(
      sql`update suitability_offers set choice = 'decline' where id = ${ok.body.id}`.execute(t.db),
    ).rejects.toThrow(/cannot be updated/);
    await expect(sql`delete from suitability_offers where id = ${ok.body.id}`.execute(t.db)).rejects.toThrow(
      /cannot be deleted/,
    );
    await expect(
      sql`update suitability_assessments set level = 'C5' where id = ${a.body.id}`.execute(t.db),
    ).rejects.toThrow(/cannot be updated/);
    // And the check constraint backs the service: a mismatched proceed without acknowledgement cannot be inserted.
    await expect(
      sql`insert into suitability_offers (customer_id, branch_id, product_id, product_level, matched, choice)
          values (${id}, 2, ${products.R4}, 'R4', false, 'proceed')`.execute(t.db),
    ).rejects.toThrow(/check/);
    const view = await t.call(agent, 'GET', `/api/suitability/customers/${id}`);
    expect(view.body.offers).toHaveLength(3);
    expect(view.body.current.level).toBe('C2');
  });

  it('a C1 lowest-category customer cannot be matched above R1, even with acknowledgement', async () => {
    const [id] = await insertCustomers(t, 1);
    const a = await t.call(agent, 'POST', `/api/suitability/customers/${id}/assessments`, {
      answers: await answersFor(10),
      lowestCategory: true,
    });
    expect(a.body).toMatchObject({ level: 'C1', lowestCategory: true });
    const m = await t.call(agent, 'GET', `/api/suitability/customers/${id}/match?productId=${products.R2}`);
    expect(m.body).toMatchObject({ matched: false, blocked: true, warning: 'LOWEST_CATEGORY' });
    const r = await t.call(agent, 'POST', `/api/suitability/customers/${id}/offers`, {
      productId: products.R2,
      choice: 'proceed',
      acknowledged: true,
    });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('SUITABILITY_BLOCKED');
    const r1 = await t.call(agent, 'POST', `/api/suitability/customers/${id}/offers`, {
      productId: products.R1,
      choice: 'proceed',
    });
    expect(r1.body).toMatchObject({ matched: true });
  });

  it('without an assessment nothing above the customer can proceed; a professional investor (approved with evidence) takes all', async () => {
    const [id] = await insertCustomers(t, 1);
    const none = await t.call(agent, 'POST', `/api/suitability/customers/${id}/offers`, {
      productId: products.R1,
      choice: 'proceed',
      acknowledged: true,
    });
    expect(none.body.error.code).toBe('SUITABILITY_ASSESSMENT_REQUIRED');
    await t.call(agent, 'POST', `/api/suitability/customers/${id}/assessments`, {
      answers: await answersFor(30),
    });
    const noEvidence = await t.call(agent, 'POST', `/api/suitability/customers/${id}/category-requests`, {
      toProfessional: true,
    });
    expect(noEvidence.body.error.code).toBe('EVIDENCE_REQUIRED');
    const att = await t.db
      .insertInto('customer_attachments')
      .values({
        customer_id: id,
        filename: 'assets.pdf',
        content_type: 'application/pdf',
        size_bytes: 3,
        sha256: 'x',
        content: Buffer.from('pdf'),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const req = await t.call(agent, 'POST', `/api/suitability/customers/${id}/category-requests`, {
      toProfessional: true,
      evidence: [att.id],
      reason: '金融资产 500 万以上',
    });
    expect(req.status).toBe(201);
    expect(
      (
        await t.call(agent, 'POST', `/api/suitability/category-requests/${req.body.id}/decide`, {
          approve: true,
        })
      ).status,
    ).toBe(403);
    const d = await t.call(
      await t.login('compliance'),
      'POST',
      `/api/suitability/category-requests/${req.body.id}/decide`,
      { approve: true },
    );
    expect(d.body).toMatchObject({ status: 'approved' });
    const m = await t.call(agent, 'GET', `/api/suitability/customers/${id}/match?productId=${products.R5}`);
    expect(m.body).toMatchObject({ customerLevel: 'C2', professional: true, matched: true });
    const view = await t.call(agent, 'GET', `/api/suitability/customers/${id}`);
    expect(view.body.assessments).toHaveLength(2); // the approval is a new record; the old one is unchanged
  });

  it('invalid answers are a 400 with fields, never a 500', async () => {
    const [id] = await insertCustomers(t, 1);
    const r = await t.call(agent, 'POST', `/api/suitability/customers/${id}/assessments`, {
      answers: { age: 'z', nope: 'a' },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.fields).toMatchObject({
      'answers.age': 'ANSWER_REQUIRED',
      'answers.nope': 'QUESTION_UNKNOWN',
    });
  });
});

describe('re-assessment', () => {
  it('creates one task per assessment expiring soon, however often it runs', async () => {
    const [id] = await insertCustomers(t, 1);
    const q = await t.db.selectFrom('suitability_questionnaires').select('id').executeTakeFirstOrThrow();
    // An assessment from 23 months ago (valid for 24): inserted directly, as history would be.
    await sql`insert into suitability_assessments (customer_id, branch_id, questionnaire_id, answers, score, level, valid_until, created_at)
              values (${id}, 2, ${q.id}, '{}', 40, 'C3', now() + interval '20 days', now() - interval '23 months')`.execute(
      t.db,
    );
    const first = await createReassessmentTasks(t.db);
    const second = await createReassessmentTasks(t.db);
    expect(first).toBeGreaterThanOrEqual(1);
    expect(second).toBe(0);
    const tasks = await t.db
      .selectFrom('tasks')
      .selectAll()
      .where('customer_id', '=', id)
      .where('source_kind', '=', 'suitability')
      .execute();
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ kind: 'review', status: 'open' });
  });
});

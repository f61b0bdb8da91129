// Knowledge base: articles with their version history, categories, Chinese substring search, and reply templates.
import { sql } from 'kysely';
import { audit, diff } from '../../platform/audit.ts';
import { type AuthedCtx, withTx } from '../../platform/context.ts';
import { badRequest, notFound } from '../../platform/errors.ts';
import { can, requirePermission } from '../../platform/permissions.ts';
import { decodeCursor, encodeCursor } from '../../platform/schemas.ts';
import { updateVersioned } from '../../platform/versioned.ts';
import type { ArticleKind, ArticleStatus } from './tables.ts';

/**
 * The search terms of a text: every character and every pair of neighbouring characters of each word, lower-cased.
 * A query matches when all of its terms are in the article's (GIN `@>`), then the exact substring is checked.
 */
export function searchGrams(text: string): string[] {
  const out = new Set<string>();
  for (const word of text.toLowerCase().split(/[\s\p{P}\p{S}]+/u)) {
    const chars = [...word];
    for (let i = 0; i < chars.length; i++) {
      out.add(chars[i]);
      if (i + 1 < chars.length) out.add(chars[i] + chars[i + 1]);
    }
  }
  out.delete('');
  return [...out];
}

/** The terms a query needs: its bigrams, or the single character of a one-character word. */
export function queryGrams(q: string): string[] {
  const out = new Set<string>();
  for (const word of q.toLowerCase().split(/[\s\p{P}\p{S}]+/u)) {
    const chars = [...word];
    if (chars.length === 1) out.add(chars[0]);
    for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i] + chars[i + 1]);
  }
  out.delete('');
  return [...out];
}

/** Fills {{customer.name}}-style placeholders; unknown ones are left as written so the agent sees them. */
export function renderTemplate(body: string, vars: Record<string, string | number | null | undefined>) {
  return body.replace(/\{\{\s*([a-zA-Z_][\w.]*)\s*\}\}/g, (m, key: string) => {
    const v = vars[key];
    return v == null ? m : String(v);
  });
}

const articleHead = (a: any) => ({
  id: a.id as number,
  categoryId: a.category_id as number | null,
  kind: a.kind as ArticleKind,
  title: a.title as string,
  status: a.status as ArticleStatus,
  tags: a.tags as string[],
  version: a.version as number,
  updatedAt: a.updated_at.toISOString() as string,
  updatedBy: a.updated_by as number | null,
});
const articleOut = (a: any) => ({ ...articleHead(a), body: a.body as string });
const articleItem = (a: any) => ({ ...articleHead(a), excerpt: String(a.body).slice(0, 200) });

const articleCols = [
  'kb_articles.id',
  'kb_articles.category_id',
  'kb_articles.kind',
  'kb_articles.title',
  'kb_articles.body',
  'kb_articles.status',
  'kb_articles.tags',
  'kb_articles.version',
  'kb_articles.updated_at',
  'kb_articles.updated_by',
] as const;

// ---- categories

const categoryOut = (c: any) => ({ id: c.id, parentId: c.parent_id, name: c.name, sort: c.sort });

export async function listKbCategories(ctx: AuthedCtx) {
  requirePermission(ctx.actor, 'kb.read');
  const rows = await ctx.db.selectFrom('kb_categories').selectAll().orderBy('sort').orderBy('id').execute();
  return rows.map(categoryOut);
}

async function checkParent(ctx: AuthedCtx, id: number | null, parentId: number | null | undefined) {
  if (parentId == null) return;
  // Walks up from the new parent: the category itself must not be among its ancestors.
  let cur: number | null = parentId;
  for (let i = 0; cur != null && i < 50; i++) {
    if (cur === id)
      throw badRequest('CATEGORY_CYCLE', 'A category cannot sit under itself', {
        parentId: 'CATEGORY_CYCLE',
      });
    const row: { parent_id: number | null } | undefined = await ctx.db
      .selectFrom('kb_categories')
      .select('parent_id')
      .where('id', '=', cur)
      .executeTakeFirst();
    if (!row)
      throw badRequest('CATEGORY_NOT_FOUND', 'No such parent category', { parentId: 'CATEGORY_NOT_FOUND' });
    cur = row.parent_id;
  }
}

export async function createKbCategory(
  ctx: AuthedCtx,
  input: { name: string; parentId?: number | null; sort?: number },
) {
  requirePermission(ctx.actor, 'kb.write');
  await checkParent(ctx, null, input.parentId);
  return withTx(ctx, async (tx) => {
    const row = await tx.db
      .insertInto('kb_categories')
      .values({ name: input.name, parent_id: input.parentId ?? null, sort: input.sort ?? 0 })
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(tx, {
      action: 'kb.category.create',
      entity: 'kb_category',
      entityId: row.id,
      after: categoryOut(row),
    });
    return categoryOut(row);
  });
}

export async function updateKbCategory(
  ctx: AuthedCtx,
  id: number,
  input: { name?: string; parentId?: number | null; sort?: number },
) {
  requirePermission(ctx.actor, 'kb.write');
  if (input.parentId !== undefined) await checkParent(ctx, id, input.parentId);
  return withTx(ctx, async (tx) => {
    const before = await tx.db
      .selectFrom('kb_categories')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!before) throw notFound('CATEGORY_NOT_FOUND', 'Category not found');
    const row = await tx.db
      .updateTable('kb_categories')
      .set({
        ...(input.name !== undefined && { name: input.name }),
        ...(input.parentId !== undefined && { parent_id: input.parentId }),
        ...(input.sort !== undefined && { sort: input.sort }),
        updated_at: sql`now()`,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(tx, {
      action: 'kb.category.update',
      entity: 'kb_category',
      entityId: id,
      ...diff(before, row),
    });
    return categoryOut(row);
  });
}

// ---- articles

export async function searchArticles(
  ctx: AuthedCtx,
  q: {
    q?: string;
    categoryId?: number;
    kind?: ArticleKind;
    status?: ArticleStatus;
    cursor?: string;
    limit: number;
  },
) {
  requirePermission(ctx.actor, 'kb.read');
  let query = ctx.db.selectFrom('kb_articles').select(articleCols);
  // Readers see published articles; editors see drafts and archived ones too.
  if (!can(ctx.actor, 'kb.write')) query = query.where('kb_articles.status', '=', 'published');
  else if (q.status) query = query.where('kb_articles.status', '=', q.status);
  if (q.categoryId) query = query.where('kb_articles.category_id', '=', q.categoryId);
  if (q.kind) query = query.where('kb_articles.kind', '=', q.kind);
  const text = q.q?.trim();
  if (text) {
    const grams = queryGrams(text);
    if (grams.length)
      query = query.where(sql<boolean>`kb_articles.search_grams @> ${sql.val(grams)}::text[]`);
    // The grams narrow the rows through the index; every word must still appear as written.
    for (const w of text.split(/\s+/).filter(Boolean)) {
      const like = `%${w.replace(/[\\%_]/g, '\\$&')}%`;
      query = query.where((eb) =>
        eb.or([
          eb('kb_articles.title', 'ilike', like),
          eb('kb_articles.body', 'ilike', like),
          eb(sql`array_to_string(kb_articles.tags, ' ')`, 'ilike', like),
        ]),
      );
    }
  }
  const after = decodeCursor(q.cursor);
  if (after) query = query.where('kb_articles.id', '<', Number(after[0]));
  const rows = await query
    .orderBy('kb_articles.id', 'desc')
    .limit(q.limit + 1)
    .execute();
  const more = rows.length > q.limit;
  const items = rows.slice(0, q.limit);
  // Within the page, title matches come first.
  if (text) items.sort((a, b) => Number(b.title.includes(text)) - Number(a.title.includes(text)));
  return {
    items: items.map(articleItem),
    nextCursor: more ? encodeCursor([rows[q.limit - 1].id]) : null,
  };
}

async function loadArticle(ctx: AuthedCtx, id: number) {
  const a = await ctx.db
    .selectFrom('kb_articles')
    .select(articleCols)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!a || (a.status !== 'published' && !can(ctx.actor, 'kb.write')))
    throw notFound('ARTICLE_NOT_FOUND', 'Article not found');
  return a;
}

export async function getArticle(ctx: AuthedCtx, id: number) {
  requirePermission(ctx.actor, 'kb.read');
  return articleOut(await loadArticle(ctx, id));
}

export type ArticleInput = {
  categoryId?: number | null;
  kind: ArticleKind;
  title: string;
  body: string;
  status?: ArticleStatus;
  tags?: string[];
  note?: string | null;
};

const gramsOf = (a: { title: string; body: string; tags?: string[] }) =>
  searchGrams(`${a.title} ${a.body} ${(a.tags ?? []).join(' ')}`);

async function checkCategory(ctx: AuthedCtx, id: number | null | undefined) {
  if (id == null) return;
  const c = await ctx.db.selectFrom('kb_categories').select('id').where('id', '=', id).executeTakeFirst();
  if (!c) throw badRequest('CATEGORY_NOT_FOUND', 'No such category', { categoryId: 'CATEGORY_NOT_FOUND' });
}

async function saveVersion(ctx: AuthedCtx, a: any, note: string | null | undefined) {
  await ctx.db
    .insertInto('kb_article_versions')
    .values({
      article_id: a.id,
      version: a.version,
      title: a.title,
      body: a.body,
      kind: a.kind,
      status: a.status,
      category_id: a.category_id,
      tags: a.tags,
      note: note ?? null,
      changed_by: ctx.actor.id,
    })
    .execute();
}

export async function createArticle(ctx: AuthedCtx, input: ArticleInput) {
  requirePermission(ctx.actor, 'kb.write');
  await checkCategory(ctx, input.categoryId);
  return withTx(ctx, async (tx) => {
    const row = await tx.db
      .insertInto('kb_articles')
      .values({
        category_id: input.categoryId ?? null,
        kind: input.kind,
        title: input.title,
        body: input.body,
        status: input.status ?? 'draft',
        tags: input.tags ?? [],
        search_grams: gramsOf(input),
        created_by: tx.actor!.id,
        updated_by: tx.actor!.id,
      })
      .returning(articleCols)
      .executeTakeFirstOrThrow();
    await saveVersion(tx as AuthedCtx, row, input.note);
    await audit(tx, {
      action: 'kb.article.create',
      entity: 'kb_article',
      entityId: row.id,
      after: { title: row.title, kind: row.kind, status: row.status },
    });
    return articleOut(row);
  });
}

export async function updateArticle(
  ctx: AuthedCtx,
  id: number,
  input: Partial<ArticleInput> & { version: number },
) {
  requirePermission(ctx.actor, 'kb.write');
  if (input.categoryId !== undefined) await checkCategory(ctx, input.categoryId);
  return withTx(ctx, async (tx) => {
    const { after: row } = await updateVersioned(tx, {
      table: 'kb_articles',
      id,
      version: input.version,
      columns: articleCols,
      notFound: ['ARTICLE_NOT_FOUND', 'Article not found'],
      conflict: { message: 'The article was changed by someone else', current: articleOut },
      patch: (before) => {
        const next = {
          title: input.title ?? before.title,
          body: input.body ?? before.body,
          tags: input.tags ?? before.tags,
        };
        return {
          ...(input.categoryId !== undefined && { category_id: input.categoryId }),
          ...(input.kind !== undefined && { kind: input.kind }),
          ...(input.status !== undefined && { status: input.status }),
          title: next.title,
          body: next.body,
          tags: next.tags,
          search_grams: gramsOf(next),
          updated_by: tx.actor!.id,
        };
      },
      audit: {
        action: 'kb.article.update',
        entity: 'kb_article',
        record: (before, row) => {
          const d = diff(before, row);
          // The body is kept whole in the version table; the audit log only notes that it changed.
          if ('body' in d.after) {
            d.before.body = `(${String(before.body).length} characters)`;
            d.after.body = `(${String(row.body).length} characters)`;
          }
          return { ...d, meta: { version: row.version } };
        },
      },
    });
    await saveVersion(tx as AuthedCtx, row, input.note);
    return articleOut(row);
  });
}

export async function listArticleVersions(ctx: AuthedCtx, id: number) {
  requirePermission(ctx.actor, 'kb.read');
  await loadArticle(ctx, id);
  const rows = await ctx.db
    .selectFrom('kb_article_versions')
    .leftJoin('users', 'users.id', 'kb_article_versions.changed_by')
    .select([
      'kb_article_versions.version',
      'kb_article_versions.title',
      'kb_article_versions.body',
      'kb_article_versions.status',
      'kb_article_versions.note',
      'kb_article_versions.changed_by',
      'kb_article_versions.changed_at',
      'users.display_name',
    ])
    .where('kb_article_versions.article_id', '=', id)
    .orderBy('kb_article_versions.version', 'desc')
    .execute();
  return rows.map((v) => ({
    version: v.version,
    title: v.title,
    body: v.body,
    status: v.status,
    note: v.note,
    changedBy: v.changed_by,
    changedByName: v.display_name,
    changedAt: v.changed_at.toISOString(),
  }));
}

// ---- macros (reply templates)

const macroOut = (m: any) => ({
  id: m.id,
  name: m.name,
  body: m.body,
  ticketType: m.ticket_type,
  active: m.active,
  version: m.version,
});

export async function listMacros(ctx: AuthedCtx, q: { ticketType?: string; all?: boolean }) {
  requirePermission(ctx.actor, 'kb.read');
  let query = ctx.db.selectFrom('kb_macros').selectAll();
  if (!q.all) query = query.where('active', '=', true);
  if (q.ticketType)
    query = query.where((eb) =>
      eb.or([eb('ticket_type', 'is', null), eb('ticket_type', '=', q.ticketType!)]),
    );
  return (await query.orderBy('name').execute()).map(macroOut);
}

export async function getMacro(ctx: AuthedCtx, id: number) {
  requirePermission(ctx.actor, 'kb.read');
  const m = await ctx.db.selectFrom('kb_macros').selectAll().where('id', '=', id).executeTakeFirst();
  if (!m) throw notFound('MACRO_NOT_FOUND', 'Reply template not found');
  return macroOut(m);
}

export type MacroInput = { name: string; body: string; ticketType?: string | null; active?: boolean };

export async function createMacro(ctx: AuthedCtx, input: MacroInput) {
  requirePermission(ctx.actor, 'kb.write');
  return withTx(ctx, async (tx) => {
    const row = await tx.db
      .insertInto('kb_macros')
      .values({
        name: input.name,
        body: input.body,
        ticket_type: input.ticketType ?? null,
        active: input.active ?? true,
        created_by: tx.actor!.id,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(tx, {
      action: 'kb.macro.create',
      entity: 'kb_macro',
      entityId: row.id,
      after: macroOut(row),
    });
    return macroOut(row);
  });
}

export async function updateMacro(
  ctx: AuthedCtx,
  id: number,
  input: Partial<MacroInput> & { version: number },
) {
  requirePermission(ctx.actor, 'kb.write');
  return withTx(ctx, async (tx) => {
    const { after: row } = await updateVersioned(tx, {
      table: 'kb_macros',
      id,
      version: input.version,
      notFound: ['MACRO_NOT_FOUND', 'Reply template not found'],
      conflict: { message: 'The template was changed by someone else', current: macroOut },
      patch: () => ({
        ...(input.name !== undefined && { name: input.name }),
        ...(input.body !== undefined && { body: input.body }),
        ...(input.ticketType !== undefined && { ticket_type: input.ticketType }),
        ...(input.active !== undefined && { active: input.active }),
      }),
      audit: { action: 'kb.macro.update', entity: 'kb_macro' },
    });
    return macroOut(row);
  });
}

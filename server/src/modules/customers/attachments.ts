// Customer attachments (a storefront photo, an ID scan, documents), stored in PostgreSQL. What may be uploaded and
// how a file is served is the one file policy, platform/files.ts (type sniffed from the content and checked against
// the allow-list, the attachment size limit, download headers with the name masked). ID scans are personal data:
// their content needs customer.pii and every view is audited.
import { createHash } from 'node:crypto';
import { audit } from '../../platform/audit.ts';
import type { AuthedCtx } from '../../platform/context.ts';
import { badRequest, forbidden, notFound } from '../../platform/errors.ts';
import { checkUpload, downloadHeaders, isInline } from '../../platform/files.ts';
import { requirePermission } from '../../platform/permissions.ts';
import { canSeePii } from './mask.ts';
import { assertCustomerVisible, insertHistory, inTx, lockCustomer } from './repo.ts';

export const ATTACHMENT_CATEGORIES = ['photo', 'id_scan', 'document', 'other'] as const;
export type AttachmentCategory = (typeof ATTACHMENT_CATEGORIES)[number];

const out = (r: any) => ({
  id: r.id,
  customerId: r.customer_id,
  interactionId: r.interaction_id,
  category: r.category as AttachmentCategory,
  filename: r.filename,
  contentType: r.content_type,
  sizeBytes: r.size_bytes,
  sha256: r.sha256,
  description: r.description,
  uploadedBy: r.uploaded_by,
  createdAt: r.created_at.toISOString(),
  inline: isInline(r.content_type),
});

export async function addAttachment(
  ctx: AuthedCtx,
  customerId: number,
  file: { filename: string; content: Buffer; category?: string; description?: string | null },
) {
  requirePermission(ctx.actor, 'customer.write');
  const category = (file.category || 'document') as AttachmentCategory;
  if (!ATTACHMENT_CATEGORIES.includes(category))
    throw badRequest('VALIDATION_FAILED', 'Unknown category', { category: 'CATEGORY_INVALID' });
  const { filename, contentType } = await checkUpload('attachment', file);
  return inTx(ctx, async (tx) => {
    const c = await lockCustomer(tx, customerId);
    if (c.status === 'merged')
      throw badRequest('CUSTOMER_MERGED', 'This customer was merged; use the survivor');
    const row = await tx.db
      .insertInto('customer_attachments')
      .values({
        customer_id: customerId,
        category,
        filename,
        content_type: contentType,
        size_bytes: file.content.length,
        sha256: createHash('sha256').update(file.content).digest('hex'),
        content: file.content,
        description: file.description?.slice(0, 500) || null,
        uploaded_by: ctx.actor.id,
      })
      .returning([
        'id',
        'customer_id',
        'interaction_id',
        'category',
        'filename',
        'content_type',
        'size_bytes',
        'sha256',
        'description',
        'uploaded_by',
        'created_at',
      ])
      .executeTakeFirstOrThrow();
    await insertHistory(tx, customerId, [
      { field: 'attachments', old_value: null, new_value: { id: row.id, filename, category } },
    ]);
    await audit(tx, {
      action: 'customer.attachment_added',
      entity: 'customer',
      entityId: customerId,
      branchId: c.branch_id,
      after: { attachmentId: row.id, filename, contentType, sizeBytes: row.size_bytes, category },
    });
    return out(row);
  });
}

export async function listAttachments(ctx: AuthedCtx, customerId: number) {
  requirePermission(ctx.actor, 'customer.read');
  await assertCustomerVisible(ctx, customerId);
  const rows = await ctx.db
    .selectFrom('customer_attachments')
    .select([
      'id',
      'customer_id',
      'interaction_id',
      'category',
      'filename',
      'content_type',
      'size_bytes',
      'sha256',
      'description',
      'uploaded_by',
      'created_at',
    ])
    .where('customer_id', '=', customerId)
    .orderBy('id', 'desc')
    .limit(500)
    .execute();
  return rows.map(out);
}

/** The file itself, with the headers to serve it safely. */
export async function attachmentContent(ctx: AuthedCtx, customerId: number, id: number) {
  requirePermission(ctx.actor, 'customer.read');
  const c = await assertCustomerVisible(ctx, customerId);
  const row = await ctx.db
    .selectFrom('customer_attachments')
    .select(['id', 'filename', 'content_type', 'category', 'content'])
    .where('customer_id', '=', customerId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('ATTACHMENT_NOT_FOUND', 'Attachment not found');
  const idScan = row.category === 'id_scan';
  if (idScan && !canSeePii(ctx.actor))
    throw forbidden('An ID scan is personal data: permission customer.pii is required');
  const headers = await downloadHeaders(
    ctx,
    { filename: row.filename, contentType: row.content_type, size: row.content.length },
    {
      customerId,
      branchId: c.branch_id,
      meta: { attachmentId: id, category: row.category },
      personalContent: idScan ? 'id_scan' : undefined,
    },
  );
  return { content: row.content, headers };
}

export async function deleteAttachment(ctx: AuthedCtx, customerId: number, id: number) {
  requirePermission(ctx.actor, 'customer.write');
  await inTx(ctx, async (tx) => {
    const c = await lockCustomer(tx, customerId);
    const row = await tx.db
      .deleteFrom('customer_attachments')
      .where('customer_id', '=', customerId)
      .where('id', '=', id)
      .returning(['id', 'filename', 'category', 'sha256', 'size_bytes'])
      .executeTakeFirst();
    if (!row) throw notFound('ATTACHMENT_NOT_FOUND', 'Attachment not found');
    await insertHistory(tx, customerId, [
      {
        field: 'attachments',
        old_value: { id, filename: row.filename, category: row.category },
        new_value: null,
      },
    ]);
    await audit(tx, {
      action: 'customer.attachment_deleted',
      entity: 'customer',
      entityId: customerId,
      branchId: c.branch_id,
      before: row,
    });
  });
}

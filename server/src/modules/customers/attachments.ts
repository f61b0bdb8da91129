// Customer attachments (a storefront photo, an ID scan, documents), stored in PostgreSQL. The file type is read
// from the content's magic bytes — never trusted from the name or the upload's header — and checked against an
// allow-list; images are served inline, everything else as a download. ID scans are personal data: their content
// needs customer.pii and every view is audited.
import { createHash } from 'node:crypto';
import { audit } from '../../platform/audit.ts';
import type { AuthedCtx } from '../../platform/context.ts';
import { AppError, badRequest, forbidden, notFound } from '../../platform/errors.ts';
import { requirePermission } from '../../platform/permissions.ts';
import { canSeePii } from './mask.ts';
import { assertCustomerVisible, insertHistory, inTx, lockCustomer } from './repo.ts';

export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const ATTACHMENT_CATEGORIES = ['photo', 'id_scan', 'document', 'other'] as const;
export type AttachmentCategory = (typeof ATTACHMENT_CATEGORIES)[number];
const INLINE = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

const startsWith = (b: Buffer, sig: number[], offset = 0) => sig.every((x, i) => b[offset + i] === x);
const ascii = (b: Buffer, from: number, to: number) => b.subarray(from, to).toString('latin1');

/** The content type of a file from its first bytes, or null when it is not an allowed type. */
export function sniffContentType(b: Buffer, filename: string): string | null {
  if (startsWith(b, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a') return 'image/gif';
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return 'image/webp';
  if (ascii(b, 4, 8) === 'ftyp' && /^(heic|heix|mif1|msf1)$/.test(ascii(b, 8, 12))) return 'image/heic';
  if (ascii(b, 0, 5) === '%PDF-') return 'application/pdf';
  if (startsWith(b, [0x50, 0x4b, 0x03, 0x04])) {
    // Office Open XML files are zip archives; tell them apart by the part names inside.
    const head = b.subarray(0, Math.min(b.length, 64 * 1024)).toString('latin1');
    if (head.includes('word/'))
      return 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
    if (head.includes('xl/')) return 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    if (head.includes('ppt/'))
      return 'application/vnd.openxmlformats-officedocument.presentationml.presentation';
    return null;
  }
  if (startsWith(b, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    const ext = filename.toLowerCase().split('.').pop();
    if (ext === 'doc') return 'application/msword';
    if (ext === 'xls') return 'application/vnd.ms-excel';
    return null;
  }
  return null;
}

/** A file name safe to store and to put in a header: no path, no control characters. */
export function safeFilename(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const clean = Array.from(base)
    .filter((ch) => ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) !== 0x7f && ch !== '"')
    .join('')
    .trim()
    .slice(0, 200);
  return clean || 'file';
}

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
  inline: INLINE.has(r.content_type),
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
  if (file.content.length === 0) throw badRequest('FILE_EMPTY', 'The file is empty', { file: 'FILE_EMPTY' });
  if (file.content.length > MAX_ATTACHMENT_BYTES)
    throw new AppError('TOO_LARGE', 413, 'The file is larger than 10 MB');
  const filename = safeFilename(file.filename);
  const contentType = sniffContentType(file.content, filename);
  if (!contentType)
    throw badRequest(
      'FILE_TYPE_NOT_ALLOWED',
      'Only images (JPEG, PNG, GIF, WebP, HEIC), PDF and Office files',
      {
        file: 'FILE_TYPE_NOT_ALLOWED',
      },
    );
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
  if (row.category === 'id_scan') {
    if (!canSeePii(ctx.actor))
      throw forbidden('An ID scan is personal data: permission customer.pii is required');
    await audit(ctx, {
      action: 'customer.pii_viewed',
      entity: 'customer',
      entityId: customerId,
      branchId: c.branch_id,
      meta: { attachmentId: id, category: 'id_scan' },
    });
  }
  const inline = INLINE.has(row.content_type);
  const ascii = row.filename.replace(/[^\x20-\x7e]/g, '_');
  return {
    content: row.content,
    headers: {
      'content-type': row.content_type,
      'content-length': String(row.content.length),
      'content-disposition': `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(row.filename)}`,
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'cache-control': 'private, max-age=300',
    },
  };
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

// The one file policy (docs/SECURITY.md "Files"). Every stored file — a customer's or a ticket's attachment — comes
// in and goes out through here:
//  - in: one size limit per kind (attachment, import file; config `uploads`), beyond it 413 FILE_TOO_LARGE naming
//    the field; the type is read from the content by the maintained sniffer `file-type` — never from the name or
//    the upload's header — and checked against an allow-list. Active content (HTML, SVG, XML, scripts …) is not on
//    it; plain UTF-8 text is, unless it starts like markup.
//  - out: the download headers. Only safe raster images are served inline, everything else (and any stored type
//    not on the allow-list, from before the policy) as an attachment, with `nosniff`, a sandboxing CSP and private
//    caching. The file's NAME is personal data too: it goes through pii.ts's free-text masking for an actor
//    without customer.pii, and an unmasked name that held personal data writes `customer.pii_viewed`.
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { fileTypeFromBuffer } from 'file-type';
import type { UploadLimits } from '../config.ts';
import { audit } from './audit.ts';
import type { Ctx } from './context.ts';
import { AppError, badRequest } from './errors.ts';
import type { Actor } from './permissions.ts';
import { canSeePii, maskTextFor } from './pii.ts';

const MiB = 1024 * 1024;

// ---- limits -------------------------------------------------------------------------------------------------

let limits: UploadLimits = {
  attachmentMaxBytes: 10 * MiB,
  importMaxBytes: 20 * MiB,
  importMaxRows: 1_048_576,
  xlsxMaxUncompressedBytes: 256 * MiB,
};

/** Takes the limits of the configuration (buildApp, the CLI); until then the documented defaults hold. */
export function configureUploads(l: UploadLimits) {
  limits = { ...l };
}
export const uploadLimits = (): Readonly<UploadLimits> => limits;

export type UploadKind = 'attachment' | 'import';
export const maxUploadBytes = (kind: UploadKind) =>
  kind === 'attachment' ? limits.attachmentMaxBytes : limits.importMaxBytes;

/** 10485760 → "10 MiB". */
export const formatBytes = (n: number) =>
  n >= MiB ? `${Number((n / MiB).toFixed(1))} MiB` : `${Math.max(1, Math.round(n / 1024))} KiB`;

/** 413 for a file over its kind's limit, naming the field and the limit. */
export function fileTooLarge(kind: UploadKind, field = 'file') {
  const max = maxUploadBytes(kind);
  return new AppError(
    'FILE_TOO_LARGE',
    413,
    `The file is larger than ${formatBytes(max)}`,
    { [field]: 'FILE_TOO_LARGE' },
    { kind, maxBytes: max },
  );
}

/** The multipart options of one file of a kind: busboy stops reading at the limit. */
export const multipartLimits = (kind: UploadKind) => ({
  limits: { fileSize: maxUploadBytes(kind), files: 1 },
});

/**
 * Reads the one file of a multipart request into memory within its kind's limit (413 beyond it). The caller has
 * checked `req.isMultipart()`. Answers null when the request holds no file.
 */
export async function readUpload(
  req: FastifyRequest,
  kind: UploadKind,
  field = 'file',
): Promise<{ part: MultipartFile; content: Buffer } | null> {
  const part = await req.file(multipartLimits(kind));
  if (!part) return null;
  try {
    return { part, content: await part.toBuffer() };
  } catch (e) {
    if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw fileTooLarge(kind, field);
    throw e;
  }
}

// ---- types --------------------------------------------------------------------------------------------------

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const PPTX = 'application/vnd.openxmlformats-officedocument.presentationml.presentation';

/** The allow-list: a content type → whether it may be shown inline (safe raster images only). */
export const ALLOWED_TYPES: Readonly<Record<string, { inline: boolean }>> = {
  'image/jpeg': { inline: true },
  'image/png': { inline: true },
  'image/gif': { inline: true },
  'image/webp': { inline: true },
  'image/heic': { inline: false },
  'image/heif': { inline: false },
  'application/pdf': { inline: false },
  [DOCX]: { inline: false },
  [XLSX]: { inline: false },
  [PPTX]: { inline: false },
  'application/msword': { inline: false },
  'application/vnd.ms-excel': { inline: false },
  'text/plain': { inline: false },
};

export const isInline = (contentType: string) => ALLOWED_TYPES[contentType]?.inline === true;

/** What the allow-list holds, for the refusal's message. */
export const ALLOWED_DESCRIPTION =
  'Only images (JPEG, PNG, GIF, WebP, HEIC), PDF, Office files (Word, Excel, PowerPoint) and plain text';

/** Valid UTF-8 text without control characters that does not start like markup (HTML, SVG, XML). */
function isPlainText(b: Buffer): boolean {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return false;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point
  if (/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text)) return false;
  const start = text.replace(/^\uFEFF/, '').trimStart();
  return !start.startsWith('<');
}

/**
 * The content type of a file from its bytes (`file-type`), or null when it is not on the allow-list. Office Open
 * XML files are told from other zip archives by their parts (a plain zip is refused); legacy Word and Excel files
 * share one container format (CFB), told apart by the name's extension (another CFB file is refused).
 */
export async function sniffContentType(content: Buffer, filename: string): Promise<string | null> {
  if (content.length === 0) return null;
  let found: { mime: string } | undefined;
  try {
    found = await fileTypeFromBuffer(content);
  } catch {
    return null; // a file the sniffer cannot read is not one we accept
  }
  if (!found) return isPlainText(content) ? 'text/plain' : null;
  if (found.mime === 'application/x-cfb') {
    const ext = filename.toLowerCase().split('.').pop();
    if (ext === 'doc') return 'application/msword';
    if (ext === 'xls') return 'application/vnd.ms-excel';
    return null;
  }
  return ALLOWED_TYPES[found.mime] ? found.mime : null;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are removed from names
const UNSAFE_NAME_CHARS = /[\u0000-\u001f\u007f"\u202a-\u202e\u2066-\u2069\u200e\u200f]/g;

/** A file name safe to store and to put in a header: no path, no control or direction-override characters. */
export function safeFilename(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const clean = Array.from(base.replace(UNSAFE_NAME_CHARS, '')).slice(0, 200).join('').trim();
  return clean || 'file';
}

/** An upload checked against the policy: not empty, within its kind's limit, an allowed type. */
export async function checkUpload(
  kind: UploadKind,
  file: { filename: string | undefined; content: Buffer },
  field = 'file',
): Promise<{ filename: string; contentType: string }> {
  if (file.content.length === 0)
    throw badRequest('FILE_EMPTY', 'The file is empty', { [field]: 'FILE_EMPTY' });
  if (file.content.length > maxUploadBytes(kind)) throw fileTooLarge(kind, field);
  const filename = safeFilename(file.filename);
  const contentType = await sniffContentType(file.content, filename);
  if (!contentType)
    throw badRequest('FILE_TYPE_NOT_ALLOWED', ALLOWED_DESCRIPTION, { [field]: 'FILE_TYPE_NOT_ALLOWED' });
  return { filename, contentType };
}

// ---- downloads ----------------------------------------------------------------------------------------------

/** RFC 5987 ext-value: percent-encoded UTF-8, `'()*` included (they are not attr-chars). */
const extValue = (s: string) =>
  encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export function contentDisposition(kind: 'inline' | 'attachment', name: string) {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${extValue(name)}`;
}

export type StoredFile = { filename: string; contentType: string; size: number };

/**
 * The headers a stored file is served with, for this actor: the name masked unless the actor has customer.pii
 * (`nameHeldPii` tells whether it carried personal data, for the audit row).
 */
export function fileHeaders(actor: Actor | null | undefined, file: StoredFile) {
  const type = ALLOWED_TYPES[file.contentType] ? file.contentType : 'application/octet-stream';
  const { text: name, held } = maskTextFor(actor, safeFilename(file.filename));
  return {
    nameHeldPii: held,
    headers: {
      'content-type': type === 'text/plain' ? 'text/plain; charset=utf-8' : type,
      'content-length': String(file.size),
      'content-disposition': contentDisposition(isInline(type) ? 'inline' : 'attachment', name),
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'cache-control': 'private, max-age=300',
    } as Record<string, string>,
  };
}

/**
 * The download headers of a stored file; an actor with customer.pii who receives personal data — the name held
 * some, or the content is personal (an ID scan) — gets one `customer.pii_viewed` audit row.
 */
export async function downloadHeaders(
  ctx: Ctx,
  file: StoredFile,
  owner: {
    customerId: number | null;
    branchId: number | null;
    meta: Record<string, unknown>;
    /** The content itself is personal data (the caller checked customer.pii). */
    personalContent?: 'id_scan';
  },
) {
  const { headers, nameHeldPii } = fileHeaders(ctx.actor, file);
  if (canSeePii(ctx.actor) && (nameHeldPii || owner.personalContent)) {
    const kinds = [
      ...(owner.personalContent ? [owner.personalContent] : []),
      ...(nameHeldPii ? ['file_name'] : []),
    ];
    await audit(ctx, {
      action: 'customer.pii_viewed',
      entity: 'customer',
      entityId: owner.customerId,
      branchId: owner.branchId,
      meta: { ...owner.meta, kinds },
    });
  }
  return headers;
}

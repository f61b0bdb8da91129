// Test helpers for the customer base: valid mainland ID numbers and customers built through the API.
import type { TestApp } from '../../test/app.ts';
import { idCardCheckChar } from './normalize.ts';

/** A valid 18-digit mainland ID number for a birth date (YYYYMMDD) and a sequence number. */
export const idCard = (birth = '19900307', seq = 123, region = '110105') => {
  const first = `${region}${birth}${String(seq).padStart(3, '0')}`;
  return first + idCardCheckChar(first);
};

let n = 0;
/** A customer code no other call returns. */
export const customerCode = () => `T${Date.now().toString(36)}${(++n).toString(36)}`.toUpperCase();

/** Creates a customer through the API as `user` and returns the response. */
export async function buildCustomer(t: TestApp, user: string, body: Record<string, unknown>) {
  return t.call(await t.login(user), 'POST', '/api/customers', {
    code: customerCode(),
    kind: 'individual',
    ...body,
  });
}

export type UploadOpts = { category?: string; claimedType?: string };

/** Uploads a file to a customer as multipart/form-data, with the content type the client claims. */
export async function uploadAttachment(
  t: TestApp,
  user: string,
  customerId: number,
  content: Buffer,
  filename: string,
  opts: UploadOpts = {},
) {
  const form = new FormData();
  if (opts.category) form.append('category', opts.category);
  form.append(
    'file',
    new Blob([content], { type: opts.claimedType ?? 'application/octet-stream' }),
    filename,
  );
  const req = new Request('http://localhost/', { method: 'POST', body: form });
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/customers/${customerId}/attachments`,
    headers: { cookie: await t.login(user), 'content-type': req.headers.get('content-type')! },
    payload: Buffer.from(await req.arrayBuffer()),
  });
  return { status: res.statusCode, body: JSON.parse(res.body) };
}

/** A valid 1×1 PNG (68 bytes): the sniffer (file-type) checks the header chunk, not just the signature. */
export const PNG_BYTES = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAAC0lEQVR4nGNgAAIAAAUAAXpeqz8AAAAASUVORK5CYII=',
  'base64',
);

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

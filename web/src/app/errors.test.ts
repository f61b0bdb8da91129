import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import en from '../locales/en/errors.json';
import zhCN from '../locales/zh-CN/errors.json';
import { ApiError } from './api/client';
import { errorText, fieldReasonText } from './errors';

const i18n = i18next.createInstance();
await i18n.init({
  lng: 'zh-CN',
  resources: { 'zh-CN': { errors: zhCN }, en: { errors: en } },
  interpolation: { escapeValue: false },
});
const t = i18n.t.bind(i18n) as any;

describe('errorText', () => {
  it('translates a known code', () => {
    expect(errorText(t, new ApiError('INVALID_CREDENTIALS', 401, 'Wrong username or password'))).toBe(
      '用户名或密码错误',
    );
  });
  it('puts the unlock time into the locked-account message', () => {
    const e = new ApiError('ACCOUNT_LOCKED', 423, 'locked', {}, { lockedUntil: '2026-11-22T11:05:00.000Z' });
    expect(errorText(t, e)).toMatch(/账户已锁定.*2026-11-22 \d\d:05/);
  });
  it('falls back to the server message for an unknown code', () => {
    expect(errorText(t, new ApiError('SOMETHING_NEW', 409, 'Something new happened'))).toBe(
      'Something new happened',
    );
  });
  it('has a message for errors that are not from the server', () => {
    expect(errorText(t, new Error('boom'))).toBe(zhCN.UNKNOWN);
  });
  it('translates field reasons that are codes, and generic otherwise', () => {
    expect(fieldReasonText(t, 'PASSWORD_TOO_SHORT')).toBe(zhCN.PASSWORD_TOO_SHORT);
    expect(fieldReasonText(t, 'Too small: expected string to have >=1 characters')).toBe(zhCN.FIELD_INVALID);
  });
});

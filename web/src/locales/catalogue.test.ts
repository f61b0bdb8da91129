// The server's permission catalogue and built-in roles all have names in every language (they show in the
// role editor, the user list and the home page).
import { describe, expect, it } from 'vitest';
import { BUILTIN_ROLES, PERMISSIONS } from '../../../server/src/platform/permissions.ts';
import enCommon from './en/common.json';
import en from './en/permissions.json';
import zhCNCommon from './zh-CN/common.json';
import zhCN from './zh-CN/permissions.json';
import zhTWCommon from './zh-TW/common.json';
import zhTW from './zh-TW/permissions.json';

const get = (obj: unknown, dotted: string) =>
  dotted.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as any)[k] : undefined), obj);

describe.each([
  ['zh-CN', zhCN, zhCNCommon],
  ['zh-TW', zhTW, zhTWCommon],
  ['en', en, enCommon],
] as const)('%s', (_lang, perms, common) => {
  it('names every permission group and permission of the server', () => {
    const missing: string[] = [];
    for (const [group, codes] of Object.entries(PERMISSIONS)) {
      if (typeof get(perms.groups, group) !== 'string') missing.push(`groups.${group}`);
      for (const code of codes) if (typeof get(perms.names, code) !== 'string') missing.push(`names.${code}`);
    }
    expect(missing).toEqual([]);
  });
  it('names every built-in role', () => {
    const missing = Object.keys(BUILTIN_ROLES).filter(
      (code) =>
        typeof get(common.roles, code) !== 'string' || typeof get(common.roleDescriptions, code) !== 'string',
    );
    expect(missing).toEqual([]);
  });
});

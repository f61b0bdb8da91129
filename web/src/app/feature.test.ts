import { describe, expect, it } from 'vitest';
import { type FeatureMenuItem, visibleMenu } from './feature';

const items: FeatureMenuItem[] = [
  { group: 'admin', path: '/admin/roles', label: 'admin:menu.roles', permission: 'admin.roles', order: 20 },
  { group: 'admin', path: '/admin/users', label: 'admin:menu.users', permission: 'admin.users', order: 10 },
  { group: 'home', path: '/', label: 'home:menu.home' },
  {
    group: 'customers',
    path: '/customers',
    label: 'c:menu',
    permission: ['customer.read', 'customer.write'],
  },
  { group: 'reports', path: '/reports', label: 'r:menu', permission: 'report.read' },
];
const canOf = (held: string[]) => (p?: string | string[]) =>
  !p || (Array.isArray(p) ? p : [p]).some((x) => held.includes(x));

describe('visibleMenu', () => {
  it('groups in the fixed order and sorts items by order', () => {
    const m = visibleMenu(items, canOf(['admin.users', 'admin.roles', 'customer.read', 'report.read']));
    expect(m.map((g) => g.group)).toEqual(['home', 'customers', 'reports', 'admin']);
    expect(m.find((g) => g.group === 'admin')!.items.map((i) => i.path)).toEqual([
      '/admin/users',
      '/admin/roles',
    ]);
  });
  it('hides items without the permission, and groups left empty', () => {
    const m = visibleMenu(items, canOf(['customer.write']));
    expect(m.map((g) => g.group)).toEqual(['home', 'customers']);
  });
});

// Every feature's menu labels have a translation in all three languages, routes are unique, menus point to routes.
import { describe, expect, it } from 'vitest';
import { registry } from './registry';

const files = import.meta.glob<{ default: Record<string, unknown> }>('../locales/*/*.json', { eager: true });
const locale = (lang: string, ns: string) => files[`../locales/${lang}/${ns}.json`]?.default;
const lookup = (lang: string, key: string) => {
  const [ns, path] = key.includes(':') ? key.split(':', 2) : ['common', key];
  return path
    .split('.')
    .reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as any)[k] : undefined), locale(lang, ns));
};

describe('feature registry', () => {
  it('finds the features', () => {
    expect(registry.features.map((f) => f.id)).toEqual(expect.arrayContaining(['home', 'admin', 'audit']));
  });

  it.each(['zh-CN', 'zh-TW', 'en'])('every menu label is translated in %s', (lang) => {
    const missing = registry.menu
      .filter((m) => typeof lookup(lang, m.label) !== 'string')
      .map((m) => m.label);
    expect(missing).toEqual([]);
  });

  it.each(['zh-CN', 'zh-TW', 'en'])(
    'the customer page tabs other features add are translated in %s',
    (lang) => {
      expect(registry.customerTabs.map((x) => x.id)).toEqual([
        'tickets',
        'entitlements',
        'suitability',
        'notices',
        'visits',
      ]);
      expect(registry.customerTabs.filter((x) => typeof lookup(lang, x.label) !== 'string')).toEqual([]);
    },
  );

  it('has no two routes with the same path, and every menu item leads to a route', () => {
    const paths = registry.routes.map((r) => r.path);
    expect(paths.filter((p, i) => paths.indexOf(p) !== i)).toEqual([]);
    const routable = (link: string) =>
      registry.routes.some((r) =>
        new RegExp(`^/${r.path.replace(/:[^/]+/g, '[^/]+')}$`).test(link === '/' ? '/' : link),
      );
    expect(registry.menu.filter((m) => !routable(m.path)).map((m) => m.path)).toEqual([]);
  });
});

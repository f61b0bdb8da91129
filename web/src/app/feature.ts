// What a feature declares: its pages (routes) and its menu entries, each with the permission it needs.
// A feature folder web/src/features/<domain>/ has an index.ts(x) whose default export is `defineFeature({...})`;
// app/registry.tsx finds them all at build time. Import only this file from a feature's index (no cycles).
import type { ComponentType, ReactNode } from 'react';

/** The side menu's groups, in display order. Only groups with at least one visible item show. */
export const MENU_GROUP_KEYS = [
  'home',
  'customers',
  'service',
  'programs',
  'outreach',
  'reports',
  'admin',
] as const;
export type MenuGroup = (typeof MENU_GROUP_KEYS)[number];

/** A permission code, or a list of which any one is enough. */
export type Needs = string | string[];

export interface FeatureRoute {
  /** Path under the shell, without leading slash: `customers`, `customers/:id`; `''` is the home page. */
  path: string;
  /** The page, loaded on first visit: `() => import('./CustomersPage')` (default export). */
  page: () => Promise<{ default: ComponentType }>;
  permission?: Needs;
}

export interface FeatureMenuItem {
  group: MenuGroup;
  /** Link target, e.g. `/customers`. */
  path: string;
  /** i18n key with namespace, e.g. `customers:menu.list`. */
  label: string;
  icon?: ReactNode;
  permission?: Needs;
  /** Position inside the group (smaller first). */
  order?: number;
}

export interface Feature {
  id: string;
  routes?: FeatureRoute[];
  menu?: FeatureMenuItem[];
  /** Pages outside the shell that need no sign-in (e.g. `rate/:token`); path without leading slash. */
  publicRoutes?: Omit<FeatureRoute, 'permission'>[];
  /** Small widgets shown in the header, left of the language switch (e.g. a notification bell). */
  headerItems?: { id: string; Component: ComponentType; permission?: Needs }[];
  /**
   * Tabs a feature adds to the 360° customer page (e.g. the customer's tickets, entitlements, suitability), after
   * the customer base's own. `label` is an i18n key; the component is loaded on first view.
   */
  customerTabs?: FeatureCustomerTab[];
}

export interface FeatureCustomerTab {
  id: string;
  label: string;
  tab: () => Promise<{ default: ComponentType<{ customerId: number }> }>;
  permission?: Needs;
  /** Position among the added tabs (smaller first). */
  order?: number;
}

export const defineFeature = (f: Feature) => f;

/** The menu a user sees: items they may use, grouped in MENU_GROUP_KEYS order, empty groups left out. */
export function visibleMenu(items: FeatureMenuItem[], can: (perm?: Needs) => boolean) {
  return MENU_GROUP_KEYS.map((group) => ({
    group,
    items: items
      .filter((m) => m.group === group && can(m.permission))
      .sort((a, b) => (a.order ?? 100) - (b.order ?? 100) || a.path.localeCompare(b.path)),
  })).filter((g) => g.items.length > 0);
}

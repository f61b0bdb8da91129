// Features plug into the app here. Each folder web/src/features/<domain>/ has an index.ts(x) whose default export
// is `defineFeature({...})`: its pages (routes) and its menu entries, each with the permission it needs.
// They are discovered at build time — adding a folder is enough; no shared file to edit.
import {
  AppstoreOutlined,
  BarChartOutlined,
  CustomerServiceOutlined,
  HomeOutlined,
  PhoneOutlined,
  SettingOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import { type ComponentType, type LazyExoticComponent, lazy, type ReactNode } from 'react';

/** The side menu's groups, in this order. Only groups with at least one visible item show. */
export const MENU_GROUPS = [
  { key: 'home', icon: <HomeOutlined /> },
  { key: 'customers', icon: <TeamOutlined /> },
  { key: 'service', icon: <CustomerServiceOutlined /> },
  { key: 'programs', icon: <AppstoreOutlined /> },
  { key: 'outreach', icon: <PhoneOutlined /> },
  { key: 'reports', icon: <BarChartOutlined /> },
  { key: 'admin', icon: <SettingOutlined /> },
] as const;
export type MenuGroup = (typeof MENU_GROUPS)[number]['key'];

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
}

export const defineFeature = (f: Feature) => f;

export interface RegisteredRoute {
  path: string;
  Page: LazyExoticComponent<ComponentType>;
  permission?: Needs;
  feature: string;
}

export function collectFeatures(modules: Record<string, { default: Feature }>) {
  const features = Object.values(modules)
    .map((m) => m.default)
    .filter(Boolean)
    .sort((a, b) => a.id.localeCompare(b.id));
  const routes: RegisteredRoute[] = features.flatMap((f) =>
    (f.routes ?? []).map((r) => ({
      path: r.path,
      Page: lazy(r.page),
      permission: r.permission,
      feature: f.id,
    })),
  );
  const menu = features
    .flatMap((f) => f.menu ?? [])
    .sort((a, b) => (a.order ?? 100) - (b.order ?? 100) || a.path.localeCompare(b.path));
  return { features, routes, menu };
}

export const registry = collectFeatures(
  import.meta.glob<{ default: Feature }>('../features/*/index.{ts,tsx}', { eager: true }),
);

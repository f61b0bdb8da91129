// Collects every feature (web/src/features/*/index.ts(x), default export `defineFeature({...})`) at build time:
// adding a folder is enough, there is no shared list to edit. See app/feature.ts for what a feature declares.
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
import { type Feature, MENU_GROUP_KEYS, type MenuGroup, type Needs } from './feature';

export type { Feature, FeatureCustomerTab, FeatureMenuItem, FeatureRoute, MenuGroup, Needs } from './feature';

const GROUP_ICONS: Record<MenuGroup, ReactNode> = {
  home: <HomeOutlined />,
  customers: <TeamOutlined />,
  service: <CustomerServiceOutlined />,
  programs: <AppstoreOutlined />,
  outreach: <PhoneOutlined />,
  reports: <BarChartOutlined />,
  admin: <SettingOutlined />,
};
export const MENU_GROUPS = MENU_GROUP_KEYS.map((key) => ({ key, icon: GROUP_ICONS[key] }));

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
  const publicRoutes = features.flatMap((f) =>
    (f.publicRoutes ?? []).map((r) => ({ path: r.path, Page: lazy(r.page), feature: f.id })),
  );
  const headerItems = features.flatMap((f) => f.headerItems ?? []);
  const customerTabs = features
    .flatMap((f) => f.customerTabs ?? [])
    .sort((a, b) => (a.order ?? 100) - (b.order ?? 100) || a.id.localeCompare(b.id))
    .map((x) => ({ id: x.id, label: x.label, permission: x.permission, Tab: lazy(x.tab) }));
  return { features, routes, menu, publicRoutes, headerItems, customerTabs };
}

export const registry = collectFeatures(
  import.meta.glob<{ default: Feature }>('../features/*/index.{ts,tsx}', { eager: true }),
);

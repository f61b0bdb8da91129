import { AppstoreOutlined, BarChartOutlined } from '@ant-design/icons';
import { defineFeature } from '../../app/feature';

export default defineFeature({
  id: 'catalogue',
  routes: [
    {
      path: 'programs/catalogue',
      page: () => import('./CataloguePage'),
      permission: ['service.manage', 'segment.read'],
    },
    {
      path: 'programs/fulfilment',
      page: () => import('./FulfilmentPage'),
      permission: ['report.read', 'service.manage'],
    },
    {
      path: 'customers/:id/entitlements',
      page: () => import('./EntitlementsPage'),
      permission: 'customer.read',
    },
  ],
  customerTabs: [
    {
      id: 'entitlements',
      label: 'programs:entitlements.tab',
      tab: () => import('./CustomerEntitlementsTab'),
      permission: 'customer.read',
      order: 20,
    },
  ],
  menu: [
    {
      group: 'programs',
      path: '/programs/catalogue',
      label: 'programs:menu.catalogue',
      icon: <AppstoreOutlined />,
      permission: ['service.manage', 'segment.read'],
      order: 40,
    },
    {
      group: 'programs',
      path: '/programs/fulfilment',
      label: 'programs:menu.fulfilment',
      icon: <BarChartOutlined />,
      permission: ['report.read', 'service.manage'],
      order: 50,
    },
  ],
});

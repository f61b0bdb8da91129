import { FormOutlined, ImportOutlined, MergeCellsOutlined, TeamOutlined } from '@ant-design/icons';
import { defineFeature } from '../../app/feature';

export default defineFeature({
  id: 'customers',
  routes: [
    { path: 'customers', page: () => import('./CustomersPage'), permission: 'customer.read' },
    { path: 'customers/new', page: () => import('./CustomerForm'), permission: 'customer.write' },
    { path: 'customers/import', page: () => import('./ImportPage'), permission: 'customer.import' },
    { path: 'customers/duplicates', page: () => import('./DuplicatesPage'), permission: 'customer.merge' },
    { path: 'customers/:id', page: () => import('./CustomerPage'), permission: 'customer.read' },
    { path: 'admin/custom-fields', page: () => import('./CustomFieldsPage'), permission: 'admin.settings' },
  ],
  menu: [
    {
      group: 'customers',
      path: '/customers',
      label: 'customers:menu.list',
      icon: <TeamOutlined />,
      permission: 'customer.read',
      order: 10,
    },
    {
      group: 'customers',
      path: '/customers/import',
      label: 'customers:menu.import',
      icon: <ImportOutlined />,
      permission: 'customer.import',
      order: 20,
    },
    {
      group: 'customers',
      path: '/customers/duplicates',
      label: 'customers:menu.duplicates',
      icon: <MergeCellsOutlined />,
      permission: 'customer.merge',
      order: 30,
    },
    {
      group: 'admin',
      path: '/admin/custom-fields',
      label: 'customers:menu.customFields',
      icon: <FormOutlined />,
      permission: 'admin.settings',
      order: 60,
    },
  ],
});

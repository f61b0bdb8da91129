import { CloudUploadOutlined } from '@ant-design/icons';
import { defineFeature } from '../../app/feature';

export default defineFeature({
  id: 'metrics',
  routes: [
    {
      path: 'programs/metrics-import',
      page: () => import('./MetricsImportPage'),
      permission: 'customer.import',
    },
  ],
  menu: [
    {
      group: 'programs',
      path: '/programs/metrics-import',
      label: 'programs:menu.metricsImport',
      icon: <CloudUploadOutlined />,
      permission: 'customer.import',
      order: 10,
    },
  ],
});

import { SwapOutlined } from '@ant-design/icons';
import { defineFeature } from '../../app/feature';

export default defineFeature({
  id: 'handover',
  routes: [
    { path: 'admin/handovers', page: () => import('./HandoversPage'), permission: 'handover.run' },
    { path: 'admin/handovers/new', page: () => import('./HandoverWizard'), permission: 'handover.run' },
    { path: 'admin/handovers/:id', page: () => import('./HandoverReportPage'), permission: 'handover.run' },
  ],
  menu: [
    {
      group: 'admin',
      path: '/admin/handovers',
      label: 'programs:menu.handover',
      icon: <SwapOutlined />,
      permission: 'handover.run',
      order: 70,
    },
  ],
});

import { AuditOutlined } from '@ant-design/icons';
import { defineFeature } from '../../app/feature';

export default defineFeature({
  id: 'callbacks',
  routes: [
    { path: 'outreach/callbacks', page: () => import('./CallbacksPage'), permission: 'callback.read' },
  ],
  menu: [
    {
      group: 'outreach',
      path: '/outreach/callbacks',
      label: 'outreach:menu.callbacks',
      icon: <AuditOutlined />,
      permission: 'callback.read',
      order: 25,
    },
  ],
});

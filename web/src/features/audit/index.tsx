import { AuditOutlined } from '@ant-design/icons';
import { defineFeature } from '../../app/feature';

export default defineFeature({
  id: 'audit',
  routes: [{ path: 'audit', page: () => import('./AuditPage'), permission: 'audit.read' }],
  menu: [
    {
      group: 'admin',
      path: '/audit',
      label: 'audit:menu.audit',
      icon: <AuditOutlined />,
      permission: 'audit.read',
      order: 90,
    },
  ],
});

import { RiseOutlined } from '@ant-design/icons';
import { defineFeature } from '../../app/feature';

export default defineFeature({
  id: 'tiers',
  routes: [{ path: 'programs/tiers', page: () => import('./TiersPage'), permission: 'segment.read' }],
  menu: [
    {
      group: 'programs',
      path: '/programs/tiers',
      label: 'programs:menu.tiers',
      icon: <RiseOutlined />,
      permission: 'segment.read',
      order: 30,
    },
  ],
});

import { IdcardOutlined } from '@ant-design/icons';
import { defineFeature } from '../../app/feature';

export default defineFeature({
  id: 'portfolio',
  routes: [
    { path: 'programs/portfolio', page: () => import('./PortfolioPage'), permission: 'customer.read' },
  ],
  menu: [
    {
      group: 'programs',
      path: '/programs/portfolio',
      label: 'programs:menu.portfolio',
      icon: <IdcardOutlined />,
      permission: 'customer.read',
      order: 60,
    },
  ],
});

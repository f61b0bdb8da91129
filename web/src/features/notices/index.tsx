import { AlertOutlined } from '@ant-design/icons';
import { defineFeature } from '../../app/feature';

// 风险通知: margin calls and other risk notices sent by SMS or email, chased until the customer confirms.
export default defineFeature({
  id: 'notices',
  routes: [
    { path: 'outreach/notices', page: () => import('./NoticesPage'), permission: 'customer.read' },
    { path: 'outreach/notices/:id', page: () => import('./NoticePage'), permission: 'customer.read' },
  ],
  menu: [
    {
      group: 'outreach',
      path: '/outreach/notices',
      label: 'notices:menu.list',
      icon: <AlertOutlined />,
      permission: 'customer.read',
      order: 27,
    },
  ],
  customerTabs: [
    {
      id: 'notices',
      label: 'notices:customerTab.tab',
      tab: () => import('./CustomerNoticesTab'),
      permission: 'customer.read',
      order: 35,
    },
  ],
});

// Visit plans (走访): the calendar per account manager, the visit records behind each count, counts per manager,
// and the customer's visits on the 360° page.
import { BarChartOutlined, CalendarOutlined, UnorderedListOutlined } from '@ant-design/icons';
import { defineFeature } from '../../app/feature';

export default defineFeature({
  id: 'visits',
  routes: [
    { path: 'visits', page: () => import('./VisitsPage'), permission: 'visit.read' },
    { path: 'visits/list', page: () => import('./VisitListPage'), permission: 'visit.read' },
    { path: 'visits/stats', page: () => import('./VisitStatsPage'), permission: 'visit.read' },
  ],
  customerTabs: [
    {
      id: 'visits',
      label: 'visits:customerTab.tab',
      tab: () => import('./CustomerVisitsTab'),
      permission: 'visit.read',
      order: 40,
    },
  ],
  menu: [
    {
      group: 'customers',
      path: '/visits',
      label: 'visits:menu.calendar',
      icon: <CalendarOutlined />,
      permission: 'visit.read',
      order: 40,
    },
    {
      group: 'customers',
      path: '/visits/list',
      label: 'visits:menu.records',
      icon: <UnorderedListOutlined />,
      permission: 'visit.read',
      order: 41,
    },
    {
      group: 'reports',
      path: '/visits/stats',
      label: 'visits:menu.stats',
      icon: <BarChartOutlined />,
      permission: 'visit.read',
      order: 50,
    },
  ],
});

import {
  AlertOutlined,
  BarChartOutlined,
  CalendarOutlined,
  ClockCircleOutlined,
  FileSearchOutlined,
  ProfileOutlined,
  TagsOutlined,
} from '@ant-design/icons';
import { lazy } from 'react';
import { defineFeature } from '../../app/feature';

export default defineFeature({
  id: 'tickets',
  routes: [
    { path: 'tickets', page: () => import('./TicketsPage'), permission: 'ticket.read' },
    { path: 'tickets/sla-board', page: () => import('./SlaBoardPage'), permission: 'ticket.supervise' },
    {
      path: 'tickets/root-causes',
      page: () => import('./RootCausePage'),
      permission: ['report.read', 'ticket.supervise'],
    },
    { path: 'tickets/:id', page: () => import('./TicketPage'), permission: 'ticket.read' },
    {
      path: 'admin/ticket-categories',
      page: () => import('./admin/TicketCategoriesPage'),
      permission: 'admin.settings',
    },
    {
      path: 'admin/root-cause-categories',
      page: () => import('./admin/RootCauseCategoriesPage'),
      permission: 'admin.settings',
    },
    { path: 'admin/calendars', page: () => import('./admin/CalendarsPage'), permission: 'admin.settings' },
    {
      path: 'admin/sla-policies',
      page: () => import('./admin/SlaPoliciesPage'),
      permission: 'admin.settings',
    },
  ],
  publicRoutes: [{ path: 'rate/:token', page: () => import('./RatingPage') }],
  headerItems: [{ id: 'notifications', Component: lazy(() => import('./NotificationBell')) }],
  customerTabs: [
    {
      id: 'tickets',
      label: 'tickets:customerTab.tab',
      tab: () => import('./CustomerTicketsTab'),
      permission: 'ticket.read',
      order: 10,
    },
  ],
  menu: [
    {
      group: 'service',
      path: '/tickets',
      label: 'tickets:menu.tickets',
      icon: <ProfileOutlined />,
      permission: 'ticket.read',
      order: 10,
    },
    {
      group: 'service',
      path: '/tickets/sla-board',
      label: 'tickets:menu.slaBoard',
      icon: <AlertOutlined />,
      permission: 'ticket.supervise',
      order: 20,
    },
    {
      group: 'reports',
      path: '/tickets/root-causes',
      label: 'tickets:menu.rootCauses',
      icon: <BarChartOutlined />,
      permission: ['report.read', 'ticket.supervise'],
      order: 40,
    },
    {
      group: 'admin',
      path: '/admin/ticket-categories',
      label: 'tickets:menu.categories',
      icon: <TagsOutlined />,
      permission: 'admin.settings',
      order: 60,
    },
    {
      group: 'admin',
      path: '/admin/root-cause-categories',
      label: 'tickets:menu.rootCauseCategories',
      icon: <FileSearchOutlined />,
      permission: 'admin.settings',
      order: 61,
    },
    {
      group: 'admin',
      path: '/admin/calendars',
      label: 'tickets:menu.calendars',
      icon: <CalendarOutlined />,
      permission: 'admin.settings',
      order: 62,
    },
    {
      group: 'admin',
      path: '/admin/sla-policies',
      label: 'tickets:menu.slaPolicies',
      icon: <ClockCircleOutlined />,
      permission: 'admin.settings',
      order: 63,
    },
  ],
});

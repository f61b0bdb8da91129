import { AuditOutlined, FormOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { defineFeature } from '../../app/feature';

export default defineFeature({
  id: 'suitability',
  routes: [
    { path: 'outreach/suitability', page: () => import('./SuitabilityPage'), permission: 'suitability.read' },
    {
      path: 'outreach/suitability-products',
      page: () => import('./ProductsPage'),
      permission: 'suitability.read',
    },
    {
      path: 'outreach/suitability-questionnaires',
      page: () => import('./QuestionnairesPage'),
      permission: 'suitability.read',
    },
    {
      path: 'outreach/suitability/:customerId',
      page: () => import('./SuitabilityPage'),
      permission: 'suitability.read',
    },
  ],
  customerTabs: [
    {
      id: 'suitability',
      label: 'outreach:suit.tab',
      tab: () => import('./CustomerSuitabilityTab'),
      permission: 'suitability.read',
      order: 30,
    },
  ],
  menu: [
    {
      group: 'outreach',
      path: '/outreach/suitability',
      label: 'outreach:menu.suitability',
      icon: <SafetyCertificateOutlined />,
      permission: 'suitability.read',
      order: 30,
    },
    {
      group: 'outreach',
      path: '/outreach/suitability-products',
      label: 'outreach:menu.suitabilityProducts',
      icon: <AuditOutlined />,
      permission: 'suitability.read',
      order: 31,
    },
    {
      group: 'outreach',
      path: '/outreach/suitability-questionnaires',
      label: 'outreach:menu.suitabilityQuestionnaires',
      icon: <FormOutlined />,
      permission: 'suitability.read',
      order: 32,
    },
  ],
});

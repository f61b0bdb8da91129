import { MessageOutlined, NotificationOutlined, PhoneOutlined } from '@ant-design/icons';
import { defineFeature } from '../../app/feature';

export default defineFeature({
  id: 'campaigns',
  routes: [
    { path: 'outreach/campaigns', page: () => import('./CampaignsPage'), permission: 'campaign.read' },
    {
      path: 'outreach/campaigns/new',
      page: () => import('./CampaignBuilderPage'),
      permission: 'campaign.write',
    },
    {
      path: 'outreach/campaigns/:id',
      page: () => import('./CampaignProgressPage'),
      permission: 'campaign.read',
    },
    { path: 'outreach/workspace', page: () => import('./WorkspacePage'), permission: 'campaign.work' },
    { path: 'outreach/workspace/:id', page: () => import('./WorkspacePage'), permission: 'campaign.work' },
    { path: 'outreach/sms-templates', page: () => import('./SmsTemplatesPage'), permission: 'campaign.read' },
  ],
  menu: [
    {
      group: 'outreach',
      path: '/outreach/campaigns',
      label: 'outreach:menu.campaigns',
      icon: <NotificationOutlined />,
      permission: 'campaign.read',
      order: 10,
    },
    {
      group: 'outreach',
      path: '/outreach/workspace',
      label: 'outreach:menu.workspace',
      icon: <PhoneOutlined />,
      permission: 'campaign.work',
      order: 20,
    },
    {
      group: 'outreach',
      path: '/outreach/sms-templates',
      label: 'outreach:menu.smsTemplates',
      icon: <MessageOutlined />,
      permission: 'campaign.read',
      order: 28,
    },
  ],
});

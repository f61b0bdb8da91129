import { BookOutlined, SnippetsOutlined } from '@ant-design/icons';
import { defineFeature } from '../../app/feature';

export default defineFeature({
  id: 'kb',
  routes: [
    { path: 'kb', page: () => import('./KbPage'), permission: 'kb.read' },
    { path: 'kb/new', page: () => import('./ArticlePage'), permission: 'kb.write' },
    { path: 'kb/macros', page: () => import('./MacrosPage'), permission: 'kb.read' },
    { path: 'kb/:id', page: () => import('./ArticlePage'), permission: 'kb.read' },
  ],
  menu: [
    {
      group: 'service',
      path: '/kb',
      label: 'kb:menu.kb',
      icon: <BookOutlined />,
      permission: 'kb.read',
      order: 30,
    },
    {
      group: 'service',
      path: '/kb/macros',
      label: 'kb:menu.macros',
      icon: <SnippetsOutlined />,
      permission: 'kb.read',
      order: 31,
    },
  ],
});

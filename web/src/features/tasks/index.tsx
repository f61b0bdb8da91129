import { CheckSquareOutlined } from '@ant-design/icons';
import { defineFeature } from '../../app/feature';

export default defineFeature({
  id: 'tasks',
  routes: [{ path: 'programs/tasks', page: () => import('./MyTasksPage'), permission: 'task.read' }],
  menu: [
    {
      group: 'programs',
      path: '/programs/tasks',
      label: 'programs:menu.tasks',
      icon: <CheckSquareOutlined />,
      permission: 'task.read',
      order: 5,
    },
  ],
});

import {
  ApartmentOutlined,
  ClusterOutlined,
  SafetyOutlined,
  TeamOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { defineFeature } from '../../app/feature';

export default defineFeature({
  id: 'admin',
  routes: [
    { path: 'admin/users', page: () => import('./users/UsersPage'), permission: 'admin.users' },
    { path: 'admin/roles', page: () => import('./roles/RolesPage'), permission: 'admin.roles' },
    { path: 'admin/branches', page: () => import('./org/BranchesPage'), permission: 'admin.org' },
    { path: 'admin/departments', page: () => import('./org/DepartmentsPage'), permission: 'admin.org' },
    { path: 'admin/teams', page: () => import('./org/TeamsPage'), permission: 'admin.org' },
  ],
  menu: [
    {
      group: 'admin',
      path: '/admin/users',
      label: 'admin:menu.users',
      icon: <UserOutlined />,
      permission: 'admin.users',
      order: 10,
    },
    {
      group: 'admin',
      path: '/admin/roles',
      label: 'admin:menu.roles',
      icon: <SafetyOutlined />,
      permission: 'admin.roles',
      order: 20,
    },
    {
      group: 'admin',
      path: '/admin/branches',
      label: 'admin:menu.branches',
      icon: <ApartmentOutlined />,
      permission: 'admin.org',
      order: 30,
    },
    {
      group: 'admin',
      path: '/admin/departments',
      label: 'admin:menu.departments',
      icon: <ClusterOutlined />,
      permission: 'admin.org',
      order: 40,
    },
    {
      group: 'admin',
      path: '/admin/teams',
      label: 'admin:menu.teams',
      icon: <TeamOutlined />,
      permission: 'admin.org',
      order: 50,
    },
  ],
});

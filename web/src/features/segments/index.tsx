import { ClusterOutlined } from '@ant-design/icons';
import { defineFeature } from '../../app/feature';

export default defineFeature({
  id: 'segments',
  routes: [
    { path: 'programs/segments', page: () => import('./SegmentsPage'), permission: 'segment.read' },
    { path: 'programs/segments/new', page: () => import('./SegmentEditorPage'), permission: 'segment.write' },
    { path: 'programs/segments/:id', page: () => import('./SegmentEditorPage'), permission: 'segment.read' },
  ],
  menu: [
    {
      group: 'programs',
      path: '/programs/segments',
      label: 'programs:menu.segments',
      icon: <ClusterOutlined />,
      permission: 'segment.read',
      order: 20,
    },
  ],
});

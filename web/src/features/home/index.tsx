import { HomeOutlined } from '@ant-design/icons';
import { defineFeature } from '../../app/feature';

export default defineFeature({
  id: 'home',
  routes: [{ path: '', page: () => import('./HomePage') }],
  menu: [{ group: 'home', path: '/', label: 'home:menu.home', icon: <HomeOutlined />, order: 0 }],
});

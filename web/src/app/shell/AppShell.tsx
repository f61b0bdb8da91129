// Ant Design Pro-like frame: dark side menu, a slim header with branch, language and user, the page below.
import { ApartmentOutlined, MenuFoldOutlined, MenuUnfoldOutlined } from '@ant-design/icons';
import { Button, Layout, Space, Tag, Tooltip } from 'antd';
import { Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet } from 'react-router';
import { registry } from '../registry';
import { hasPermission, useMe } from '../session';
import { LanguageSwitch } from './LanguageSwitch';
import { SideMenu } from './SideMenu';
import { UserMenu } from './UserMenu';

const COLLAPSE_KEY = 'kefu.siderCollapsed';

export function AppShell() {
  const { t } = useTranslation();
  const me = useMe();
  const [collapsed, setCollapsed] = useState(() => localStorage.getItem(COLLAPSE_KEY) === '1');
  const toggle = () => {
    localStorage.setItem(COLLAPSE_KEY, collapsed ? '0' : '1');
    setCollapsed(!collapsed);
  };
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider
        width={208}
        collapsedWidth={56}
        collapsed={collapsed}
        style={{ position: 'sticky', top: 0, height: '100vh', overflow: 'auto' }}
      >
        <div
          style={{
            height: 52,
            display: 'flex',
            alignItems: 'center',
            gap: 10,
            padding: collapsed ? '0 16px' : '0 20px',
            color: '#fff',
            fontWeight: 600,
            fontSize: 16,
            whiteSpace: 'nowrap',
            overflow: 'hidden',
          }}
          data-testid="app-title"
        >
          <span
            style={{
              width: 24,
              height: 24,
              borderRadius: 6,
              background: '#1668dc',
              display: 'inline-flex',
              alignItems: 'center',
              justifyContent: 'center',
              fontSize: 13,
              flex: 'none',
            }}
          >
            K
          </span>
          {!collapsed && t('common:appName')}
        </div>
        <SideMenu collapsed={collapsed} />
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{
            background: '#fff',
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'space-between',
            borderBottom: '1px solid #f0f0f0',
            position: 'sticky',
            top: 0,
            zIndex: 10,
          }}
          data-testid="app-header"
        >
          <Tooltip title={collapsed ? t('common:shell.expandMenu') : t('common:shell.collapseMenu')}>
            <Button
              type="text"
              icon={collapsed ? <MenuUnfoldOutlined /> : <MenuFoldOutlined />}
              onClick={toggle}
              aria-label={collapsed ? t('common:shell.expandMenu') : t('common:shell.collapseMenu')}
            />
          </Tooltip>
          <Space size={16}>
            <Tag
              icon={<ApartmentOutlined />}
              color="blue"
              data-testid="header-branch"
              style={{ marginInlineEnd: 0 }}
            >
              {me.branch.name}
            </Tag>
            {registry.headerItems
              .filter((h) => hasPermission(me, h.permission))
              .map((h) => (
                <Suspense key={h.id} fallback={null}>
                  <h.Component />
                </Suspense>
              ))}
            <LanguageSwitch />
            <UserMenu />
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: 20 }}>
          <Suspense>
            <Outlet />
          </Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}

// The signed-in user in the header: name, branch, and a menu with "change password" and "sign out".
import { DownOutlined, KeyOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { Avatar, Dropdown, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useShowError } from '../errors';
import { signOut, useMe } from '../session';
import { ChangePasswordDialog } from './ChangePasswordDialog';

export function UserMenu() {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const showError = useShowError();
  const [pwOpen, setPwOpen] = useState(false);
  return (
    <>
      <Dropdown
        trigger={['click']}
        menu={{
          items: [
            { key: 'password', icon: <KeyOutlined />, label: t('common:user.changePassword') },
            { type: 'divider' },
            { key: 'signOut', icon: <LogoutOutlined />, label: t('common:user.signOut'), danger: true },
          ],
          onClick: ({ key }) => {
            if (key === 'password') setPwOpen(true);
            if (key === 'signOut')
              signOut()
                .catch(showError)
                .finally(() => navigate('/sign-in', { replace: true }));
          },
        }}
      >
        <Space style={{ cursor: 'pointer' }} data-testid="user-menu">
          <Avatar size="small" icon={<UserOutlined />} style={{ background: '#1668dc' }} />
          <Typography.Text strong data-testid="user-name">
            {me.displayName}
          </Typography.Text>
          <DownOutlined style={{ fontSize: 10, color: '#8c8c8c' }} />
        </Space>
      </Dropdown>
      <ChangePasswordDialog open={pwOpen} onClose={() => setPwOpen(false)} />
    </>
  );
}

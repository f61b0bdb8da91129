// Roles: built-in ones (read-only, translated by code) and custom ones administrators make.
import { PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Popconfirm, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../../app/api/client';
import { useShowError } from '../../../app/errors';
import { lookupKeys, type Role, roleLabel, useRoles } from '../../../app/lookups';
import { PageHeader } from '../../../app/ui/PageHeader';
import { RoleDialog } from './RoleDialog';

export default function RolesPage() {
  const { t } = useTranslation();
  const roles = useRoles();
  const qc = useQueryClient();
  const showError = useShowError();
  const { message } = App.useApp();
  const [open, setOpen] = useState<Role | 'new' | null>(null);
  const [template, setTemplate] = useState<Role | undefined>();

  const remove = async (r: Role) => {
    try {
      await call(api.DELETE('/api/roles/{id}', { params: { path: { id: r.id } } }));
      message.success(t('common:messages.deleted'));
      qc.invalidateQueries({ queryKey: lookupKeys.roles });
    } catch (e) {
      showError(e);
    }
  };

  return (
    <>
      <PageHeader
        title={t('admin:roles.title')}
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => {
              setTemplate(undefined);
              setOpen('new');
            }}
          >
            {t('admin:roles.create')}
          </Button>
        }
      />
      <Card>
        <Table<Role>
          rowKey="id"
          loading={roles.isPending}
          dataSource={roles.data ?? []}
          pagination={false}
          columns={[
            {
              title: t('admin:roles.name'),
              key: 'name',
              render: (_, r) => (r.builtin ? roleLabel(t, r.code, r.name) : r.name),
            },
            { title: t('admin:roles.code'), dataIndex: 'code' },
            {
              title: t('admin:roles.kind'),
              dataIndex: 'builtin',
              render: (b: boolean) =>
                b ? <Tag color="blue">{t('admin:roles.builtin')}</Tag> : <Tag>{t('admin:roles.custom')}</Tag>,
            },
            { title: t('admin:roles.permissionCount'), key: 'pc', render: (_, r) => r.permissions.length },
            { title: t('admin:roles.userCount'), dataIndex: 'userCount' },
            {
              title: t('admin:roles.description'),
              key: 'description',
              render: (_, r) =>
                r.builtin
                  ? t(`common:roleDescriptions.${r.code}`, { defaultValue: '' })
                  : (r.description ?? ''),
            },
            {
              title: t('common:actions.title'),
              key: 'actions',
              width: 220,
              render: (_, r) => (
                <Space size={0}>
                  <Button type="link" size="small" onClick={() => setOpen(r)}>
                    {r.builtin ? t('common:actions.view') : t('common:actions.edit')}
                  </Button>
                  <Button
                    type="link"
                    size="small"
                    onClick={() => {
                      setTemplate(r);
                      setOpen('new');
                    }}
                  >
                    {t('admin:roles.copy')}
                  </Button>
                  {!r.builtin && (
                    <Popconfirm
                      title={t('admin:roles.deleteConfirm')}
                      onConfirm={() => remove(r)}
                      okText={t('common:actions.confirm')}
                      cancelText={t('common:actions.cancel')}
                    >
                      <Button type="link" size="small" danger>
                        {t('common:actions.delete')}
                      </Button>
                    </Popconfirm>
                  )}
                </Space>
              ),
            },
          ]}
        />
      </Card>
      {open && (
        <RoleDialog
          role={open === 'new' ? null : open}
          template={template}
          onClose={() => setOpen(null)}
          onSaved={() => {
            setOpen(null);
            qc.invalidateQueries({ queryKey: lookupKeys.roles });
          }}
        />
      )}
    </>
  );
}

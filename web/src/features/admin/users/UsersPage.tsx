// Staff accounts: search and filter, load more, create, edit (roles, status), reset password, unlock.
import { PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Flex, Input, Popconfirm, Select, Space, Table, Tag, Tooltip } from 'antd';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useShowError } from '../../../app/errors';
import { byId, roleLabel, useBranches, useDepartments, useRoles } from '../../../app/lookups';
import { LoadMore } from '../../../app/ui/LoadMore';
import { PageHeader } from '../../../app/ui/PageHeader';
import { type User, type UserFilters, unlockUser, usersKey, useUsers } from './api';
import { ResetPasswordDialog } from './ResetPasswordDialog';
import { UserFormDialog } from './UserFormDialog';

export default function UsersPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const showError = useShowError();
  const [filters, setFilters] = useState<UserFilters>({});
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const [resetting, setResetting] = useState<User | null>(null);
  const users = useUsers(filters);
  const branches = useBranches();
  const departments = useDepartments();
  const roles = useRoles();
  const branchMap = useMemo(() => byId(branches.data), [branches.data]);
  const deptMap = useMemo(() => byId(departments.data), [departments.data]);
  const roleNames = useMemo(() => new Map((roles.data ?? []).map((r) => [r.code, r.name])), [roles.data]);
  const rows = users.data?.pages.flatMap((p) => p.items) ?? [];
  const set = (patch: Partial<UserFilters>) => setFilters((f) => ({ ...f, ...patch }));

  const unlock = async (u: User) => {
    try {
      await unlockUser(u.id);
      message.success(t('admin:users.unlocked'));
      qc.invalidateQueries({ queryKey: usersKey });
    } catch (e) {
      showError(e);
    }
  };

  return (
    <>
      <PageHeader
        title={t('admin:users.title')}
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setEditing('new')}
            data-testid="user-create"
          >
            {t('admin:users.create')}
          </Button>
        }
      />
      <Card>
        <Flex gap={8} wrap style={{ marginBottom: 12 }}>
          <Input.Search
            allowClear
            placeholder={t('admin:users.searchPlaceholder')}
            style={{ width: 240 }}
            onSearch={(q) => set({ q: q.trim() || undefined })}
            data-testid="user-search"
          />
          <Select
            allowClear
            placeholder={t('admin:fields.branch')}
            style={{ width: 180 }}
            value={filters.branchId}
            onChange={(v) => set({ branchId: v })}
            options={(branches.data ?? []).map((b) => ({ value: b.id, label: b.name }))}
          />
          <Select
            allowClear
            placeholder={t('admin:fields.department')}
            style={{ width: 160 }}
            value={filters.departmentId}
            onChange={(v) => set({ departmentId: v })}
            options={(departments.data ?? []).map((d) => ({ value: d.id, label: d.name }))}
          />
          <Select
            allowClear
            placeholder={t('admin:fields.status')}
            style={{ width: 120 }}
            value={filters.status}
            onChange={(v) => set({ status: v })}
            options={[
              { value: 'active', label: t('admin:users.status.active') },
              { value: 'disabled', label: t('admin:users.status.disabled') },
            ]}
          />
          <Select
            allowClear
            placeholder={t('admin:fields.role')}
            style={{ width: 160 }}
            value={filters.role}
            onChange={(v) => set({ role: v })}
            options={(roles.data ?? []).map((r) => ({ value: r.code, label: roleLabel(t, r.code, r.name) }))}
          />
        </Flex>
        <Table<User>
          rowKey="id"
          size="middle"
          loading={users.isPending}
          dataSource={rows}
          pagination={false}
          scroll={{ x: 1000 }}
          columns={[
            { title: t('admin:fields.username'), dataIndex: 'username', width: 130 },
            { title: t('admin:fields.displayName'), dataIndex: 'displayName', width: 120 },
            {
              title: t('admin:fields.branch'),
              dataIndex: 'branchId',
              width: 150,
              render: (id: number) => branchMap.get(id)?.name ?? id,
            },
            {
              title: t('admin:fields.department'),
              dataIndex: 'departmentId',
              width: 120,
              render: (id: number) => deptMap.get(id)?.name ?? id,
            },
            {
              title: t('admin:fields.roles'),
              dataIndex: 'roles',
              render: (codes: string[]) => (
                <Space size={[4, 4]} wrap>
                  {codes.map((c) => (
                    <Tag key={c}>{roleLabel(t, c, roleNames.get(c))}</Tag>
                  ))}
                </Space>
              ),
            },
            {
              title: t('admin:fields.status'),
              key: 'status',
              width: 170,
              render: (_, u) => (
                <Space size={4}>
                  <Tag color={u.status === 'active' ? 'green' : 'default'}>
                    {t(`admin:users.status.${u.status}`)}
                  </Tag>
                  {u.lockedUntil && (
                    <Tooltip
                      title={t('admin:users.lockedUntil', {
                        time: dayjs(u.lockedUntil).format('YYYY-MM-DD HH:mm'),
                      })}
                    >
                      <Tag color="red">{t('admin:users.locked')}</Tag>
                    </Tooltip>
                  )}
                </Space>
              ),
            },
            {
              title: t('admin:fields.lastLoginAt'),
              dataIndex: 'lastLoginAt',
              width: 150,
              render: (v: string | null) => (v ? dayjs(v).format('YYYY-MM-DD HH:mm') : '—'),
            },
            {
              title: t('common:actions.title'),
              key: 'actions',
              width: 200,
              fixed: 'right',
              render: (_, u) => (
                <Space size={0}>
                  <Button type="link" size="small" onClick={() => setEditing(u)}>
                    {t('common:actions.edit')}
                  </Button>
                  <Button type="link" size="small" onClick={() => setResetting(u)}>
                    {t('admin:users.resetPassword')}
                  </Button>
                  {u.lockedUntil && (
                    <Popconfirm
                      title={t('admin:users.unlockConfirm', { name: u.displayName })}
                      onConfirm={() => unlock(u)}
                      okText={t('common:actions.confirm')}
                      cancelText={t('common:actions.cancel')}
                    >
                      <Button type="link" size="small">
                        {t('admin:users.unlock')}
                      </Button>
                    </Popconfirm>
                  )}
                </Space>
              ),
            },
          ]}
        />
        <LoadMore
          count={rows.length}
          hasMore={!!users.hasNextPage}
          loading={users.isFetchingNextPage}
          onMore={() => users.fetchNextPage()}
        />
      </Card>
      {editing && (
        <UserFormDialog
          user={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            qc.invalidateQueries({ queryKey: usersKey });
          }}
        />
      )}
      {resetting && <ResetPasswordDialog user={resetting} onClose={() => setResetting(null)} />}
    </>
  );
}

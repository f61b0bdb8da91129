import { useQuery } from '@tanstack/react-query';
import { Form, Input, Select, Switch } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiBody, api, call } from '../../../app/api/client';
import { byId, lookupKeys, type Team, useBranches, useDepartments, useTeams } from '../../../app/lookups';
import { ActiveTag } from '../../../app/ui/StatusTag';
import { CrudPage } from './CrudPage';

type V = ApiBody<'/api/teams', 'post'>;

function LeaderSelect({
  branchId,
  value,
  onChange,
}: {
  branchId?: number;
  value?: number | null;
  onChange?: (v: number | null) => void;
}) {
  const { t } = useTranslation();
  const staff = useQuery({
    queryKey: ['users', 'options', branchId],
    queryFn: () => call(api.GET('/api/users/options', { params: { query: { branchId, limit: 200 } } })),
    enabled: !!branchId,
  });
  return (
    <Select
      allowClear
      showSearch
      optionFilterProp="label"
      placeholder={t('admin:teams.leaderPlaceholder')}
      value={value ?? undefined}
      onChange={(v) => onChange?.(v ?? null)}
      options={(staff.data ?? []).map((u) => ({ value: u.id, label: `${u.displayName} (${u.username})` }))}
    />
  );
}

export default function TeamsPage() {
  const { t } = useTranslation();
  const branches = useBranches();
  const departments = useDepartments();
  const branchMap = useMemo(() => byId(branches.data), [branches.data]);
  const deptMap = useMemo(() => byId(departments.data), [departments.data]);
  const required = [{ required: true, message: t('common:validation.required') }];
  return (
    <CrudPage<Team, V>
      title={t('admin:teams.title')}
      createLabel={t('admin:teams.create')}
      editLabel={t('admin:teams.edit')}
      query={useTeams()}
      queryKey={lookupKeys.teams}
      columns={[
        { title: t('admin:fields.name'), dataIndex: 'name' },
        {
          title: t('admin:fields.branch'),
          dataIndex: 'branchId',
          render: (id: number) => branchMap.get(id)?.name ?? id,
        },
        {
          title: t('admin:fields.department'),
          dataIndex: 'departmentId',
          render: (id: number) => deptMap.get(id)?.name ?? id,
        },
        {
          title: t('admin:fields.status'),
          dataIndex: 'active',
          render: (a: boolean) => <ActiveTag active={a} />,
        },
      ]}
      defaults={{ active: true }}
      toValues={(tm) => tm}
      save={(tm, v) => {
        const body = { ...v, leaderId: v.leaderId ?? null };
        return tm
          ? call(api.PATCH('/api/teams/{id}', { params: { path: { id: tm.id } }, body }))
          : call(api.POST('/api/teams', { body }));
      }}
      fields={(_, form) => (
        <>
          <Form.Item name="name" label={t('admin:fields.name')} rules={required}>
            <Input />
          </Form.Item>
          <Form.Item name="branchId" label={t('admin:fields.branch')} rules={required}>
            <Select
              options={(branches.data ?? []).map((b) => ({ value: b.id, label: b.name }))}
              onChange={() => form.setFieldsValue({ departmentId: undefined, leaderId: null } as any)}
            />
          </Form.Item>
          <Form.Item noStyle dependencies={['branchId']}>
            {() => {
              const branchId = form.getFieldValue('branchId');
              return (
                <>
                  <Form.Item name="departmentId" label={t('admin:fields.department')} rules={required}>
                    <Select
                      options={(departments.data ?? [])
                        .filter((d) => d.branchId == null || d.branchId === branchId)
                        .map((d) => ({ value: d.id, label: d.name }))}
                    />
                  </Form.Item>
                  <Form.Item name="leaderId" label={t('admin:teams.leader')}>
                    <LeaderSelect branchId={branchId} />
                  </Form.Item>
                </>
              );
            }}
          </Form.Item>
          <Form.Item name="active" label={t('admin:fields.active')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </>
      )}
    />
  );
}

import { Form, Input, Select, Switch } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiBody, api, call } from '../../../app/api/client';
import { byId, type Department, lookupKeys, useBranches, useDepartments } from '../../../app/lookups';
import { ActiveTag } from '../../../app/ui/StatusTag';
import { CrudPage } from './CrudPage';

type V = ApiBody<'/api/departments', 'post'>;
export const DEPARTMENT_KINDS = [
  'service',
  'research',
  'trading',
  'settlement',
  'compliance',
  'sales',
  'it',
  'other',
] as const;

export default function DepartmentsPage() {
  const { t } = useTranslation();
  const branches = useBranches();
  const branchMap = useMemo(() => byId(branches.data), [branches.data]);
  const required = [{ required: true, message: t('common:validation.required') }];
  return (
    <CrudPage<Department, V>
      title={t('admin:departments.title')}
      createLabel={t('admin:departments.create')}
      editLabel={t('admin:departments.edit')}
      query={useDepartments()}
      queryKey={lookupKeys.departments}
      columns={[
        { title: t('admin:fields.code'), dataIndex: 'code', width: 100 },
        { title: t('admin:fields.name'), dataIndex: 'name' },
        {
          title: t('admin:departments.kind'),
          dataIndex: 'kind',
          render: (k: string) => t(`admin:departments.kinds.${k}`),
        },
        {
          title: t('admin:fields.branch'),
          dataIndex: 'branchId',
          render: (id: number | null) =>
            id == null ? t('admin:departments.headOffice') : (branchMap.get(id)?.name ?? id),
        },
        {
          title: t('admin:fields.status'),
          dataIndex: 'active',
          render: (a: boolean) => <ActiveTag active={a} />,
        },
      ]}
      defaults={{ active: true, kind: 'service', branchId: null }}
      toValues={(d) => d}
      save={(d, v) => {
        const body = { ...v, branchId: v.branchId ?? null };
        return d
          ? call(api.PATCH('/api/departments/{id}', { params: { path: { id: d.id } }, body }))
          : call(api.POST('/api/departments', { body }));
      }}
      fields={() => (
        <>
          <Form.Item name="code" label={t('admin:fields.code')} rules={required}>
            <Input />
          </Form.Item>
          <Form.Item name="name" label={t('admin:fields.name')} rules={required}>
            <Input />
          </Form.Item>
          <Form.Item name="kind" label={t('admin:departments.kind')} rules={required}>
            <Select
              options={DEPARTMENT_KINDS.map((k) => ({ value: k, label: t(`admin:departments.kinds.${k}`) }))}
            />
          </Form.Item>
          <Form.Item
            name="branchId"
            label={t('admin:fields.branch')}
            extra={t('admin:departments.branchHint')}
          >
            <Select
              allowClear
              placeholder={t('admin:departments.headOffice')}
              options={(branches.data ?? []).map((b) => ({ value: b.id, label: b.name }))}
            />
          </Form.Item>
          <Form.Item name="active" label={t('admin:fields.active')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </>
      )}
    />
  );
}

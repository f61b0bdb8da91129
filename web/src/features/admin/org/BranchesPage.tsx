import { Form, Input, Switch } from 'antd';
import { useTranslation } from 'react-i18next';
import { type ApiBody, api, call } from '../../../app/api/client';
import { type Branch, lookupKeys, useBranches } from '../../../app/lookups';
import { ActiveTag } from '../../../app/ui/StatusTag';
import { CrudPage } from './CrudPage';

type V = ApiBody<'/api/branches', 'post'>;

export default function BranchesPage() {
  const { t } = useTranslation();
  const required = [{ required: true, message: t('common:validation.required') }];
  return (
    <CrudPage<Branch, V>
      title={t('admin:branches.title')}
      createLabel={t('admin:branches.create')}
      editLabel={t('admin:branches.edit')}
      query={useBranches()}
      queryKey={lookupKeys.branches}
      columns={[
        { title: t('admin:fields.code'), dataIndex: 'code', width: 100 },
        { title: t('admin:fields.name'), dataIndex: 'name' },
        { title: t('admin:branches.region'), dataIndex: 'region' },
        { title: t('admin:branches.address'), dataIndex: 'address' },
        { title: t('admin:fields.phone'), dataIndex: 'phone' },
        {
          title: t('admin:fields.status'),
          dataIndex: 'active',
          render: (a: boolean) => <ActiveTag active={a} />,
        },
      ]}
      defaults={{ active: true }}
      toValues={(b) => b}
      save={(b, v) => {
        const body = { ...v, region: v.region || null, address: v.address || null, phone: v.phone || null };
        return b
          ? call(api.PATCH('/api/branches/{id}', { params: { path: { id: b.id } }, body }))
          : call(api.POST('/api/branches', { body }));
      }}
      fields={() => (
        <>
          <Form.Item name="code" label={t('admin:fields.code')} rules={required}>
            <Input />
          </Form.Item>
          <Form.Item name="name" label={t('admin:fields.name')} rules={required}>
            <Input />
          </Form.Item>
          <Form.Item name="region" label={t('admin:branches.region')}>
            <Input />
          </Form.Item>
          <Form.Item name="address" label={t('admin:branches.address')}>
            <Input />
          </Form.Item>
          <Form.Item name="phone" label={t('admin:fields.phone')}>
            <Input />
          </Form.Item>
          <Form.Item name="active" label={t('admin:fields.active')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </>
      )}
    />
  );
}

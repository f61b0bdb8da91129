// 自定义字段 (administration): custom customer fields per kind — text, number, date, single/multi choice, required.
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Checkbox,
  Col,
  Form,
  Input,
  InputNumber,
  Modal,
  Row,
  Select,
  Space,
  Table,
  Tag,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, call } from '../../app/api/client';
import { useShowError } from '../../app/errors';
import { PageHeader } from '../../app/ui/PageHeader';
import { ActiveTag } from '../../app/ui/StatusTag';
import { type CustomField, FIELD_TYPES, useCustomFields } from './api';

type Values = {
  key: string;
  label: string;
  kind: CustomField['kind'];
  type: CustomField['type'];
  required: boolean;
  active: boolean;
  position?: number;
  options: { value: string; label: string }[];
};

export default function CustomFieldsPage() {
  const { t } = useTranslation();
  const [kind, setKind] = useState<'individual' | 'organisation' | undefined>();
  const fields = useCustomFields(kind, true);
  const [editing, setEditing] = useState<CustomField | 'new' | null>(null);
  return (
    <>
      <PageHeader
        title={t('customers:customFields.title')}
        sub={t('customers:customFields.subtitle')}
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setEditing('new')}
            data-testid="cf-create"
          >
            {t('customers:customFields.create')}
          </Button>
        }
      />
      <Card>
        <Select
          allowClear
          style={{ width: 180, marginBottom: 12 }}
          placeholder={t('customers:fields.kind')}
          value={kind}
          onChange={setKind}
          options={(['individual', 'organisation'] as const).map((k) => ({
            value: k,
            label: t(`customers:kind.${k}`),
          }))}
        />
        <Table<CustomField>
          rowKey="id"
          size="middle"
          pagination={false}
          loading={fields.isPending}
          dataSource={fields.data ?? []}
          columns={[
            { title: t('customers:customFields.label'), dataIndex: 'label' },
            { title: t('customers:customFields.key'), dataIndex: 'key', render: (v) => <code>{v}</code> },
            {
              title: t('customers:fields.kind'),
              dataIndex: 'kind',
              render: (v: string) => t(`customers:customFields.kinds.${v}`),
            },
            {
              title: t('customers:customFields.type'),
              dataIndex: 'type',
              render: (v: string) => t(`customers:customFields.types.${v}`),
            },
            {
              title: t('customers:customFields.options'),
              dataIndex: 'options',
              render: (o: CustomField['options']) => (
                <Space size={[4, 4]} wrap>
                  {o.map((x) => (
                    <Tag key={x.value}>{x.label}</Tag>
                  ))}
                </Space>
              ),
            },
            {
              title: t('customers:customFields.required'),
              dataIndex: 'required',
              render: (v: boolean) => (v ? t('customers:customFields.yes') : t('customers:customFields.no')),
            },
            { title: t('customers:customFields.position'), dataIndex: 'position', width: 80 },
            {
              title: t('customers:fields.status'),
              dataIndex: 'active',
              render: (v: boolean) => <ActiveTag active={v} />,
            },
            {
              title: t('common:actions.title'),
              key: 'a',
              render: (_, f) => (
                <Button type="link" size="small" onClick={() => setEditing(f)}>
                  {t('common:actions.edit')}
                </Button>
              ),
            },
          ]}
        />
      </Card>
      {editing && <FieldDialog field={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
    </>
  );
}

function FieldDialog({ field, onClose }: { field: CustomField | null; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const type = Form.useWatch('type', form);
  const showError = useShowError();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  const required = [{ required: true, message: t('common:validation.required') }];
  const choice = type === 'single_choice' || type === 'multi_choice';

  const submit = async () => {
    const v = await form.validateFields();
    setBusy(true);
    try {
      const options = choice ? (v.options ?? []) : undefined;
      if (field)
        await call(
          api.PATCH('/api/custom-fields/{id}', {
            params: { path: { id: field.id } },
            body: {
              version: field.version,
              label: v.label,
              kind: v.kind,
              required: v.required,
              active: v.active,
              position: v.position,
              options,
            },
          }),
        );
      else
        await call(
          api.POST('/api/custom-fields', {
            body: {
              key: v.key,
              label: v.label,
              kind: v.kind,
              type: v.type,
              required: v.required,
              position: v.position,
              options,
            },
          }),
        );
      message.success(t('common:messages.saved'));
      await qc.invalidateQueries({ queryKey: ['custom-fields'] });
      onClose();
    } catch (e) {
      showError(e, form);
      if (e instanceof ApiError && e.code === 'VERSION_CONFLICT') {
        await qc.invalidateQueries({ queryKey: ['custom-fields'] });
        onClose();
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      width={640}
      title={
        field
          ? t('customers:customFields.editTitle', { label: field.label })
          : t('customers:customFields.create')
      }
      onOk={submit}
      onCancel={onClose}
      confirmLoading={busy}
      okText={t('common:actions.save')}
      cancelText={t('common:actions.cancel')}
    >
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={
          field ?? { kind: 'all', type: 'text', required: false, active: true, options: [], position: 0 }
        }
      >
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="label" label={t('customers:customFields.label')} rules={required}>
              <Input />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              name="key"
              label={t('customers:customFields.key')}
              rules={required}
              extra={t('customers:customFields.keyHint')}
            >
              <Input disabled={!!field} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="kind" label={t('customers:fields.kind')}>
              <Select
                options={(['all', 'individual', 'organisation'] as const).map((k) => ({
                  value: k,
                  label: t(`customers:customFields.kinds.${k}`),
                }))}
              />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="type" label={t('customers:customFields.type')}>
              <Select
                disabled={!!field}
                options={FIELD_TYPES.map((k) => ({
                  value: k,
                  label: t(`customers:customFields.types.${k}`),
                }))}
              />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="position" label={t('customers:customFields.position')}>
              <InputNumber min={0} max={10000} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="required" valuePropName="checked" label=" ">
              <Checkbox>{t('customers:customFields.required')}</Checkbox>
            </Form.Item>
          </Col>
          {field && (
            <Col span={8}>
              <Form.Item name="active" valuePropName="checked" label=" ">
                <Checkbox>{t('common:status.active')}</Checkbox>
              </Form.Item>
            </Col>
          )}
        </Row>
        {choice && (
          <Form.List name="options">
            {(items, { add, remove }) => (
              <>
                {items.map((f) => (
                  <Space key={f.key} align="baseline">
                    <Form.Item name={[f.name, 'value']} rules={required}>
                      <Input placeholder={t('customers:customFields.optionValue')} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'label']} rules={required}>
                      <Input placeholder={t('customers:customFields.optionLabel')} />
                    </Form.Item>
                    <MinusCircleOutlined onClick={() => remove(f.name)} />
                  </Space>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add()}>
                  {t('customers:customFields.addOption')}
                </Button>
              </>
            )}
          </Form.List>
        )}
      </Form>
    </Modal>
  );
}

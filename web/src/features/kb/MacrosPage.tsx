// 回复模板 (reply templates, "macros"): the texts agents insert into a ticket reply, optionally for one ticket
// type, with {{customer.name}}, {{ticket.number}}, {{agent.name}} filled in when inserted. Add, edit, switch off.
import { PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { App, Button, Card, Form, Input, Modal, Select, Switch, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiData, ApiError, api, call } from '../../app/api/client';
import { useShowError } from '../../app/errors';
import { queryClient, useCan } from '../../app/session';
import { PageHeader } from '../../app/ui/PageHeader';
import { ActiveTag } from '../../app/ui/StatusTag';
import { TICKET_TYPES } from '../tickets/api';

type Macro = ApiData<'/api/kb/macros', 'get'>[number];
type Values = {
  name: string;
  body: string;
  ticketType: (typeof TICKET_TYPES)[number] | null;
  active: boolean;
};
const key = ['kb', 'macros'];

export default function MacrosPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const can = useCan();
  const showError = useShowError();
  const [form] = Form.useForm<Values>();
  const [editing, setEditing] = useState<Macro | 'new' | null>(null);
  const [busy, setBusy] = useState(false);
  const q = useQuery({
    queryKey: [...key, 'all'],
    queryFn: () => call(api.GET('/api/kb/macros', { params: { query: { all: 'true' } } })),
  });
  const open = (m: Macro | 'new') => {
    form.resetFields();
    if (m !== 'new')
      form.setFieldsValue({
        name: m.name,
        body: m.body,
        ticketType: m.ticketType as Values['ticketType'],
        active: m.active,
      });
    setEditing(m);
  };
  const save = async () => {
    const v = await form.validateFields();
    const body = { name: v.name.trim(), body: v.body, ticketType: v.ticketType ?? null, active: v.active };
    setBusy(true);
    try {
      if (editing === 'new') await call(api.POST('/api/kb/macros', { body }));
      else if (editing)
        await call(
          api.PATCH('/api/kb/macros/{id}', {
            params: { path: { id: editing.id } },
            body: { ...body, version: editing.version },
          }),
        );
      await queryClient.invalidateQueries({ queryKey: key });
      message.success(t('common:messages.saved'));
      setEditing(null);
    } catch (e) {
      showError(e, form);
      if (e instanceof ApiError && e.code === 'VERSION_CONFLICT') {
        await q.refetch();
        setEditing(null);
      }
    } finally {
      setBusy(false);
    }
  };
  const required = [{ required: true, whitespace: true, message: t('common:validation.required') }];
  return (
    <>
      <PageHeader
        title={t('kb:macros.title')}
        sub={t('kb:macros.subtitle')}
        extra={
          can('kb.write') && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => open('new')}
              data-testid="macro-new"
            >
              {t('kb:macros.add')}
            </Button>
          )
        }
      />
      <Card size="small">
        <Table<Macro>
          rowKey="id"
          size="small"
          loading={q.isLoading}
          dataSource={q.data}
          pagination={false}
          data-testid="macros-table"
          columns={[
            { title: t('kb:macros.name'), dataIndex: 'name', width: 200 },
            {
              title: t('kb:macros.ticketType'),
              dataIndex: 'ticketType',
              width: 140,
              render: (x: string | null) =>
                x ? t(`tickets:type.${x}`) : <Tag>{t('kb:macros.anyType')}</Tag>,
            },
            {
              title: t('kb:macros.body'),
              dataIndex: 'body',
              render: (b: string) => (
                <Typography.Paragraph ellipsis={{ rows: 2 }} style={{ margin: 0, whiteSpace: 'pre-wrap' }}>
                  {b}
                </Typography.Paragraph>
              ),
            },
            {
              title: t('kb:macros.active'),
              dataIndex: 'active',
              width: 90,
              render: (a: boolean) => <ActiveTag active={a} />,
            },
            ...(can('kb.write')
              ? [
                  {
                    key: 'act',
                    width: 80,
                    render: (_: unknown, m: Macro) => (
                      <Typography.Link onClick={() => open(m)} data-testid="macro-edit">
                        {t('common:actions.edit')}
                      </Typography.Link>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Card>
      <Modal
        open={editing !== null}
        title={t(editing === 'new' ? 'kb:macros.add' : 'kb:macros.edit')}
        onCancel={() => setEditing(null)}
        onOk={save}
        confirmLoading={busy}
        okText={t('common:actions.save')}
        cancelText={t('common:actions.cancel')}
        okButtonProps={{ 'data-testid': 'macro-save' }}
        width={640}
        forceRender
      >
        <Form<Values> form={form} layout="vertical" initialValues={{ ticketType: null, active: true }}>
          <Form.Item name="name" label={t('kb:macros.name')} rules={required}>
            <Input maxLength={100} data-testid="macro-name" />
          </Form.Item>
          <Form.Item
            name="ticketType"
            label={t('kb:macros.ticketType')}
            extra={t('kb:macros.ticketTypeHint')}
          >
            <Select
              allowClear
              placeholder={t('kb:macros.anyType')}
              data-testid="macro-type"
              options={TICKET_TYPES.map((x) => ({ value: x, label: t(`tickets:type.${x}`) }))}
            />
          </Form.Item>
          <Form.Item
            name="body"
            label={t('kb:macros.body')}
            rules={required}
            extra={t('kb:macros.placeholders', {
              list: '{{customer.name}} {{ticket.number}} {{agent.name}}',
              interpolation: { escapeValue: false },
            })}
          >
            <Input.TextArea rows={6} maxLength={10000} data-testid="macro-body" />
          </Form.Item>
          <Form.Item name="active" label={t('kb:macros.active')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

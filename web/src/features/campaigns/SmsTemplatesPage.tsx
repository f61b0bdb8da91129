// 短信模板: the SMS texts campaign steps copy (placeholders {name} and {code} only); list and add.
import { PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { App, Button, Card, Form, Input, Modal, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiData, api, call } from '../../app/api/client';
import { useShowError } from '../../app/errors';
import { fmtDateTime } from '../../app/format';
import { queryClient, useCan } from '../../app/session';
import { PageHeader } from '../../app/ui/PageHeader';
import { ActiveTag } from '../../app/ui/StatusTag';

type Template = ApiData<'/api/sms/templates', 'get'>[number];
type Values = { name: string; body: string };

export default function SmsTemplatesPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const can = useCan();
  const showError = useShowError();
  const [form] = Form.useForm<Values>();
  const [adding, setAdding] = useState(false);
  const [busy, setBusy] = useState(false);
  // The same query key as the campaign builder's template picker, so a new template shows there at once.
  const q = useQuery({ queryKey: ['sms-templates'], queryFn: () => call(api.GET('/api/sms/templates')) });
  const body = Form.useWatch('body', form) ?? '';
  const save = async () => {
    const v = await form.validateFields();
    setBusy(true);
    try {
      await call(api.POST('/api/sms/templates', { body: { name: v.name.trim(), body: v.body.trim() } }));
      await queryClient.invalidateQueries({ queryKey: ['sms-templates'] });
      message.success(t('common:messages.saved'));
      setAdding(false);
    } catch (e) {
      showError(e, form);
    } finally {
      setBusy(false);
    }
  };
  const required = [{ required: true, whitespace: true, message: t('common:validation.required') }];
  return (
    <>
      <PageHeader
        title={t('outreach:sms.title')}
        sub={t('outreach:sms.sub')}
        extra={
          can('campaign.write') && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => {
                form.resetFields();
                setAdding(true);
              }}
              data-testid="sms-template-new"
            >
              {t('outreach:sms.add')}
            </Button>
          )
        }
      />
      <Card size="small">
        <Table<Template>
          rowKey="id"
          size="small"
          loading={q.isLoading}
          dataSource={q.data}
          pagination={false}
          data-testid="sms-templates-table"
          columns={[
            { title: t('outreach:sms.name'), dataIndex: 'name', width: 200 },
            {
              title: t('outreach:sms.body'),
              dataIndex: 'body',
              render: (b: string) => (
                <Typography.Text style={{ whiteSpace: 'pre-wrap' }}>{b}</Typography.Text>
              ),
            },
            {
              title: t('common:status.active'),
              dataIndex: 'active',
              width: 90,
              render: (a: boolean) => <ActiveTag active={a} />,
            },
            {
              title: t('outreach:fields.createdAt'),
              dataIndex: 'createdAt',
              width: 150,
              render: (v: string) => fmtDateTime(v),
            },
          ]}
        />
      </Card>
      <Modal
        open={adding}
        title={t('outreach:sms.add')}
        onCancel={() => setAdding(false)}
        onOk={save}
        confirmLoading={busy}
        okText={t('common:actions.save')}
        cancelText={t('common:actions.cancel')}
        okButtonProps={{ 'data-testid': 'sms-template-save' }}
        forceRender
      >
        <Form<Values> form={form} layout="vertical">
          <Form.Item name="name" label={t('outreach:sms.name')} rules={required}>
            <Input maxLength={100} data-testid="sms-template-name" />
          </Form.Item>
          <Form.Item
            name="body"
            label={t('outreach:sms.body')}
            rules={required}
            extra={`${t('outreach:builder.smsHint')} · ${t('outreach:sms.length', { n: body.length })}`}
          >
            <Input.TextArea rows={4} maxLength={1000} data-testid="sms-template-body" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

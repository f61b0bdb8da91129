// Sends a risk notice to one or more customers (one notice each), by SMS and/or email, from a template the staff
// member can edit. The server adds each customer's own confirm link; staff never see it.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Checkbox, Flex, Form, Input, InputNumber, Modal, Select, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, call } from '../../app/api/client';
import { errorText, fieldReasonText, useShowError } from '../../app/errors';
import { CustomerPicker } from '../tickets/CustomerPicker';
import { NOTICE_KINDS } from './api';

type Kind = (typeof NOTICE_KINDS)[number];
type Values = {
  kind: Kind;
  title: string;
  body: string;
  channels: ('sms' | 'email')[];
  chaseAfterHours: number;
};
type Pick = { id: number; name: string; code: string };

export function SendNoticeDialog(props: { onClose: () => void; customer?: Pick }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const qc = useQueryClient();
  const showError = useShowError();
  const { message } = App.useApp();
  const [customers, setCustomers] = useState<Pick[]>(props.customer ? [props.customer] : []);
  const [failures, setFailures] = useState<string[]>([]);
  const [missing, setMissing] = useState(false);
  // The picker starts empty again after each pick (the chosen customers show as tags below it).
  const [pickerKey, setPickerKey] = useState(0);
  const template = (kind: Kind) => ({
    title: t(`notices:templates.${kind}.title`),
    body: t(`notices:templates.${kind}.body`),
  });
  const send = useMutation({
    mutationFn: async (v: Values) => {
      const failed: { c: Pick; e: unknown }[] = [];
      let sent = 0;
      // One at a time: each customer gets their own notice and link; a customer without a mobile fails alone.
      for (const c of customers) {
        try {
          await call(api.POST('/api/notices', { body: { customerId: c.id, ...v } }));
          sent++;
        } catch (e) {
          failed.push({ c, e });
        }
      }
      return { sent, failed };
    },
    onSuccess: ({ sent, failed }) => {
      qc.invalidateQueries({ queryKey: ['notices'] });
      if (sent) message.success(t('notices:send.done', { count: sent }));
      if (!failed.length) return props.onClose();
      if (failed.length === 1 && customers.length === 1) return showError(failed[0].e, form);
      setCustomers(failed.map((f) => f.c));
      setFailures(
        failed.map(({ c, e }) => {
          const reason =
            e instanceof ApiError && Object.values(e.fields)[0]
              ? fieldReasonText(t, Object.values(e.fields)[0])
              : errorText(t, e);
          return t('notices:send.failed', { customer: `${c.name} · ${c.code}`, reason });
        }),
      );
    },
    onError: (e) => showError(e, form),
  });
  return (
    <Modal
      open
      width={640}
      title={t('notices:send.title')}
      onCancel={props.onClose}
      okText={t('notices:send.submit')}
      confirmLoading={send.isPending}
      okButtonProps={{ 'data-testid': 'send-notice-ok' }}
      onOk={async () => {
        const v = await form.validateFields();
        setMissing(customers.length === 0);
        if (customers.length) send.mutate(v);
      }}
    >
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={{
          kind: 'margin_call',
          channels: ['sms'],
          chaseAfterHours: 4,
          ...template('margin_call'),
        }}
        onValuesChange={(changed) => {
          if (changed.kind) form.setFieldsValue(template(changed.kind));
        }}
      >
        <Form.Item
          label={t('notices:send.customers')}
          required
          validateStatus={missing ? 'error' : undefined}
          help={missing ? t('notices:send.noCustomer') : undefined}
        >
          <Flex vertical gap={8}>
            <CustomerPicker
              key={pickerKey}
              testId="notice-customer-picker"
              onPick={(c) => {
                setMissing(false);
                setCustomers((cs) => (cs.some((x) => x.id === c.id) ? cs : [...cs, c]));
                setPickerKey((k) => k + 1);
              }}
            />
            {customers.length > 0 && (
              <Flex wrap gap={4} data-testid="notice-customers">
                {customers.map((c) => (
                  <Tag
                    key={c.id}
                    closable
                    onClose={() => setCustomers((cs) => cs.filter((x) => x.id !== c.id))}
                  >
                    {c.name} · {c.code}
                  </Tag>
                ))}
              </Flex>
            )}
          </Flex>
        </Form.Item>
        {failures.length > 0 && (
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 16 }}
            message={failures.map((f) => <div key={f}>{f}</div>)}
          />
        )}
        <Flex gap={16}>
          <Form.Item name="kind" label={t('notices:send.template')} style={{ flex: 1 }}>
            <Select
              data-testid="notice-kind"
              options={NOTICE_KINDS.map((k) => ({ value: k, label: t(`notices:kind.${k}`) }))}
            />
          </Form.Item>
          <Form.Item
            name="chaseAfterHours"
            label={t('notices:send.chaseAfterHours')}
            tooltip={t('notices:send.chaseHint')}
            rules={[{ required: true }]}
          >
            <InputNumber min={1} max={720} precision={0} style={{ width: 140 }} />
          </Form.Item>
        </Flex>
        <Form.Item name="title" label={t('notices:fields.title')} rules={[{ required: true, max: 200 }]}>
          <Input data-testid="notice-title" />
        </Form.Item>
        <Form.Item
          name="body"
          label={t('notices:fields.body')}
          rules={[{ required: true, max: 2000 }]}
          extra={t('notices:send.linkHint')}
        >
          <Input.TextArea rows={4} data-testid="notice-body" />
        </Form.Item>
        <Form.Item name="channels" label={t('notices:fields.channels')} rules={[{ required: true }]}>
          <Checkbox.Group
            data-testid="notice-channels"
            options={(['sms', 'email'] as const).map((c) => ({ value: c, label: t(`notices:channel.${c}`) }))}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

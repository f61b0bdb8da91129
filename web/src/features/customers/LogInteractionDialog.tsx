// "Log interaction": channel, direction, time, summary, outcome.
import { useQueryClient } from '@tanstack/react-query';
import { App, DatePicker, Form, Input, Modal, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../app/api/client';
import { useShowError } from '../../app/errors';
import { CHANNELS, customersKey, DIRECTIONS, type InteractionInput } from './api';

type Values = {
  channel: InteractionInput['channel'];
  direction: NonNullable<InteractionInput['direction']>;
  occurredAt: Dayjs;
  summary: string;
  outcome?: string;
};

const defaultDirection = (ch: string) =>
  ch === 'phone_in' || ch === 'counter' || ch === 'portal' ? 'inbound' : 'outbound';

export function LogInteractionDialog(props: { customerId: number; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const showError = useShowError();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const required = [{ required: true, message: t('common:validation.required') }];

  const submit = async () => {
    const v = await form.validateFields();
    setBusy(true);
    try {
      await call(
        api.POST('/api/customers/{id}/interactions', {
          params: { path: { id: props.customerId } },
          body: {
            channel: v.channel,
            direction: v.direction,
            occurredAt: v.occurredAt.toISOString(),
            summary: v.summary,
            outcome: v.outcome?.trim() || null,
          },
        }),
      );
      message.success(t('customers:interactions.logged'));
      await qc.invalidateQueries({ queryKey: [...customersKey, props.customerId] });
      props.onClose();
    } catch (e) {
      showError(e, form);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={t('customers:interactions.log')}
      onOk={submit}
      onCancel={props.onClose}
      confirmLoading={busy}
      okText={t('common:actions.save')}
      cancelText={t('common:actions.cancel')}
      okButtonProps={{ 'data-testid': 'interaction-save' } as Record<string, string>}
    >
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={{ channel: 'phone_out', direction: 'outbound', occurredAt: dayjs() }}
        onValuesChange={(ch) => {
          if (ch.channel) form.setFieldsValue({ direction: defaultDirection(ch.channel) });
        }}
      >
        <Form.Item name="channel" label={t('customers:interactions.channel')} rules={required}>
          <Select
            data-testid="interaction-channel"
            options={CHANNELS.map((c) => ({ value: c, label: t(`customers:channel.${c}`) }))}
          />
        </Form.Item>
        <Form.Item name="direction" label={t('customers:interactions.direction')} rules={required}>
          <Select options={DIRECTIONS.map((d) => ({ value: d, label: t(`customers:direction.${d}`) }))} />
        </Form.Item>
        <Form.Item name="occurredAt" label={t('customers:interactions.occurredAt')} rules={required}>
          <DatePicker
            showTime
            style={{ width: '100%' }}
            disabledDate={(d) => d.isAfter(dayjs().endOf('day'))}
          />
        </Form.Item>
        <Form.Item name="summary" label={t('customers:interactions.summary')} rules={required}>
          <Input.TextArea rows={4} maxLength={4000} showCount data-testid="interaction-summary" />
        </Form.Item>
        <Form.Item name="outcome" label={t('customers:interactions.outcome')}>
          <Input.TextArea rows={2} maxLength={1000} data-testid="interaction-outcome" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

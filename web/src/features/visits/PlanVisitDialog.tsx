// 计划走访: customer, purpose, day, and the time window that suits the customer (some receive visits only in the
// evening); planned for the chosen account manager (default: me).
import { App, DatePicker, Form, Input, Modal, TimePicker } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../app/api/client';
import { useShowError } from '../../app/errors';
import { useMe } from '../../app/session';
import { CustomerPicker } from '../tickets/CustomerPicker';
import { day, refreshVisits, todayInShanghai } from './api';
import { ManagerSelect } from './ManagerSelect';

export function PlanVisitDialog(props: {
  onClose: () => void;
  date?: Dayjs;
  /** Opened from a customer's page: the customer is chosen already. */
  customer?: { id: number; name: string; code: string };
  managerId?: number | null;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const me = useMe();
  const [form] = Form.useForm();
  const showError = useShowError();
  const [saving, setSaving] = useState(false);
  const submit = async () => {
    const v = await form.validateFields();
    setSaving(true);
    try {
      const [from, to] = (v.window ?? []) as (Dayjs | null)[];
      await call(
        api.POST('/api/visits', {
          body: {
            customerId: v.customerId,
            purpose: v.purpose,
            plannedDate: day(v.plannedDate),
            windowFrom: from ? from.format('HH:mm') : null,
            windowTo: to ? to.format('HH:mm') : null,
            managerId: v.managerId && v.managerId !== me.id ? v.managerId : undefined,
          },
        }),
      );
      await refreshVisits();
      message.success(t('visits:plan.saved'));
      props.onClose();
    } catch (e) {
      showError(e, form);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal
      open
      title={t('visits:plan.title')}
      onCancel={props.onClose}
      onOk={submit}
      okText={t('visits:plan.ok')}
      confirmLoading={saving}
      okButtonProps={{ 'data-testid': 'visit-plan-ok' } as Record<string, string>}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{
          customerId: props.customer?.id,
          plannedDate: props.date ?? todayInShanghai(),
          managerId: props.managerId ?? me.id,
        }}
      >
        <Form.Item name="customerId" label={t('visits:fields.customer')} rules={[{ required: true }]}>
          <CustomerPicker testId="visit-customer" known={props.customer ?? null} />
        </Form.Item>
        <Form.Item
          name="purpose"
          label={t('visits:fields.purpose')}
          rules={[{ required: true, whitespace: true, max: 500 }]}
        >
          <Input.TextArea rows={2} placeholder={t('visits:plan.purposeHint')} data-testid="visit-purpose" />
        </Form.Item>
        <Form.Item name="plannedDate" label={t('visits:fields.date')} rules={[{ required: true }]}>
          <DatePicker style={{ width: '100%' }} allowClear={false} data-testid="visit-date" />
        </Form.Item>
        <Form.Item name="window" label={t('visits:fields.window')} extra={t('visits:plan.windowHint')}>
          <TimePicker.RangePicker
            format="HH:mm"
            minuteStep={15}
            style={{ width: '100%' }}
            order
            data-testid="visit-window"
          />
        </Form.Item>
        <Form.Item name="managerId" label={t('visits:fields.manager')}>
          <ManagerSelect testId="visit-plan-manager" width="100%" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

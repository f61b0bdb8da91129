// New ticket: customer (search), contact, type, category (tree), priority, channel, subject, description; the
// complaint fields when the type is complaint. The caller becomes the first-contact owner (首问负责).
import { useQuery } from '@tanstack/react-query';
import { Col, Form, Input, Modal, Row, Select, TreeSelect } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, call } from '../../app/api/client';
import { useShowError } from '../../app/errors';
import { queryClient } from '../../app/session';
import {
  CHANNELS,
  createTicket,
  PRIORITIES,
  SEVERITIES,
  SOURCES,
  TICKET_TYPES,
  type TicketCreate,
  ticketsKey,
  toTree,
  useTicketCategories,
} from './api';
import { CustomerPicker } from './CustomerPicker';

export function NewTicketDialog({
  open,
  onClose,
  customer: preset,
}: {
  open: boolean;
  onClose: () => void;
  /** Opened from a customer's page: the customer is chosen already. */
  customer?: { id: number; name: string; code: string };
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const showError = useShowError();
  const navigate = useNavigate();
  const [saving, setSaving] = useState(false);
  const type = Form.useWatch('type', form);
  const customerId = Form.useWatch('customerId', form) as number | undefined;
  const categories = useTicketCategories();
  const customer = useQuery({
    queryKey: ['tickets', 'customer-contacts', customerId],
    queryFn: () => call(api.GET('/api/customers/{id}', { params: { path: { id: customerId as number } } })),
    enabled: !!customerId,
  });
  const submit = async () => {
    const v = await form.validateFields();
    setSaving(true);
    try {
      const body: TicketCreate = {
        type: v.type,
        channel: v.channel,
        priority: v.priority,
        categoryId: v.categoryId ?? null,
        customerId: v.customerId ?? null,
        contactId: v.contactId ?? null,
        contactName: v.contactName || null,
        contactPhone: v.contactPhone || null,
        subject: v.subject,
        description: v.description ?? '',
        locale: v.locale,
        complaint:
          v.type === 'complaint'
            ? { severity: v.severity, source: v.source, regulatorRef: v.regulatorRef || null }
            : undefined,
      };
      const tk = await createTicket(body);
      await queryClient.invalidateQueries({ queryKey: ticketsKey });
      form.resetFields();
      onClose();
      navigate(`/tickets/${tk.id}`);
    } catch (e) {
      showError(e, form);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal
      open={open}
      title={t('tickets:form.title')}
      onCancel={onClose}
      onOk={submit}
      confirmLoading={saving}
      width={760}
      okButtonProps={{ 'data-testid': 'ticket-create' } as Record<string, string>}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{
          type: 'consultation',
          channel: 'phone_in',
          priority: 'normal',
          locale: 'zh-CN',
          customerId: preset?.id,
        }}
      >
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item name="customerId" label={t('tickets:fields.customer')}>
              <CustomerPicker testId="ticket-customer" known={preset} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="contactId" label={t('tickets:fields.contact')}>
              <Select
                allowClear
                disabled={!customerId}
                options={(customer.data?.contacts ?? []).map((c) => ({ value: c.id, label: c.name }))}
              />
            </Form.Item>
          </Col>
          {!customerId && (
            <>
              <Col span={12}>
                <Form.Item name="contactName" label={t('tickets:fields.contactName')}>
                  <Input />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item name="contactPhone" label={t('tickets:fields.contactPhone')}>
                  <Input />
                </Form.Item>
              </Col>
            </>
          )}
          <Col span={8}>
            <Form.Item name="type" label={t('tickets:fields.type')} rules={[{ required: true }]}>
              <Select
                data-testid="ticket-type"
                options={TICKET_TYPES.map((x) => ({ value: x, label: t(`tickets:type.${x}`) }))}
              />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="priority" label={t('tickets:fields.priority')}>
              <Select options={PRIORITIES.map((x) => ({ value: x, label: t(`tickets:priority.${x}`) }))} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="channel" label={t('tickets:fields.channel')} rules={[{ required: true }]}>
              <Select
                data-testid="ticket-channel"
                options={CHANNELS.map((x) => ({ value: x, label: t(`tickets:channel.${x}`) }))}
              />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="categoryId" label={t('tickets:fields.category')}>
              <TreeSelect allowClear treeDefaultExpandAll treeData={toTree(categories.data)} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="locale" label={t('tickets:fields.locale')}>
              <Select
                options={(['zh-CN', 'zh-TW', 'en'] as const).map((l) => ({
                  value: l,
                  label: t(`common:languages.${l}`),
                }))}
              />
            </Form.Item>
          </Col>
          {type === 'complaint' && (
            <>
              <Col span={8}>
                <Form.Item name="severity" label={t('tickets:complaint.severity')} initialValue="normal">
                  <Select
                    options={SEVERITIES.map((x) => ({
                      value: x,
                      label: t(`tickets:complaint.severities.${x}`),
                    }))}
                  />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item name="source" label={t('tickets:complaint.source')} initialValue="own_channel">
                  <Select
                    data-testid="complaint-source"
                    options={SOURCES.map((x) => ({ value: x, label: t(`tickets:complaint.sources.${x}`) }))}
                  />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item name="regulatorRef" label={t('tickets:complaint.regulatorRef')}>
                  <Input data-testid="complaint-ref" />
                </Form.Item>
              </Col>
            </>
          )}
          <Col span={24}>
            <Form.Item
              name="subject"
              label={t('tickets:fields.subject')}
              rules={[{ required: true, message: t('common:validation.required') }]}
            >
              <Input data-testid="ticket-subject" maxLength={200} />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name="description" label={t('tickets:fields.description')}>
              <Input.TextArea rows={4} data-testid="ticket-description" />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Modal>
  );
}

// 投资者类别: a customer's requests to become a professional investor (with evidence documents from the customer's
// attachments) or to go back to ordinary; a suitability manager approves (a new assessment record with the
// category) or rejects a pending one.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Form, Input, Modal, Radio, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiData, api, call } from '../../app/api/client';
import { useShowError } from '../../app/errors';
import { fmtDateTime } from '../../app/format';
import { useCan } from '../../app/session';
import { useAttachments } from '../customers/api';

type Request = ApiData<'/api/suitability/customers/{customerId}', 'get'>['categoryRequests'][number];
const STATUS_COLOR = { pending: 'orange', approved: 'green', rejected: 'default' } as const;

function RequestDialog(props: { customerId: number; professional: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ toProfessional: boolean; evidence: number[]; reason?: string }>();
  const qc = useQueryClient();
  const showError = useShowError();
  const files = useAttachments(props.customerId);
  const toProfessional = Form.useWatch('toProfessional', form);
  const send = useMutation({
    mutationFn: async () => {
      const v = await form.validateFields();
      return call(
        api.POST('/api/suitability/customers/{customerId}/category-requests', {
          params: { path: { customerId: props.customerId } },
          body: {
            toProfessional: v.toProfessional,
            evidence: v.evidence ?? [],
            reason: v.reason?.trim() || null,
          },
        }),
      );
    },
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: ['suitability', 'customer', props.customerId] });
      props.onClose();
    },
    onError: (e) => showError(e, form),
  });
  return (
    <Modal
      open
      title={t('outreach:suit.category.request')}
      onCancel={props.onClose}
      onOk={() => send.mutate()}
      confirmLoading={send.isPending}
      okText={t('outreach:suit.category.send')}
      cancelText={t('common:actions.cancel')}
      okButtonProps={{ 'data-testid': 'category-request-send' }}
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ toProfessional: !props.professional, evidence: [] }}
      >
        <Form.Item name="toProfessional" label={t('outreach:suit.category.to')}>
          <Radio.Group
            data-testid="category-to"
            options={[
              { value: true, label: t('outreach:suit.category.professional') },
              { value: false, label: t('outreach:suit.category.ordinary') },
            ]}
          />
        </Form.Item>
        <Form.Item
          name="evidence"
          label={t('outreach:suit.category.evidence')}
          extra={t('outreach:suit.category.evidenceHint')}
          rules={
            toProfessional
              ? [
                  {
                    required: true,
                    type: 'array',
                    min: 1,
                    message: t('outreach:suit.category.evidenceRequired'),
                  },
                ]
              : []
          }
        >
          <Select
            mode="multiple"
            loading={files.isLoading}
            data-testid="category-evidence"
            options={(files.data ?? []).map((f) => ({
              value: f.id,
              label: `${f.filename} · ${fmtDateTime(f.createdAt)}`,
            }))}
          />
        </Form.Item>
        <Form.Item name="reason" label={t('outreach:suit.category.reason')}>
          <Input.TextArea rows={3} maxLength={2000} data-testid="category-reason" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function CategoryCard(props: { customerId: number; professional: boolean; requests: Request[] }) {
  const { t } = useTranslation();
  const { modal } = App.useApp();
  const can = useCan();
  const qc = useQueryClient();
  const showError = useShowError();
  const [requesting, setRequesting] = useState(false);
  const decide = (r: Request, approve: boolean) =>
    modal.confirm({
      title: t(approve ? 'outreach:suit.category.approveTitle' : 'outreach:suit.category.rejectTitle'),
      content: t(approve ? 'outreach:suit.category.approveHint' : 'outreach:suit.category.rejectHint'),
      okText: t(approve ? 'outreach:suit.category.approve' : 'outreach:suit.category.reject'),
      okButtonProps: { danger: !approve, 'data-testid': 'category-decide-ok' },
      cancelText: t('common:actions.cancel'),
      onOk: async () => {
        try {
          await call(
            api.POST('/api/suitability/category-requests/{id}/decide', {
              params: { path: { id: r.id } },
              body: { approve },
            }),
          );
          await qc.invalidateQueries({ queryKey: ['suitability', 'customer', props.customerId] });
        } catch (e) {
          showError(e);
        }
      },
    });
  return (
    <Card
      size="small"
      title={t('outreach:suit.category.title')}
      style={{ marginBottom: 16 }}
      extra={
        can('suitability.write') && (
          <Button size="small" onClick={() => setRequesting(true)} data-testid="category-request">
            {t('outreach:suit.category.request')}
          </Button>
        )
      }
    >
      <Table<Request>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={props.requests}
        data-testid="category-requests"
        locale={{ emptyText: t('outreach:suit.category.none') }}
        columns={[
          { title: t('outreach:suit.at'), dataIndex: 'createdAt', render: (v: string) => fmtDateTime(v) },
          {
            title: t('outreach:suit.category.to'),
            dataIndex: 'toProfessional',
            render: (p: boolean) =>
              t(p ? 'outreach:suit.category.professional' : 'outreach:suit.category.ordinary'),
          },
          {
            title: t('outreach:suit.category.evidence'),
            dataIndex: 'evidence',
            render: (e: number[]) => e.length,
          },
          {
            title: t('outreach:suit.category.status'),
            dataIndex: 'status',
            render: (s: Request['status'], r) =>
              s === 'pending' && can('suitability.manage') ? (
                <Space size={4}>
                  <Button
                    size="small"
                    type="primary"
                    onClick={() => decide(r, true)}
                    data-testid="category-approve"
                  >
                    {t('outreach:suit.category.approve')}
                  </Button>
                  <Button size="small" danger onClick={() => decide(r, false)} data-testid="category-reject">
                    {t('outreach:suit.category.reject')}
                  </Button>
                </Space>
              ) : (
                <Tag color={STATUS_COLOR[s]}>{t(`outreach:suit.category.statuses.${s}`)}</Tag>
              ),
          },
        ]}
        expandable={{
          rowExpandable: (r) => !!r.reason,
          expandedRowRender: (r) => <span style={{ whiteSpace: 'pre-wrap' }}>{r.reason}</span>,
        }}
      />
      {requesting && (
        <RequestDialog
          customerId={props.customerId}
          professional={props.professional}
          onClose={() => setRequesting(false)}
        />
      )}
    </Card>
  );
}

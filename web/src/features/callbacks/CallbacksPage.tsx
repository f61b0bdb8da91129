// 监管回访: regulatory callbacks of my branches by due time (open, overdue, done, unreachable); record a result
// with the questions the regulator asks, or "not reached" with notes.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Checkbox, Form, Input, Modal, Radio, Space, Table, Tabs, Tag } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type ApiData, api, call } from '../../app/api/client';
import { useShowError } from '../../app/errors';
import { useCan } from '../../app/session';
import { CallButton } from '../../app/ui/CallButton';
import { PageHeader } from '../../app/ui/PageHeader';

type Callback = ApiData<'/api/callbacks', 'get'>[number];
type View = 'open' | 'overdue' | 'done' | 'unreachable';
const QUESTIONS = [
  'is_self',
  'signed_risk_disclosure',
  'risks_explained',
  'unauthorised_trading',
  'discretionary_arrangement',
] as const;

function ResultDialog(props: { cb: Callback; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const qc = useQueryClient();
  const showError = useShowError();
  const reached = Form.useWatch('reached', form);
  const save = useMutation({
    mutationFn: async () => {
      const v = await form.validateFields();
      return call(
        api.POST('/api/callbacks/{id}/result', {
          params: { path: { id: props.cb.id } },
          body: {
            reached: v.reached,
            answers: v.reached
              ? Object.fromEntries(QUESTIONS.map((k) => [k, Boolean(v.answers?.includes(k))]))
              : undefined,
            notes: v.notes || null,
          },
        }),
      );
    },
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: ['callbacks'] });
      props.onClose();
    },
    onError: (e) => showError(e, form),
  });
  return (
    <Modal
      open
      title={`${t('outreach:callbacks.record')} · ${props.cb.customerName ?? ''}`}
      onCancel={props.onClose}
      onOk={() => save.mutate()}
      confirmLoading={save.isPending}
    >
      <Form form={form} layout="vertical" initialValues={{ reached: true, answers: [] }}>
        <Form.Item name="reached">
          <Radio.Group
            options={[
              { value: true, label: t('outreach:outcome.reached') },
              { value: false, label: t('outreach:callbacks.notReached') },
            ]}
          />
        </Form.Item>
        {reached && (
          <Form.Item name="answers" label={t('outreach:callbacks.answersYes')}>
            <Checkbox.Group
              style={{ display: 'flex', flexDirection: 'column', gap: 6 }}
              options={QUESTIONS.map((k) => ({ value: k, label: t(`outreach:callbacks.q.${k}`) }))}
            />
          </Form.Item>
        )}
        <Form.Item
          name="notes"
          label={t('outreach:callbacks.notes')}
          rules={[{ required: reached === false }]}
        >
          <Input.TextArea rows={3} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export default function CallbacksPage() {
  const { t } = useTranslation();
  const can = useCan();
  const [view, setView] = useState<View>('open');
  const [recording, setRecording] = useState<Callback | null>(null);
  const q = useQuery({
    queryKey: ['callbacks', view],
    queryFn: () =>
      call(
        api.GET('/api/callbacks', {
          params: {
            query:
              view === 'overdue'
                ? { status: 'open', overdue: 'true', limit: 200 }
                : { status: view, limit: 200 },
          },
        }),
      ),
  });
  return (
    <>
      <PageHeader title={t('outreach:menu.callbacks')} />
      <Tabs
        activeKey={view}
        onChange={(k) => setView(k as View)}
        items={(['open', 'overdue', 'done', 'unreachable'] as const).map((k) => ({
          key: k,
          label: t(`outreach:callbacks.view.${k}`),
        }))}
      />
      <Table<Callback>
        rowKey="id"
        loading={q.isLoading}
        dataSource={q.data ?? []}
        pagination={false}
        columns={[
          {
            title: t('outreach:workspace.customer'),
            render: (_, r) => (
              <Link to={`/customers/${r.customerId}`}>
                {r.customerName} ({r.customerCode})
              </Link>
            ),
          },
          {
            title: t('outreach:callbacks.kind'),
            dataIndex: 'kind',
            render: (v: string, r) =>
              t(`outreach:callbacks.kinds.${v}`, { defaultValue: v }) +
              (r.sampleYear ? ` ${r.sampleYear}` : ''),
          },
          {
            title: t('outreach:callbacks.due'),
            dataIndex: 'dueAt',
            render: (v, r) => (
              <>
                {dayjs(v).format('YYYY-MM-DD HH:mm')}{' '}
                {r.overdue && r.status === 'open' && (
                  <Tag color="red">{t('outreach:callbacks.view.overdue')}</Tag>
                )}
              </>
            ),
          },
          {
            title: t('outreach:fields.status'),
            dataIndex: 'status',
            render: (v: string) => t(`outreach:callbacks.view.${v}`, { defaultValue: v }),
          },
          { title: t('outreach:callbacks.notes'), dataIndex: 'notes', ellipsis: true },
          {
            title: '',
            render: (_, r) =>
              r.status === 'open' && can('callback.write') ? (
                <Space size={6}>
                  {/* 拨打: the full number of this callback's customer */}
                  {can('customer.dial') && <CallButton target={{ purpose: 'callback', callbackId: r.id }} />}
                  <Button size="small" onClick={() => setRecording(r)}>
                    {t('outreach:callbacks.record')}
                  </Button>
                </Space>
              ) : null,
          },
        ]}
      />
      {recording && <ResultDialog cb={recording} onClose={() => setRecording(null)} />}
    </>
  );
}

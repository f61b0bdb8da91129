// 客户交接 wizard: the leaving manager → target (one person, spread evenly, or by tier across a team) → preview
// counts → run; then the report.
import { useMutation, useQuery } from '@tanstack/react-query';
import { Button, Card, Checkbox, Form, Input, InputNumber, Radio, Space, Steps, Table } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { type ApiBody, api, call } from '../../app/api/client';
import { useShowError } from '../../app/errors';
import { PageHeader } from '../../app/ui/PageHeader';
import { UserPicker } from './UserPicker';

type HandoverInput = ApiBody<'/api/handovers', 'post'>;

export default function HandoverWizard() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const showError = useShowError();
  const [form] = Form.useForm();
  const [step, setStep] = useState(0);
  const [input, setInput] = useState<HandoverInput | null>(null);
  const tiers = useQuery({ queryKey: ['tiers'], queryFn: () => call(api.GET('/api/tiers')) });
  const mode = Form.useWatch('mode', form) ?? 'one';
  const build = async (): Promise<HandoverInput> => {
    const v = await form.validateFields();
    const tierMap: Record<string, number> = {};
    for (const [k, u] of Object.entries((v.tierMap ?? {}) as Record<string, number | undefined>))
      if (u) tierMap[k] = u;
    return {
      fromUserId: v.fromUserId,
      mode: v.mode,
      toUserId: v.mode === 'one' ? v.toUserId : undefined,
      toUserIds: v.mode !== 'one' ? v.toUserIds : undefined,
      tierMap: v.mode === 'by_tier' ? tierMap : undefined,
      notify: v.notify,
      note: v.note,
      followUpDays: v.followUpDays,
    };
  };
  const preview = useMutation({
    mutationFn: (i: HandoverInput) => call(api.POST('/api/handovers/preview', { body: i })),
    onSuccess: () => setStep(1),
    onError: (e) => showError(e, form),
  });
  const run = useMutation({
    mutationFn: (i: HandoverInput) => call(api.POST('/api/handovers', { body: i })),
    onSuccess: (r) => navigate(`/admin/handovers/${r.id}`),
    onError: (e) => showError(e, form),
  });
  return (
    <>
      <PageHeader title={t('programs:handover.new')} />
      <Card>
        <Steps
          current={step}
          style={{ marginBottom: 24 }}
          items={[
            { title: t('programs:handover.steps.setup') },
            { title: t('programs:handover.steps.preview') },
          ]}
        />
        <Form
          form={form}
          layout="vertical"
          initialValues={{ mode: 'one', notify: true, followUpDays: 7 }}
          style={{ display: step === 0 ? undefined : 'none' }}
        >
          <Form.Item name="fromUserId" label={t('programs:handover.from')} rules={[{ required: true }]}>
            <UserPicker testId="handover-from" />
          </Form.Item>
          <Form.Item name="mode" label={t('programs:handover.mode')}>
            <Radio.Group
              options={(['one', 'even', 'by_tier'] as const).map((m) => ({
                value: m,
                label: t(`programs:handover.modes.${m}`),
              }))}
            />
          </Form.Item>
          {mode === 'one' ? (
            <Form.Item name="toUserId" label={t('programs:handover.to')} rules={[{ required: true }]}>
              <UserPicker testId="handover-to" />
            </Form.Item>
          ) : (
            <Form.Item
              name="toUserIds"
              label={t('programs:handover.team')}
              rules={[{ required: mode === 'even' }]}
            >
              <UserPicker multiple style={{ width: 520 }} />
            </Form.Item>
          )}
          {mode === 'by_tier' &&
            (tiers.data?.tiers ?? []).map((x) => (
              <Form.Item
                key={x.code}
                name={['tierMap', x.code]}
                label={t('programs:handover.tierTo', { tier: x.name })}
              >
                <UserPicker />
              </Form.Item>
            ))}
          <Space>
            <Form.Item name="followUpDays" label={t('programs:handover.followUpDays')}>
              <InputNumber min={0} max={90} />
            </Form.Item>
            <Form.Item name="notify" valuePropName="checked" label=" ">
              <Checkbox>{t('programs:handover.notify')}</Checkbox>
            </Form.Item>
          </Space>
          <Form.Item name="note" label={t('programs:handover.note')}>
            <Input.TextArea rows={2} />
          </Form.Item>
          <Button
            type="primary"
            loading={preview.isPending}
            onClick={async () => {
              const i = await build();
              setInput(i);
              preview.mutate(i);
            }}
          >
            {t('programs:handover.preview')}
          </Button>
        </Form>
        {step === 1 && preview.data && input && (
          <>
            <p>{t('programs:handover.previewText', { n: preview.data.customers })}</p>
            <Table
              size="small"
              rowKey="userId"
              pagination={false}
              dataSource={preview.data.byTarget}
              columns={[
                { title: t('programs:handover.to'), dataIndex: 'name' },
                { title: t('programs:handover.customers'), dataIndex: 'customers', align: 'right' },
              ]}
              style={{ marginBottom: 16 }}
            />
            <Space>
              <Button onClick={() => setStep(0)}>{t('programs:handover.back')}</Button>
              <Button type="primary" danger loading={run.isPending} onClick={() => run.mutate(input)}>
                {t('programs:handover.run')}
              </Button>
            </Space>
          </>
        )}
      </Card>
    </>
  );
}

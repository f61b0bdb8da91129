// 新建回访活动: name, targets (a segment or imported customer codes), script and questions, steps (SMS with a
// template, then a call after N days for those who have not responded), agents with quotas. Saves a draft and
// opens its progress page, where it is started.
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Button, Card, Checkbox, Col, Form, Input, InputNumber, Radio, Row, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { type ApiBody, api, call } from '../../app/api/client';
import { useShowError } from '../../app/errors';
import { PageHeader } from '../../app/ui/PageHeader';

type Body = ApiBody<'/api/campaigns', 'post'>;
type Values = {
  name: string;
  targetKind: 'segment' | 'list';
  segmentId?: number;
  codes?: string;
  script?: string;
  quotaPeriod: 'week' | 'campaign';
  questions: {
    key: string;
    type: 'yes_no' | 'single' | 'text';
    text: string;
    options?: string;
    required?: boolean;
  }[];
  steps: { channel: 'sms' | 'call'; delayDays: number; smsTemplate?: string }[];
  agents: { userId: number; quota: number }[];
};

/** Question keys prefilled as q1, q2 … (the next number not taken): no words of one language in a key. */
const nextQuestionKey = (qs: { key?: string }[] | undefined) => {
  const taken = new Set((qs ?? []).map((q) => q?.key));
  let n = (qs?.length ?? 0) + 1;
  while (taken.has(`q${n}`)) n++;
  return `q${n}`;
};

export default function CampaignBuilderPage() {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const navigate = useNavigate();
  const showError = useShowError();
  const segments = useQuery({ queryKey: ['segments'], queryFn: () => call(api.GET('/api/segments')) });
  const templates = useQuery({
    queryKey: ['sms-templates'],
    queryFn: () => call(api.GET('/api/sms/templates')),
  });
  const users = useQuery({
    queryKey: ['users', 'options'],
    queryFn: () => call(api.GET('/api/users/options', { params: { query: { limit: 200 } } })),
  });
  const targetKind = Form.useWatch('targetKind', form);
  const steps = Form.useWatch('steps', form);

  const save = useMutation({
    mutationFn: async () => {
      const v = await form.validateFields();
      const body: Body = {
        name: v.name,
        target:
          v.targetKind === 'segment'
            ? { kind: 'segment', segmentId: v.segmentId as number }
            : {
                kind: 'list',
                customerCodes: (v.codes ?? '')
                  .split(/[\s,，;；]+/)
                  .map((c) => c.trim())
                  .filter(Boolean),
              },
        script: v.script || null,
        quotaPeriod: v.quotaPeriod,
        questions: (v.questions ?? []).map((q) => ({
          key: q.key,
          type: q.type,
          text: q.text,
          options:
            q.type === 'single'
              ? (q.options ?? '')
                  .split(/[,，]/)
                  .map((o) => o.trim())
                  .filter(Boolean)
              : undefined,
          required: !!q.required,
        })),
        steps: (v.steps ?? []).map((s) => ({
          channel: s.channel,
          delayDays: s.delayDays ?? 0,
          smsTemplate: s.channel === 'sms' ? s.smsTemplate || null : null,
        })),
        agents: (v.agents ?? []).filter((a) => a?.userId),
      };
      return call(api.POST('/api/campaigns', { body }));
    },
    onSuccess: (c) => navigate(`/outreach/campaigns/${c.id}`),
    onError: (e) => showError(e, form),
  });

  return (
    <>
      <PageHeader title={t('outreach:builder.title')} sub={t('outreach:builder.sub')} />
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={{
          targetKind: 'segment',
          quotaPeriod: 'week',
          questions: [{ key: 'q1', type: 'yes_no', text: '' }],
          steps: [
            { channel: 'sms', delayDays: 0, smsTemplate: '' },
            { channel: 'call', delayDays: 3 },
          ],
          agents: [],
        }}
      >
        <Row gutter={16}>
          <Col xs={24} lg={12}>
            <Card title={t('outreach:builder.basics')} size="small" style={{ marginBottom: 16 }}>
              <Form.Item name="name" label={t('outreach:fields.name')} rules={[{ required: true }]}>
                <Input id="campaign-name" maxLength={200} />
              </Form.Item>
              <Form.Item name="targetKind" label={t('outreach:builder.target')}>
                <Radio.Group
                  options={[
                    { value: 'segment', label: t('outreach:builder.fromSegment') },
                    { value: 'list', label: t('outreach:builder.fromCodes') },
                  ]}
                />
              </Form.Item>
              {targetKind === 'list' ? (
                <Form.Item name="codes" label={t('outreach:builder.codes')} rules={[{ required: true }]}>
                  <Input.TextArea
                    rows={4}
                    placeholder={t('outreach:builder.codesHint')}
                    data-testid="campaign-codes"
                  />
                </Form.Item>
              ) : (
                <Form.Item
                  name="segmentId"
                  label={t('outreach:builder.segment')}
                  rules={[{ required: true }]}
                >
                  <Select
                    data-testid="campaign-segment"
                    showSearch
                    optionFilterProp="label"
                    loading={segments.isLoading}
                    options={(segments.data?.items ?? []).map((s) => ({ value: s.id, label: s.name }))}
                  />
                </Form.Item>
              )}
              <Form.Item name="script" label={t('outreach:fields.script')}>
                <Input.TextArea rows={5} data-testid="campaign-script" />
              </Form.Item>
            </Card>
            <Card title={t('outreach:builder.questions')} size="small" style={{ marginBottom: 16 }}>
              <Form.List name="questions">
                {(fields, { add, remove }) => (
                  <>
                    {fields.map((f) => (
                      <Space key={f.key} align="start" size={6} style={{ display: 'flex' }}>
                        <Form.Item name={[f.name, 'key']} rules={[{ required: true }]} style={{ width: 90 }}>
                          <Input placeholder={t('outreach:builder.qKey')} />
                        </Form.Item>
                        <Form.Item name={[f.name, 'type']} style={{ width: 100 }}>
                          <Select
                            options={(['yes_no', 'single', 'text'] as const).map((k) => ({
                              value: k,
                              label: t(`outreach:qType.${k}`),
                            }))}
                          />
                        </Form.Item>
                        <Form.Item
                          name={[f.name, 'text']}
                          rules={[{ required: true }]}
                          style={{ width: 180 }}
                        >
                          <Input
                            placeholder={t('outreach:builder.qText')}
                            data-testid={`question-text-${f.name}`}
                          />
                        </Form.Item>
                        <Form.Item name={[f.name, 'options']} style={{ width: 110 }}>
                          <Input placeholder={t('outreach:builder.qOptions')} />
                        </Form.Item>
                        <Form.Item name={[f.name, 'required']} valuePropName="checked">
                          <Checkbox
                            data-testid={`question-required-${f.name}`}
                            style={{ whiteSpace: 'nowrap' }}
                          >
                            {t('outreach:builder.qRequired')}
                          </Checkbox>
                        </Form.Item>
                        <MinusCircleOutlined onClick={() => remove(f.name)} style={{ marginTop: 8 }} />
                      </Space>
                    ))}
                    <Button
                      icon={<PlusOutlined />}
                      onClick={() =>
                        add({ key: nextQuestionKey(form.getFieldValue('questions')), type: 'yes_no' })
                      }
                    >
                      {t('outreach:builder.addQuestion')}
                    </Button>
                  </>
                )}
              </Form.List>
            </Card>
          </Col>
          <Col xs={24} lg={12}>
            <Card title={t('outreach:fields.steps')} size="small" style={{ marginBottom: 16 }}>
              <Form.List name="steps">
                {(fields, { add, remove }) => (
                  <>
                    {fields.map((f, i) => (
                      <Card
                        key={f.key}
                        size="small"
                        type="inner"
                        style={{ marginBottom: 8 }}
                        title={t('outreach:builder.stepN', { n: i + 1 })}
                        extra={fields.length > 1 && <MinusCircleOutlined onClick={() => remove(f.name)} />}
                      >
                        <Space wrap align="start">
                          <Form.Item name={[f.name, 'channel']} label={t('outreach:builder.channel')}>
                            <Select
                              style={{ width: 120 }}
                              options={(['sms', 'call'] as const).map((c) => ({
                                value: c,
                                label: t(`outreach:channel.${c}`),
                              }))}
                            />
                          </Form.Item>
                          <Form.Item
                            name={[f.name, 'delayDays']}
                            label={t('outreach:builder.delayDays')}
                            tooltip={i > 0 ? t('outreach:builder.delayHint') : undefined}
                          >
                            <InputNumber min={0} max={365} data-testid={`step-delay-${i}`} />
                          </Form.Item>
                        </Space>
                        {steps?.[i]?.channel === 'sms' && (
                          <>
                            <Select
                              style={{ width: '100%', marginBottom: 8 }}
                              placeholder={t('outreach:builder.pickTemplate')}
                              allowClear
                              options={(templates.data ?? [])
                                .filter((x) => x.active)
                                .map((x) => ({ value: x.id, label: x.name }))}
                              onChange={(id) => {
                                const tpl = templates.data?.find((x) => x.id === id);
                                if (tpl) form.setFieldValue(['steps', f.name, 'smsTemplate'], tpl.body);
                              }}
                            />
                            <Form.Item
                              name={[f.name, 'smsTemplate']}
                              label={t('outreach:builder.smsText')}
                              extra={t('outreach:builder.smsHint')}
                              rules={[{ required: true }]}
                            >
                              <Input.TextArea rows={3} data-testid={`step-sms-${i}`} />
                            </Form.Item>
                          </>
                        )}
                      </Card>
                    ))}
                    <Button icon={<PlusOutlined />} onClick={() => add({ channel: 'call', delayDays: 3 })}>
                      {t('outreach:builder.addStep')}
                    </Button>
                  </>
                )}
              </Form.List>
            </Card>
            <Card title={t('outreach:builder.agents')} size="small" style={{ marginBottom: 16 }}>
              <Form.Item name="quotaPeriod" label={t('outreach:builder.quotaPeriod')}>
                <Radio.Group
                  options={(['week', 'campaign'] as const).map((p) => ({
                    value: p,
                    label: t(`outreach:period.${p}`),
                  }))}
                />
              </Form.Item>
              <Form.List name="agents">
                {(fields, { add, remove }) => (
                  <>
                    {fields.map((f) => (
                      <Space key={f.key} align="start" style={{ display: 'flex' }} data-testid="agent-row">
                        <Form.Item
                          name={[f.name, 'userId']}
                          rules={[{ required: true }]}
                          style={{ width: 240 }}
                        >
                          <Select
                            showSearch
                            optionFilterProp="label"
                            placeholder={t('outreach:builder.agent')}
                            options={(users.data ?? []).map((u) => ({
                              value: u.id,
                              label: `${u.displayName} (${u.username})`,
                            }))}
                          />
                        </Form.Item>
                        <Form.Item name={[f.name, 'quota']} rules={[{ required: true }]}>
                          <InputNumber min={1} max={100000} addonAfter={t('outreach:builder.perPeriod')} />
                        </Form.Item>
                        <MinusCircleOutlined onClick={() => remove(f.name)} style={{ marginTop: 8 }} />
                      </Space>
                    ))}
                    <Button icon={<PlusOutlined />} onClick={() => add({ quota: 200 })} id="agent-add">
                      {t('outreach:builder.addAgent')}
                    </Button>
                  </>
                )}
              </Form.List>
            </Card>
          </Col>
        </Row>
        <Button type="primary" id="campaign-save" loading={save.isPending} onClick={() => save.mutate()}>
          {t('outreach:builder.save')}
        </Button>
      </Form>
    </>
  );
}

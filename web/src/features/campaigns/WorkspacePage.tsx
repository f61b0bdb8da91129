// 外呼工作台: pick a running campaign, take the next contact (claimed for me only), read the script, fill the
// questions (required ones before a connected call is recorded) and record the outcome — then the next contact comes
// up by itself; my quota progress on top.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Form,
  Input,
  Progress,
  Radio,
  Row,
  Select,
  Space,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, api, call } from '../../app/api/client';
import { fieldReasonText, useShowError } from '../../app/errors';
import { useCan } from '../../app/session';
import { CallButton } from '../../app/ui/CallButton';
import { PageHeader } from '../../app/ui/PageHeader';
import { OUTCOMES, useCampaigns, type Workspace } from './api';

export default function WorkspacePage() {
  const { t } = useTranslation();
  const params = useParams();
  const id = params.id ? Number(params.id) : null;
  const navigate = useNavigate();
  const can = useCan();
  const running = useCampaigns('running');
  const qc = useQueryClient();
  const showError = useShowError();
  const [form] = Form.useForm();
  const [reason, setReason] = useState('');
  const key = ['campaigns', id, 'workspace'];
  const ws = useQuery({
    queryKey: key,
    enabled: id != null,
    queryFn: () => call(api.GET('/api/campaigns/{id}/workspace', { params: { path: { id: id as number } } })),
  });
  const next = useMutation({
    mutationFn: () => call(api.POST('/api/campaigns/{id}/next', { params: { path: { id: id as number } } })),
    onSuccess: (d) => {
      qc.setQueryData<Workspace>(key, d);
      form.resetFields();
      setReason('');
    },
    onError: (e) => {
      showError(e);
      qc.invalidateQueries({ queryKey: key });
    },
  });
  const record = useMutation({
    mutationFn: async (outcome: (typeof OUTCOMES)[number]) => {
      const w = ws.data as Workspace;
      // A connected call needs the required answers (the server refuses it too).
      if (outcome === 'reached') await form.validateFields();
      const answers = Object.fromEntries(
        Object.entries(form.getFieldsValue() as Record<string, unknown>).filter(
          ([, v]) => v !== undefined && v !== null && v !== '',
        ),
      ) as Record<string, string | boolean>;
      return call(
        api.POST('/api/campaigns/{id}/calls/{callId}/attempts', {
          params: { path: { id: id as number, callId: w.call?.id as number } },
          body: { outcome, reason: reason || null, answers },
        }),
      );
    },
    onSuccess: () => {
      form.resetFields();
      setReason('');
      // On to the next contact at once; the rest of the campaign's data is refreshed.
      next.mutate();
      qc.invalidateQueries({
        queryKey: ['campaigns', id],
        predicate: (q) => q.queryKey[2] !== 'workspace',
      });
    },
    onError: (e) => {
      if (!(e instanceof ApiError)) return; // the form's own validation shows under the questions
      // The server's reasons for answers (answers.<key>) go under their questions.
      const onQuestions = Object.entries(e.fields)
        .filter(([k]) => k.startsWith('answers.'))
        .map(([k, reason]) => ({ name: k.slice('answers.'.length), errors: [fieldReasonText(t, reason)] }));
      if (onQuestions.length) form.setFields(onQuestions);
      else showError(e);
    },
  });

  const w = ws.data;
  return (
    <>
      <PageHeader
        title={t('outreach:menu.workspace')}
        extra={
          <Select
            style={{ width: 260 }}
            placeholder={t('outreach:workspace.pickCampaign')}
            value={id ?? undefined}
            data-testid="workspace-campaign"
            options={(running.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
            onChange={(v) => navigate(`/outreach/workspace/${v}`)}
          />
        }
      />
      {id == null ? (
        <Empty description={t('outreach:workspace.pickCampaign')} />
      ) : (
        w && (
          <Row gutter={16}>
            <Col xs={24} lg={16}>
              <Card
                size="small"
                title={t('outreach:workspace.contact')}
                style={{ marginBottom: 16 }}
                extra={
                  !w.call && (
                    <Button
                      type="primary"
                      id="workspace-next"
                      loading={next.isPending}
                      onClick={() => next.mutate()}
                    >
                      {t('outreach:workspace.next')}
                    </Button>
                  )
                }
              >
                {w.call ? (
                  <Descriptions column={2} size="small" data-testid="workspace-customer">
                    <Descriptions.Item label={t('outreach:workspace.customer')}>
                      <Link to={`/customers/${w.call.customer.id}`} target="_blank">
                        {w.call.customer.name}
                      </Link>{' '}
                      ({w.call.customer.code})
                    </Descriptions.Item>
                    <Descriptions.Item label={t('outreach:workspace.phone')}>
                      <Space size={6} wrap>
                        <span data-testid="workspace-phone">{w.call.customer.phone ?? '—'}</span>
                        {/* 拨打: the full number of the call I hold */}
                        {can('customer.dial') && w.call.customer.phone && (
                          <CallButton
                            type="primary"
                            target={{ purpose: 'campaign', campaignCallId: w.call.id, contact: 'phone' }}
                          />
                        )}
                        {w.call.customer.phoneBackup && (
                          <>
                            <span>/ {w.call.customer.phoneBackup}</span>
                            {can('customer.dial') && (
                              <CallButton
                                target={{
                                  purpose: 'campaign',
                                  campaignCallId: w.call.id,
                                  contact: 'phoneBackup',
                                }}
                              />
                            )}
                          </>
                        )}
                      </Space>
                    </Descriptions.Item>
                    <Descriptions.Item label={t('outreach:workspace.attempts')}>
                      {w.call.attempts}
                    </Descriptions.Item>
                  </Descriptions>
                ) : w.campaignStatus === 'paused' || w.campaignStatus === 'stopped' ? (
                  <Alert
                    type="warning"
                    data-testid="workspace-not-running"
                    message={t(`outreach:workspace.${w.campaignStatus}`)}
                  />
                ) : (
                  <Empty description={t('outreach:workspace.noContact')} />
                )}
              </Card>
              {w.call && (
                <Card size="small" title={t('outreach:builder.questions')} style={{ marginBottom: 16 }}>
                  <Form form={form} layout="vertical">
                    {w.questions.map((q) => (
                      <Form.Item
                        key={q.key}
                        name={q.key}
                        label={q.text}
                        required={q.required}
                        rules={
                          q.required
                            ? [
                                {
                                  validator: (_, v) =>
                                    v === undefined || v === null || (typeof v === 'string' && !v.trim())
                                      ? Promise.reject(new Error(t('outreach:workspace.answerRequired')))
                                      : Promise.resolve(),
                                },
                              ]
                            : []
                        }
                      >
                        {q.type === 'yes_no' ? (
                          <Radio.Group
                            data-testid={`answer-${q.key}`}
                            options={[
                              { value: true, label: t('outreach:workspace.yes') },
                              { value: false, label: t('outreach:workspace.no') },
                            ]}
                          />
                        ) : q.type === 'single' ? (
                          <Radio.Group options={(q.options ?? []).map((o) => ({ value: o, label: o }))} />
                        ) : (
                          <Input.TextArea rows={2} />
                        )}
                      </Form.Item>
                    ))}
                  </Form>
                  <Input
                    placeholder={t('outreach:workspace.reason')}
                    value={reason}
                    onChange={(e) => setReason(e.target.value)}
                    data-testid="workspace-reason"
                    style={{ marginBottom: 12 }}
                  />
                  <Space wrap>
                    {OUTCOMES.map((o) => (
                      <Button
                        key={o}
                        data-testid={`outcome-${o}`}
                        type={o === 'reached' ? 'primary' : 'default'}
                        danger={o === 'wrong_number' || o === 'refused'}
                        loading={record.isPending && record.variables === o}
                        onClick={() => record.mutate(o)}
                      >
                        {t(`outreach:outcome.${o}`)}
                      </Button>
                    ))}
                  </Space>
                </Card>
              )}
            </Col>
            <Col xs={24} lg={8}>
              <Card size="small" title={t('outreach:workspace.quota')} style={{ marginBottom: 16 }}>
                <Progress
                  type="circle"
                  percent={Math.round((w.quota.done / Math.max(w.quota.quota, 1)) * 100)}
                  format={() => `${w.quota.done} / ${w.quota.quota}`}
                />
                <div style={{ marginTop: 8 }} data-testid="workspace-quota">
                  {t('outreach:workspace.quotaLine', {
                    done: w.quota.done,
                    remaining: w.quota.remaining,
                    period: t(`outreach:period.${w.quota.period}`),
                  })}
                </div>
              </Card>
              <Card size="small" title={t('outreach:fields.script')}>
                {w.script ? (
                  <div style={{ whiteSpace: 'pre-wrap' }} data-testid="workspace-script">
                    {w.script}
                  </div>
                ) : (
                  <Alert type="info" message={t('outreach:workspace.noScript')} />
                )}
              </Card>
            </Col>
          </Row>
        )
      )}
    </>
  );
}

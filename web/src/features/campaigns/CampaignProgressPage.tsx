// 活动进度: live (refreshed every 5 s) per-agent done/remaining against quota, outcomes, response rate per step, the
// texts that failed with the gateway's reason; start (confirmed with the server's count of what it will send), pause,
// resume and stop.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Progress as Bar,
  Button,
  Card,
  Col,
  Descriptions,
  Row,
  Space,
  Statistic,
  Table,
  Tag,
} from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, call } from '../../app/api/client';
import { useShowError } from '../../app/errors';
import { useCan } from '../../app/session';
import { BarsChart } from '../../app/ui/Chart';
import { PageHeader } from '../../app/ui/PageHeader';
import { type FailedMessage, OUTCOMES, type Progress } from './api';
import { STATUS_COLOR } from './CampaignsPage';

export default function CampaignProgressPage() {
  const { t, i18n } = useTranslation();
  const id = Number(useParams().id);
  const can = useCan();
  const qc = useQueryClient();
  const showError = useShowError();
  const campaign = useQuery({
    queryKey: ['campaigns', id],
    queryFn: () => call(api.GET('/api/campaigns/{id}', { params: { path: { id } } })),
    refetchInterval: 5000,
  });
  const progress = useQuery({
    queryKey: ['campaigns', id, 'progress'],
    queryFn: () => call(api.GET('/api/campaigns/{id}/progress', { params: { path: { id } } })),
    refetchInterval: 5000,
  });
  const failed = useQuery({
    queryKey: ['campaigns', id, 'failed-messages'],
    queryFn: () => call(api.GET('/api/campaigns/{id}/failed-messages', { params: { path: { id } } })),
    refetchInterval: 5000,
  });
  const { modal } = App.useApp();
  const refresh = () => qc.invalidateQueries({ queryKey: ['campaigns', id] });
  const start = useMutation({
    mutationFn: () => call(api.POST('/api/campaigns/{id}/start', { params: { path: { id } } })),
    onSuccess: refresh,
    onError: (e) => showError(e),
  });
  // Starting asks first, with the server's count of what the start sends at once.
  const preview = useMutation({
    mutationFn: () => call(api.GET('/api/campaigns/{id}/preview-count', { params: { path: { id } } })),
    onSuccess: (n) => {
      const num = (v: number) => v.toLocaleString(i18n.language);
      modal.confirm({
        title: t('outreach:progress.confirmStartTitle'),
        content: (
          <div data-testid="start-confirm">
            <p>
              {n.sms > 0
                ? t('outreach:progress.confirmStartSms', { n: num(n.sms) })
                : n.calls > 0
                  ? t('outreach:progress.confirmStartCalls', { n: num(n.calls) })
                  : t('outreach:progress.confirmStartTargets', { n: num(n.targets) })}
            </p>
            {n.smsSkipped > 0 && (
              <p>{t('outreach:progress.confirmStartSkipped', { n: num(n.smsSkipped) })}</p>
            )}
            {n.laterSteps > 0 && <p>{t('outreach:progress.confirmStartLater', { n: n.laterSteps })}</p>}
          </div>
        ),
        okText: t('outreach:progress.start'),
        okButtonProps: { id: 'campaign-start-ok' },
        onOk: () => start.mutateAsync(),
      });
    },
    onError: (e) => showError(e),
  });
  const transition = useMutation({
    mutationFn: (action: 'pause' | 'resume' | 'stop') =>
      call(api.POST(`/api/campaigns/{id}/${action}`, { params: { path: { id } } })),
    onSuccess: refresh,
    onError: (e) => showError(e),
  });
  const stop = () =>
    modal.confirm({
      title: t('outreach:progress.stop'),
      content: t('outreach:progress.confirmStop'),
      okType: 'danger',
      okText: t('outreach:progress.stop'),
      okButtonProps: { id: 'campaign-stop-ok' },
      onOk: () => transition.mutateAsync('stop'),
    });
  const dispatch = useMutation({
    mutationFn: (stepId: number) =>
      call(api.POST('/api/campaigns/{id}/steps/{stepId}/dispatch', { params: { path: { id, stepId } } })),
    onSuccess: refresh,
    onError: (e) => showError(e),
  });
  const c = campaign.data;
  const p = progress.data;
  const pct = (r: number | null) => (r == null ? '—' : `${Math.round(r * 100)}%`);
  return (
    <>
      <PageHeader
        title={
          <>
            {c?.name ?? ''}{' '}
            {c && (
              <Tag color={STATUS_COLOR[c.status]} data-testid="campaign-status">
                {t(`outreach:status.${c.status}`)}
              </Tag>
            )}
          </>
        }
        sub={t('outreach:progress.title')}
        extra={
          <>
            {c?.status === 'draft' && can('campaign.write') && (
              <Button
                type="primary"
                id="campaign-start"
                loading={preview.isPending || start.isPending}
                onClick={() => preview.mutate()}
              >
                {t('outreach:progress.start')}
              </Button>
            )}
            {(c?.status === 'running' || c?.status === 'paused') && can('campaign.write') && (
              <Space size={8}>
                {c.status === 'running' ? (
                  <Button
                    id="campaign-pause"
                    loading={transition.isPending && transition.variables === 'pause'}
                    onClick={() => transition.mutate('pause')}
                  >
                    {t('outreach:progress.pause')}
                  </Button>
                ) : (
                  <Button
                    type="primary"
                    id="campaign-resume"
                    loading={transition.isPending && transition.variables === 'resume'}
                    onClick={() => transition.mutate('resume')}
                  >
                    {t('outreach:progress.resume')}
                  </Button>
                )}
                <Button danger id="campaign-stop" onClick={stop}>
                  {t('outreach:progress.stop')}
                </Button>
              </Space>
            )}
            {c?.status === 'running' && can('campaign.work') && (
              <Link to={`/outreach/workspace/${id}`}>
                <Button>{t('outreach:menu.workspace')}</Button>
              </Link>
            )}
          </>
        }
      />
      {p && (
        <Row gutter={16} style={{ marginBottom: 16 }}>
          {(
            [
              ['targets', p.targets],
              ['responded', p.responded],
              ['callsDone', p.calls.done],
              ['callsRemaining', p.calls.remaining],
              ['unreachable', p.calls.unreachable],
            ] as const
          ).map(([k, v]) => (
            <Col key={k} xs={12} md={4}>
              <Card size="small">
                <Statistic title={t(`outreach:progress.${k}`)} value={v} valueStyle={{ fontSize: 22 }} />
                <span data-testid={`stat-${k}`} style={{ display: 'none' }}>
                  {v}
                </span>
              </Card>
            </Col>
          ))}
        </Row>
      )}
      <Row gutter={16}>
        <Col xs={24} lg={14}>
          <Card title={t('outreach:progress.agents')} size="small" style={{ marginBottom: 16 }}>
            <Table<Progress['agents'][number]>
              rowKey="userId"
              size="small"
              pagination={false}
              dataSource={p?.agents ?? []}
              columns={[
                { title: t('outreach:builder.agent'), dataIndex: 'name' },
                { title: t('outreach:progress.quota'), dataIndex: 'quota' },
                {
                  title: t('outreach:progress.done'),
                  dataIndex: 'done',
                  render: (v) => <span data-testid="agent-done">{v}</span>,
                },
                { title: t('outreach:progress.remaining'), dataIndex: 'remaining' },
                {
                  title: '',
                  width: 160,
                  render: (_, a) => (
                    <Bar percent={Math.round((a.done / Math.max(a.quota, 1)) * 100)} size="small" />
                  ),
                },
              ]}
            />
          </Card>
          <Card title={t('outreach:progress.steps')} size="small" style={{ marginBottom: 16 }}>
            <Table<Progress['steps'][number]>
              rowKey="stepId"
              size="small"
              pagination={false}
              dataSource={p?.steps ?? []}
              columns={[
                {
                  title: t('outreach:builder.channel'),
                  render: (_, s) => `${s.position}. ${t(`outreach:channel.${s.channel}`)}`,
                },
                {
                  title: t('outreach:fields.status'),
                  render: (_, s) => {
                    const st = c?.steps.find((x) => x.id === s.stepId);
                    return (
                      <>
                        {t(`outreach:stepStatus.${s.status}`, { defaultValue: s.status })}
                        {st?.startedAt && s.status === 'pending' && (
                          <div style={{ fontSize: 12, color: '#888' }}>
                            {dayjs(st.startedAt).format('MM-DD HH:mm')}
                          </div>
                        )}
                      </>
                    );
                  },
                },
                { title: t('outreach:progress.recipients'), dataIndex: 'recipients' },
                {
                  title: t('outreach:progress.sent'),
                  render: (_, s) => (s.channel === 'sms' ? `${s.sent ?? 0} / ${s.failed ?? 0}` : '—'),
                },
                { title: t('outreach:progress.responded'), dataIndex: 'responded' },
                {
                  title: t('outreach:progress.responseRate'),
                  dataIndex: 'responseRate',
                  render: (v) => <span data-testid="step-rate">{pct(v)}</span>,
                },
                {
                  title: '',
                  render: (_, s) =>
                    c?.status === 'running' && s.status === 'pending' && can('campaign.write') ? (
                      <Button
                        size="small"
                        data-testid={`dispatch-${s.position}`}
                        loading={dispatch.isPending}
                        onClick={() => dispatch.mutate(s.stepId)}
                      >
                        {t('outreach:progress.dispatchNow')}
                      </Button>
                    ) : null,
                },
              ]}
            />
          </Card>
          {c?.steps.some((s) => s.channel === 'sms') && (
            <Card title={t('outreach:progress.failed')} size="small" style={{ marginBottom: 16 }}>
              <Table<FailedMessage>
                rowKey="outboxId"
                size="small"
                data-testid="failed-messages"
                pagination={{ pageSize: 10, hideOnSinglePage: true }}
                locale={{ emptyText: t('outreach:progress.failedNone') }}
                dataSource={failed.data ?? []}
                columns={[
                  {
                    title: t('outreach:workspace.customer'),
                    render: (_, m) => (
                      <>
                        <Link to={`/customers/${m.customerId}`}>{m.name}</Link> ({m.code})
                      </>
                    ),
                  },
                  { title: t('outreach:progress.failedStep'), dataIndex: 'position', width: 60 },
                  {
                    title: t('outreach:fields.status'),
                    dataIndex: 'status',
                    render: (v: FailedMessage['status']) => (
                      <Tag color={v === 'failed' ? 'error' : 'warning'}>
                        {t(`outreach:progress.failedStatus.${v}`)}
                      </Tag>
                    ),
                  },
                  {
                    title: t('outreach:progress.failedReason'),
                    render: (_, m) => (
                      <span data-testid="failed-reason">
                        {m.reasonCode
                          ? t(`outreach:smsFailure.${m.reasonCode}`, {
                              defaultValue: m.reason ?? m.reasonCode,
                            })
                          : (m.reason ?? '—')}
                        {m.reasonCode && m.reason && (
                          <div style={{ fontSize: 12, color: '#888' }}>{m.reason}</div>
                        )}
                      </span>
                    ),
                  },
                  {
                    title: t('outreach:progress.failedAt'),
                    dataIndex: 'at',
                    width: 110,
                    render: (v) => dayjs(v).format('MM-DD HH:mm'),
                  },
                ]}
              />
            </Card>
          )}
        </Col>
        <Col xs={24} lg={10}>
          <Card title={t('outreach:progress.outcomes')} size="small" style={{ marginBottom: 16 }}>
            <BarsChart
              testId="outcome-chart"
              height={240}
              legend={false}
              labels
              animation={false}
              categories={OUTCOMES.map((o) => t(`outreach:outcome.${o}`))}
              series={[
                {
                  name: t('outreach:progress.outcomes'),
                  data: OUTCOMES.map((o) => p?.outcomes[o] ?? 0),
                  color: '#1677ff',
                },
              ]}
            />
          </Card>
          {c && (
            <Card title={t('outreach:builder.basics')} size="small">
              <Descriptions column={1} size="small">
                <Descriptions.Item label={t('outreach:builder.target')}>
                  {t(`outreach:targetKind.${c.targetKind}`)} · {c.targets}
                </Descriptions.Item>
                {c.segmentId != null && (
                  <Descriptions.Item label={t('outreach:progress.segment')}>
                    <span data-testid="campaign-segment">
                      {can('segment.read') ? (
                        <Link to={`/programs/segments/${c.segmentId}`}>
                          {c.segmentName ?? `#${c.segmentId}`}
                        </Link>
                      ) : (
                        (c.segmentName ?? `#${c.segmentId}`)
                      )}
                    </span>
                  </Descriptions.Item>
                )}
                <Descriptions.Item label={t('outreach:builder.quotaPeriod')}>
                  {t(`outreach:period.${c.quotaPeriod}`)}
                </Descriptions.Item>
                <Descriptions.Item label={t('outreach:fields.script')}>
                  <span style={{ whiteSpace: 'pre-wrap' }}>{c.script ?? '—'}</span>
                </Descriptions.Item>
              </Descriptions>
            </Card>
          )}
        </Col>
      </Row>
    </>
  );
}

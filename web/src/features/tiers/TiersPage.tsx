// 价值分层: cut-off settings (top x % → tier), recompute, the Pareto curve with the cut-offs, the distribution
// per tier and the recent tier changes.
import { MinusCircleOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Col, Form, Input, InputNumber, Row, Select, Space, Table, Tag } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, call } from '../../app/api/client';
import { useShowError } from '../../app/errors';
import { fmtDate } from '../../app/format';
import { useCan } from '../../app/session';
import { PageHeader } from '../../app/ui/PageHeader';
import { ParetoChart } from './ParetoChart';

const pct = (v: number) => `${Math.round(v * 1000) / 10}%`;

export default function TiersPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const can = useCan();
  const qc = useQueryClient();
  const showError = useShowError();
  const [form] = Form.useForm();
  const config = useQuery({ queryKey: ['tiers'], queryFn: () => call(api.GET('/api/tiers')) });
  const pareto = useQuery({
    queryKey: ['tiers', 'pareto'],
    queryFn: () => call(api.GET('/api/tiers/pareto')),
  });
  const changes = useQuery({
    queryKey: ['tiers', 'changes'],
    queryFn: () => call(api.GET('/api/tiers/changes', { params: { query: { limit: 20 } } })),
  });
  useEffect(() => {
    if (config.data)
      form.setFieldsValue({
        ...config.data,
        tiers: config.data.tiers.map((x) => ({ ...x, cutoff: Math.round(x.cutoff * 10000) / 100 })),
      });
  }, [config.data, form]);
  const save = useMutation({
    mutationFn: async () => {
      const v = await form.validateFields();
      const old = config.data?.tiers ?? [];
      return call(
        api.PUT('/api/tiers', {
          body: {
            basis: v.basis,
            metric: v.metric,
            tiers: (v.tiers as { code: string; name: string; cutoff: number }[]).map((x) => ({
              code: x.code,
              name: x.name,
              cutoff: x.cutoff / 100,
              rule: old.find((o) => o.code === x.code)?.rule ?? null,
            })),
          },
        }),
      );
    },
    onSuccess: () => {
      message.success(t('programs:tiers.saved'));
      qc.invalidateQueries({ queryKey: ['tiers'] });
    },
    onError: (e) => showError(e, form),
  });
  const recompute = useMutation({
    mutationFn: () => call(api.POST('/api/tiers/recompute')),
    onSuccess: (r) => {
      message.success(t('programs:tiers.recomputed', { customers: r.customers, changed: r.changed }));
      qc.invalidateQueries({ queryKey: ['tiers'] });
    },
    onError: (e) => showError(e),
  });
  const manage = can('tier.manage');
  const p = pareto.data;
  return (
    <>
      <PageHeader
        title={t('programs:tiers.title')}
        extra={
          manage && (
            <Button
              icon={<ReloadOutlined />}
              loading={recompute.isPending}
              onClick={() => recompute.mutate()}
              data-testid="tiers-recompute"
            >
              {t('programs:tiers.recompute')}
            </Button>
          )
        }
      />
      <Row gutter={16}>
        <Col span={15}>
          <Card
            title={t('programs:tiers.pareto')}
            extra={p && t('programs:tiers.paretoSub', { customers: p.customers.toLocaleString() })}
            style={{ marginBottom: 16 }}
          >
            {p && (
              <ParetoChart
                points={p.points}
                cutoffs={p.cutoffs}
                basis={p.basis}
                xName={t('programs:tiers.xAxis')}
                yName={t('programs:tiers.yAxis')}
              />
            )}
          </Card>
          <Card title={t('programs:tiers.distribution')}>
            <Table
              size="small"
              rowKey={(r) => r.tier ?? '-'}
              dataSource={p?.tiers ?? []}
              pagination={false}
              data-testid="tiers-distribution"
              columns={[
                {
                  title: t('programs:common.tier'),
                  dataIndex: 'tier',
                  render: (v) => (v ? <Tag color="blue">{v}</Tag> : t('programs:tiers.none')),
                },
                { title: t('programs:tiers.customers'), dataIndex: 'customers', align: 'right' },
                {
                  title: t('programs:tiers.value'),
                  dataIndex: 'value',
                  align: 'right',
                  render: (v: number) => v.toLocaleString(undefined, { maximumFractionDigits: 0 }),
                },
                {
                  title: t('programs:tiers.valueShare'),
                  dataIndex: 'valueShare',
                  align: 'right',
                  render: pct,
                },
              ]}
            />
          </Card>
        </Col>
        <Col span={9}>
          <Card title={t('programs:tiers.settings')} style={{ marginBottom: 16 }}>
            <Form form={form} layout="vertical" disabled={!manage}>
              <Space>
                <Form.Item name="basis" label={t('programs:tiers.basis')}>
                  <Select
                    style={{ width: 150 }}
                    options={['customers', 'revenue'].map((b) => ({
                      value: b,
                      label: t(`programs:tiers.bases.${b}`),
                    }))}
                  />
                </Form.Item>
                <Form.Item name="metric" label={t('programs:tiers.metric')}>
                  <Select
                    style={{ width: 150 }}
                    options={['revenue_12m', 'revenue', 'volume_12m', 'assets'].map((m) => ({
                      value: m,
                      label: t(`programs:tiers.metrics.${m}`),
                    }))}
                  />
                </Form.Item>
              </Space>
              <Form.List name="tiers">
                {(fields, { add, remove }) => (
                  <>
                    {fields.map((f) => (
                      <Space key={f.key} align="baseline">
                        <Form.Item name={[f.name, 'code']} rules={[{ required: true }]}>
                          <Input placeholder={t('programs:tiers.code')} style={{ width: 96 }} />
                        </Form.Item>
                        <Form.Item name={[f.name, 'name']} rules={[{ required: true }]}>
                          <Input placeholder={t('programs:tiers.name')} style={{ width: 124 }} />
                        </Form.Item>
                        <Form.Item name={[f.name, 'cutoff']} rules={[{ required: true }]}>
                          <InputNumber
                            min={0.01}
                            max={100}
                            prefix={t('programs:tiers.top')}
                            suffix="%"
                            style={{ width: 104 }}
                          />
                        </Form.Item>
                        <MinusCircleOutlined onClick={() => remove(f.name)} />
                      </Space>
                    ))}
                    <Button type="dashed" icon={<PlusOutlined />} onClick={() => add()} block>
                      {t('programs:tiers.addTier')}
                    </Button>
                  </>
                )}
              </Form.List>
            </Form>
            {manage && (
              <Button
                type="primary"
                style={{ marginTop: 12 }}
                loading={save.isPending}
                onClick={() => save.mutate()}
              >
                {t('common:actions.save')}
              </Button>
            )}
          </Card>
          <Card title={t('programs:tiers.changes')}>
            <Table
              size="small"
              rowKey="id"
              dataSource={changes.data?.items ?? []}
              pagination={{ pageSize: 10, size: 'small' }}
              columns={[
                {
                  title: t('programs:common.customer'),
                  dataIndex: 'customerName',
                  render: (v: string, r) => <Link to={`/customers/${r.customerId}`}>{v}</Link>,
                },
                {
                  title: t('programs:tiers.change'),
                  key: 'c',
                  render: (_, r) => `${r.oldTier ?? '—'} → ${r.newTier ?? '—'}`,
                },
                {
                  title: t('programs:common.at'),
                  dataIndex: 'changedAt',
                  render: (v: string) => fmtDate(v),
                },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </>
  );
}

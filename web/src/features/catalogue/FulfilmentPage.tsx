// Fulfilment report: rates of entitlements done per package, item, manager or branch, with a chart.
import { useQuery } from '@tanstack/react-query';
import { Card, Col, Radio, Row, Statistic, Table } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../app/api/client';
import { BarsChart } from '../../app/ui/Chart';
import { PageHeader } from '../../app/ui/PageHeader';

type By = 'package' | 'item' | 'manager' | 'branch';
const pct = (v: number | null) => (v == null ? '—' : `${Math.round(v * 1000) / 10}%`);

export default function FulfilmentPage() {
  const { t } = useTranslation();
  const [by, setBy] = useState<By>('package');
  const q = useQuery({
    queryKey: ['fulfilment', by],
    queryFn: () => call(api.GET('/api/service-reports/fulfilment', { params: { query: { by } } })),
  });
  const rows = q.data?.items ?? [];
  const label = (r: { label: string | null }) => r.label ?? t('programs:fulfilment.unassigned');
  return (
    <>
      <PageHeader
        title={t('programs:fulfilment.title')}
        extra={
          <Radio.Group
            value={by}
            optionType="button"
            onChange={(e) => setBy(e.target.value)}
            options={(['package', 'item', 'manager', 'branch'] as const).map((b) => ({
              value: b,
              label: t(`programs:fulfilment.by.${b}`),
            }))}
          />
        }
      />
      <Row gutter={16} style={{ marginBottom: 16 }}>
        <Col span={8}>
          <Card>
            <Statistic title={t('programs:fulfilment.total')} value={q.data?.total ?? 0} />
          </Card>
        </Col>
        <Col span={8}>
          <Card>
            <Statistic title={t('programs:fulfilment.done')} value={q.data?.done ?? 0} />
          </Card>
        </Col>
        <Col span={8}>
          <Card>
            <Statistic title={t('programs:fulfilment.rate')} value={pct(q.data?.rate ?? null)} />
          </Card>
        </Col>
      </Row>
      <Card style={{ marginBottom: 16 }}>
        <BarsChart
          categories={rows.map(label)}
          series={[
            {
              name: t('programs:fulfilment.done'),
              data: rows.map((r) => r.done),
              stack: 's',
              color: '#52c41a',
            },
            {
              name: t('programs:fulfilment.open'),
              data: rows.map((r) => r.open - r.overdue),
              stack: 's',
              color: '#1677ff',
            },
            {
              name: t('programs:fulfilment.overdue'),
              data: rows.map((r) => r.overdue),
              stack: 's',
              color: '#ff4d4f',
            },
          ]}
        />
      </Card>
      <Card>
        <Table
          size="small"
          rowKey={(r) => String(r.key)}
          loading={q.isLoading}
          dataSource={rows}
          pagination={false}
          columns={[
            { title: t(`programs:fulfilment.by.${by}`), key: 'label', render: (_, r) => label(r) },
            { title: t('programs:fulfilment.total'), dataIndex: 'total', align: 'right' },
            { title: t('programs:fulfilment.done'), dataIndex: 'done', align: 'right' },
            { title: t('programs:fulfilment.open'), dataIndex: 'open', align: 'right' },
            { title: t('programs:fulfilment.overdue'), dataIndex: 'overdue', align: 'right' },
            { title: t('programs:fulfilment.cancelled'), dataIndex: 'cancelled', align: 'right' },
            { title: t('programs:fulfilment.rate'), dataIndex: 'rate', align: 'right', render: pct },
            { title: t('programs:fulfilment.cost'), dataIndex: 'cost', align: 'right' },
          ]}
        />
      </Card>
    </>
  );
}

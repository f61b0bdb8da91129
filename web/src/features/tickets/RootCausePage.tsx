// 根因分析: recurring root causes of complaints by period, with open and late corrective actions.
import { useQuery } from '@tanstack/react-query';
import { Card, Segmented, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../app/api/client';
import { BarsChart } from '../../app/ui/Chart';
import { PageHeader } from '../../app/ui/PageHeader';

export default function RootCausePage() {
  const { t } = useTranslation();
  const [period, setPeriod] = useState<'month' | 'quarter' | 'year'>('month');
  const q = useQuery({
    queryKey: ['tickets', 'root-causes', period],
    queryFn: () => call(api.GET('/api/tickets/reports/root-causes', { params: { query: { period } } })),
  });
  const label = (p: string) => {
    const d = dayjs(p);
    if (!d.isValid()) return p;
    return period === 'year'
      ? d.format('YYYY')
      : period === 'quarter'
        ? `${d.year()} Q${Math.floor(d.month() / 3) + 1}`
        : d.format('YYYY-MM');
  };
  const rows = (q.data ?? []).map((r) => ({ ...r, period: label(r.period) }));
  const chart = useMemo(() => {
    const periods = [...new Set(rows.map((r) => r.period))].sort();
    const cats = [...new Set(rows.map((r) => r.categoryName))];
    return {
      categories: periods,
      series: cats.map((c) => ({
        name: c,
        stack: 'all',
        data: periods.map((p) => rows.find((r) => r.period === p && r.categoryName === c)?.complaints ?? 0),
      })),
    };
  }, [rows]);
  return (
    <>
      <PageHeader
        title={t('tickets:rootCauses.title')}
        sub={t('tickets:rootCauses.subtitle')}
        extra={
          <Segmented
            value={period}
            onChange={(v) => setPeriod(v as typeof period)}
            options={(['month', 'quarter', 'year'] as const).map((p) => ({
              value: p,
              label: t(`tickets:rootCauses.periods.${p}`),
            }))}
          />
        }
      />
      <Card size="small" style={{ marginBottom: 12 }}>
        {rows.length ? (
          <BarsChart
            categories={chart.categories}
            series={chart.series}
            height={300}
            testId="root-cause-chart"
          />
        ) : (
          <Typography.Text type="secondary">{t('tickets:rootCauses.none')}</Typography.Text>
        )}
      </Card>
      <Card size="small">
        <Table
          rowKey={(r) => `${r.period}-${r.categoryId}`}
          size="small"
          loading={q.isLoading}
          dataSource={rows}
          pagination={false}
          columns={[
            { title: t('tickets:rootCauses.period'), dataIndex: 'period', width: 120 },
            {
              title: t('tickets:rootCauses.category'),
              dataIndex: 'categoryName',
              render: (n, r) => (
                <>
                  {n} {r.recurring && <Tag color="red">{t('tickets:rootCauses.recurring')}</Tag>}
                </>
              ),
            },
            { title: t('tickets:rootCauses.complaints'), dataIndex: 'complaints', width: 110 },
            { title: t('tickets:rootCauses.openActions'), dataIndex: 'openActions', width: 130 },
            {
              title: t('tickets:rootCauses.lateActions'),
              dataIndex: 'lateActions',
              width: 130,
              render: (n: number) => (n > 0 ? <Typography.Text type="danger">{n}</Typography.Text> : n),
            },
          ]}
        />
      </Card>
    </>
  );
}

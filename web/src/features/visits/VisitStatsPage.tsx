// 走访统计: visits per account manager for a planned range — planned in all, done, cancelled, overdue — as a table
// whose every number links to the visits behind it, and as stacked bars.
import { Card, DatePicker, Flex, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { BarsChart } from '../../app/ui/Chart';
import { PageHeader } from '../../app/ui/PageHeader';
import { day, todayInShanghai, useVisitStats, type VisitStats } from './api';

type Row = VisitStats[number];

export default function VisitStatsPage() {
  const { t } = useTranslation();
  const today = todayInShanghai();
  const [range, setRange] = useState<[string, string]>([
    day(today.startOf('month')),
    day(today.endOf('month')),
  ]);
  const [from, to] = range;
  const stats = useVisitStats(from, to);
  const rows = stats.data ?? [];
  // every number leads to the visits behind it; a zero has none
  const link = (r: Row, extra: string, n: number) => {
    const testId = `visits-stat-${r.managerId}-${extra.replace(/\W/g, '') || 'total'}`;
    return n ? (
      <Link to={`/visits/list?managerId=${r.managerId}&from=${from}&to=${to}${extra}`} data-testid={testId}>
        {n}
      </Link>
    ) : (
      <Typography.Text type="secondary" data-testid={testId}>
        0
      </Typography.Text>
    );
  };
  const series = useMemo(
    () => [
      { name: t('visits:status.done'), data: rows.map((r) => r.done), color: '#52c41a', stack: 'v' },
      {
        name: t('visits:stats.open'),
        data: rows.map((r) => r.total - r.done - r.cancelled - r.overdue),
        color: '#1677ff',
        stack: 'v',
      },
      { name: t('visits:status.overdue'), data: rows.map((r) => r.overdue), color: '#f5222d', stack: 'v' },
      {
        name: t('visits:status.cancelled'),
        data: rows.map((r) => r.cancelled),
        color: '#bfbfbf',
        stack: 'v',
      },
    ],
    [rows, t],
  );
  const categories = useMemo(() => rows.map((r) => r.managerName), [rows]);
  return (
    <>
      <PageHeader
        title={t('visits:menu.stats')}
        extra={
          <DatePicker.RangePicker
            allowClear={false}
            value={[dayjs(from), dayjs(to)]}
            onChange={(r) => r?.[0] && r[1] && setRange([day(r[0]), day(r[1])])}
            data-testid="visits-stats-range"
          />
        }
      />
      <Flex vertical gap={16}>
        <Table<Row>
          rowKey="managerId"
          loading={stats.isLoading}
          dataSource={rows}
          pagination={false}
          locale={{ emptyText: t('visits:stats.none') }}
          data-testid="visits-stats"
          columns={[
            { title: t('visits:fields.manager'), dataIndex: 'managerName', width: '40%' },
            { title: t('visits:stats.total'), align: 'right', render: (_, r) => link(r, '', r.total) },
            {
              title: t('visits:status.done'),
              align: 'right',
              render: (_, r) => link(r, '&status=done', r.done),
            },
            {
              title: t('visits:status.cancelled'),
              align: 'right',
              render: (_, r) => link(r, '&status=cancelled', r.cancelled),
            },
            {
              title: t('visits:status.overdue'),
              align: 'right',
              render: (_, r) =>
                r.overdue ? (
                  <span style={{ fontWeight: 600 }}>{link(r, '&view=overdue', r.overdue)}</span>
                ) : (
                  link(r, '&view=overdue', 0)
                ),
            },
          ]}
        />
        {rows.length > 0 && (
          <Card size="small" title={t('visits:stats.chart')}>
            <BarsChart categories={categories} series={series} height={260} testId="visits-stats-chart" />
          </Card>
        )}
      </Flex>
    </>
  );
}

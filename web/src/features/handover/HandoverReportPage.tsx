// The handover report: who went where, and the follow-up calls done / open per new owner; the customers moved.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Card, Descriptions, Progress, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, call } from '../../app/api/client';
import { fmtDateTime } from '../../app/format';
import { LoadMore } from '../../app/ui/LoadMore';
import { PageHeader } from '../../app/ui/PageHeader';

export default function HandoverReportPage() {
  const { t } = useTranslation();
  const id = Number(useParams().id);
  const r = useQuery({
    queryKey: ['handover', id],
    queryFn: () => call(api.GET('/api/handovers/{id}', { params: { path: { id } } })),
  });
  const items = useInfiniteQuery({
    queryKey: ['handover', id, 'customers'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(
        api.GET('/api/handovers/{id}/customers', {
          params: { path: { id }, query: { cursor: pageParam, limit: 100 } },
        }),
      ),
    getNextPageParam: (p) => p.nextCursor ?? undefined,
  });
  const d = r.data;
  const rows = items.data?.pages.flatMap((p) => p.items) ?? [];
  const f = d?.followUps;
  const total = f ? f.done + f.open + f.cancelled : 0;
  return (
    <>
      <PageHeader title={t('programs:handover.report')} />
      <Card loading={r.isLoading} style={{ marginBottom: 16 }} data-testid="handover-report">
        {d && (
          <>
            <Descriptions
              column={4}
              items={[
                { key: 'f', label: t('programs:handover.from'), children: d.fromName },
                {
                  key: 'm',
                  label: t('programs:handover.mode'),
                  children: t(`programs:handover.modes.${d.mode}`),
                },
                { key: 'c', label: t('programs:handover.customers'), children: d.customers },
                {
                  key: 'a',
                  label: t('programs:common.at'),
                  children: fmtDateTime(d.createdAt),
                },
              ]}
            />
            <div style={{ margin: '8px 0' }}>
              {t('programs:handover.followUps')}:{' '}
              <Progress percent={total ? Math.round((f!.done / total) * 100) : 0} style={{ width: 300 }} />
            </div>
            <Table
              size="small"
              rowKey="userId"
              pagination={false}
              dataSource={d.byTarget}
              columns={[
                { title: t('programs:handover.to'), dataIndex: 'name' },
                { title: t('programs:handover.customers'), dataIndex: 'customers', align: 'right' },
                { title: t('programs:handover.done'), dataIndex: 'done', align: 'right' },
                { title: t('programs:handover.open'), dataIndex: 'open', align: 'right' },
              ]}
            />
          </>
        )}
      </Card>
      <Card title={t('programs:handover.moved')}>
        <Table
          size="small"
          rowKey="customerId"
          pagination={false}
          dataSource={rows}
          columns={[
            { title: t('programs:common.code'), dataIndex: 'customerCode' },
            {
              title: t('programs:common.customer'),
              dataIndex: 'customerName',
              render: (v: string, x) => <Link to={`/customers/${x.customerId}`}>{v}</Link>,
            },
            { title: t('programs:common.tier'), dataIndex: 'tier', render: (v) => v && <Tag>{v}</Tag> },
            { title: t('programs:handover.to'), dataIndex: 'toName' },
            {
              title: t('programs:handover.followUp'),
              dataIndex: 'taskStatus',
              render: (v: string | null) =>
                v && <Tag color={v === 'done' ? 'green' : 'blue'}>{t(`programs:taskStatus.${v}`)}</Tag>,
            },
          ]}
        />
        <LoadMore
          hasMore={!!items.hasNextPage}
          loading={items.isFetchingNextPage}
          onMore={() => items.fetchNextPage()}
          count={rows.length}
        />
      </Card>
    </>
  );
}

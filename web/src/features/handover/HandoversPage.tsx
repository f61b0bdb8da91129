// Handovers done so far, newest first, with a link to each report and to the wizard.
import { PlusOutlined } from '@ant-design/icons';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, Card, Table } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, call } from '../../app/api/client';
import { fmtDateTime } from '../../app/format';
import { LoadMore } from '../../app/ui/LoadMore';
import { PageHeader } from '../../app/ui/PageHeader';

export default function HandoversPage() {
  const { t } = useTranslation();
  const q = useInfiniteQuery({
    queryKey: ['handovers'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(api.GET('/api/handovers', { params: { query: { cursor: pageParam, limit: 50 } } })),
    getNextPageParam: (p) => p.nextCursor ?? undefined,
  });
  const rows = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <PageHeader
        title={t('programs:handover.title')}
        extra={
          <Link to="/admin/handovers/new">
            <Button type="primary" icon={<PlusOutlined />}>
              {t('programs:handover.new')}
            </Button>
          </Link>
        }
      />
      <Card>
        <Table
          rowKey="id"
          loading={q.isLoading}
          dataSource={rows}
          pagination={false}
          columns={[
            {
              title: t('programs:handover.from'),
              dataIndex: 'fromName',
              render: (v: string, r) => <Link to={`/admin/handovers/${r.id}`}>{v}</Link>,
            },
            {
              title: t('programs:handover.mode'),
              dataIndex: 'mode',
              render: (v) => t(`programs:handover.modes.${v}`),
            },
            { title: t('programs:handover.customers'), dataIndex: 'customers', align: 'right' },
            {
              title: t('programs:common.at'),
              dataIndex: 'createdAt',
              render: (v: string) => fmtDateTime(v),
            },
          ]}
        />
        <LoadMore
          hasMore={!!q.hasNextPage}
          loading={q.isFetchingNextPage}
          onMore={() => q.fetchNextPage()}
          count={rows.length}
        />
      </Card>
    </>
  );
}

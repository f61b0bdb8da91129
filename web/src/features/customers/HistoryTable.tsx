// The customer's change history: who, when, field, old → new.
import { Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { fmtDateTime } from '../../app/format';
import { LoadMore } from '../../app/ui/LoadMore';
import { useHistory } from './api';

const show = (v: unknown) =>
  v === null || v === undefined || v === ''
    ? '—'
    : typeof v === 'string' || typeof v === 'number'
      ? String(v)
      : JSON.stringify(v);

export function HistoryTable({ customerId }: { customerId: number }) {
  const { t } = useTranslation();
  const q = useHistory(customerId);
  const rows = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <Table
        rowKey="id"
        size="small"
        pagination={false}
        loading={q.isPending}
        dataSource={rows}
        data-testid="history-table"
        columns={[
          {
            title: t('customers:history.at'),
            dataIndex: 'at',
            width: 160,
            render: (v: string) => fmtDateTime(v),
          },
          { title: t('customers:history.who'), dataIndex: 'actorName', width: 100, render: (v) => v ?? '—' },
          {
            title: t('customers:history.field'),
            dataIndex: 'field',
            width: 130,
            render: (f: string) => t(`customers:fields.${f}`, { defaultValue: f }),
          },
          {
            title: t('customers:history.change'),
            key: 'change',
            render: (_, r) => (
              <span>
                <Typography.Text delete type="secondary">
                  {show(r.oldValue)}
                </Typography.Text>{' '}
                → <Typography.Text>{show(r.newValue)}</Typography.Text>
              </span>
            ),
          },
        ]}
      />
      <LoadMore
        count={rows.length}
        hasMore={!!q.hasNextPage}
        loading={q.isFetchingNextPage}
        onMore={() => q.fetchNextPage()}
      />
    </>
  );
}

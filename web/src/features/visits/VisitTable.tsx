// Visits as a table (走访记录): day and window, customer, manager, purpose, status (red when overdue), check-in,
// findings; a click opens the visit.
import { Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { fmtDateTime } from '../../app/format';
import { type Visit, windowText } from './api';
import { VisitStatusTag } from './VisitStatusTag';

export function VisitTable(props: {
  rows: Visit[];
  loading?: boolean;
  onOpen: (id: number) => void;
  showCustomer?: boolean;
  emptyText?: string;
}) {
  const { t } = useTranslation();
  return (
    <Table<Visit>
      rowKey="id"
      size="middle"
      loading={props.loading}
      dataSource={props.rows}
      pagination={props.rows.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
      locale={props.emptyText ? { emptyText: props.emptyText } : undefined}
      onRow={(r) => ({ onClick: () => props.onOpen(r.id), style: { cursor: 'pointer' } })}
      data-testid="visits-table"
      columns={[
        {
          title: t('visits:fields.date'),
          dataIndex: 'plannedDate',
          width: 170,
          render: (d: string, r) => (
            <>
              {d}
              {windowText(r) && <Typography.Text type="secondary"> {windowText(r)}</Typography.Text>}
            </>
          ),
        },
        ...(props.showCustomer === false
          ? []
          : [
              {
                title: t('visits:fields.customer'),
                key: 'customer',
                render: (_: unknown, r: Visit) => (
                  <Link to={`/customers/${r.customerId}`} onClick={(e) => e.stopPropagation()}>
                    {r.customerName} ({r.customerCode})
                  </Link>
                ),
              },
            ]),
        { title: t('visits:fields.manager'), dataIndex: 'managerName', width: 120 },
        { title: t('visits:fields.purpose'), dataIndex: 'purpose', ellipsis: true },
        {
          title: t('visits:fields.status'),
          key: 'status',
          width: 130,
          render: (_, r) => <VisitStatusTag visit={r} />,
        },
        {
          title: t('visits:fields.checkedInAt'),
          dataIndex: 'checkedInAt',
          width: 150,
          render: (v: string | null) => (v ? fmtDateTime(v) : '—'),
        },
        {
          title: t('visits:fields.findings'),
          dataIndex: 'findings',
          ellipsis: true,
          render: (v) => v ?? '—',
        },
      ]}
    />
  );
}

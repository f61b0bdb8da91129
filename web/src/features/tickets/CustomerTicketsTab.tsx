// The customer's tickets on the 360° customer page: every request, consultation and complaint they raised, newest
// first, with status and the SLA clock that runs next; an agent opens a new ticket for them from here.
import { PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Flex, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, call } from '../../app/api/client';
import { fmtDateTime } from '../../app/format';
import { useCan } from '../../app/session';
import { type Ticket, useTickets } from './api';
import { PriorityTag, SlaTag, StatusTag, TypeTag } from './labels';
import { NewTicketDialog } from './NewTicketDialog';
import { nextSla } from './TicketsPage';

export default function CustomerTicketsTab({ customerId }: { customerId: number }) {
  const { t } = useTranslation();
  const can = useCan();
  const [creating, setCreating] = useState(false);
  const list = useTickets({ view: 'all', customerId });
  const customer = useQuery({
    queryKey: ['tickets', 'customer-contacts', customerId],
    queryFn: () => call(api.GET('/api/customers/{id}', { params: { path: { id: customerId } } })),
    enabled: creating,
  });
  const rows = (list.data?.pages ?? []).flatMap((p) => p.items);
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="customer-tickets">
      <Flex justify="space-between" align="center">
        <Typography.Text type="secondary">
          {t('tickets:customerTab.count', { count: rows.length, more: list.hasNextPage ? '+' : '' })}
        </Typography.Text>
        {can('ticket.write') && (
          <Button icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="customer-new-ticket">
            {t('tickets:list.new')}
          </Button>
        )}
      </Flex>
      <Table<Ticket>
        rowKey="id"
        size="small"
        loading={list.isLoading}
        dataSource={rows}
        pagination={false}
        locale={{ emptyText: t('tickets:customerTab.none') }}
        columns={[
          {
            title: t('tickets:fields.number'),
            dataIndex: 'number',
            width: 150,
            render: (n, r) => <Link to={`/tickets/${r.id}`}>{n}</Link>,
          },
          {
            title: t('tickets:fields.subject'),
            dataIndex: 'subject',
            ellipsis: true,
            render: (x, r) => (
              <Space size={4}>
                {r.priority === 'high' || r.priority === 'urgent' ? (
                  <PriorityTag priority={r.priority} />
                ) : null}
                {x}
              </Space>
            ),
          },
          {
            title: t('tickets:fields.type'),
            dataIndex: 'type',
            width: 90,
            render: (x) => <TypeTag type={x} />,
          },
          {
            title: t('tickets:fields.status'),
            dataIndex: 'status',
            width: 150,
            // the status, and the SLA clock when it warns or has breached
            render: (x, r) => {
              const s = nextSla(r);
              return (
                <Space size={2}>
                  <StatusTag status={x} />
                  {s && (s.state === 'warning' || s.state === 'breached') ? <SlaTag state={s.state} /> : null}
                </Space>
              );
            },
          },
          {
            title: t('tickets:fields.receivedAt'),
            dataIndex: 'receivedAt',
            width: 135,
            render: (x) => fmtDateTime(x),
          },
        ]}
      />
      {list.hasNextPage && (
        <Button block onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
          {t('tickets:customerTab.more')}
        </Button>
      )}
      {creating && customer.data && (
        <NewTicketDialog
          open
          onClose={() => setCreating(false)}
          customer={{ id: customerId, name: customer.data.name, code: customer.data.code }}
        />
      )}
    </Space>
  );
}

// A customer's entitlements (服务权益): the packages their tier or segments give them, each item's frequency and its
// fulfilment per period. Shown as a tab of the customer page and as the page /customers/:id/entitlements.
import { useQuery } from '@tanstack/react-query';
import { Card, Empty, Skeleton, Space, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../app/api/client';

const STATUS_COLOR: Record<string, string> = {
  done: 'green',
  open: 'blue',
  cancelled: 'default',
  pending: 'orange',
};

export function useEntitlements(customerId: number) {
  return useQuery({
    queryKey: ['entitlements', customerId],
    queryFn: () =>
      call(api.GET('/api/customers/{id}/entitlements', { params: { path: { id: customerId } } })),
  });
}

export default function CustomerEntitlementsTab({ customerId }: { customerId: number }) {
  const { t } = useTranslation();
  const q = useEntitlements(customerId);
  const d = q.data;
  if (q.isLoading) return <Skeleton active />;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="customer-entitlements">
      {d?.tier && (
        <span>
          {t('programs:entitlements.tier')}: <Tag color="blue">{d.tier}</Tag>
        </span>
      )}
      {d && d.packages.length === 0 && <Empty description={t('programs:entitlements.none')} />}
      {d?.packages.map((p) => (
        <Card
          key={p.id}
          size="small"
          title={p.name}
          extra={
            p.via.tier ? (
              <Tag color="blue">{t('programs:entitlements.viaTier', { tier: p.via.tier })}</Tag>
            ) : (
              <Tag color="purple">{t('programs:entitlements.viaSegment')}</Tag>
            )
          }
        >
          <Table
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={p.items}
            columns={[
              { title: t('programs:catalogue.name'), dataIndex: 'name' },
              {
                title: t('programs:catalogue.frequency'),
                dataIndex: 'frequency',
                render: (v) => t(`programs:frequencies.${v}`),
              },
              { title: t('programs:entitlements.currentPeriod'), dataIndex: 'currentPeriod' },
              {
                title: t('programs:entitlements.fulfilment'),
                key: 'f',
                render: (_, r) =>
                  r.fulfilments.map((f) => (
                    <Tag key={f.periodKey} color={STATUS_COLOR[f.status]}>
                      {`${f.periodKey} ${t(`programs:taskStatus.${f.status}`)}`}
                    </Tag>
                  )),
              },
            ]}
          />
        </Card>
      ))}
    </Space>
  );
}

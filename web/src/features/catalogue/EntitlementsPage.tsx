// A customer's entitlements (服务权益): packages by tier or segment, their items and fulfilment per period.
import { useQuery } from '@tanstack/react-query';
import { Card, Empty, Space, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, call } from '../../app/api/client';
import { PageHeader } from '../../app/ui/PageHeader';

const STATUS_COLOR: Record<string, string> = {
  done: 'green',
  open: 'blue',
  cancelled: 'default',
  pending: 'orange',
};

export default function EntitlementsPage() {
  const { t } = useTranslation();
  const id = Number(useParams().id);
  const q = useQuery({
    queryKey: ['entitlements', id],
    queryFn: () => call(api.GET('/api/customers/{id}/entitlements', { params: { path: { id } } })),
  });
  const d = q.data;
  return (
    <>
      <PageHeader
        title={t('programs:entitlements.title')}
        sub={
          <Space>
            <Link to={`/customers/${id}`}>{t('programs:entitlements.back')}</Link>
            {d?.tier && <Tag color="blue">{d.tier}</Tag>}
          </Space>
        }
      />
      {d && d.packages.length === 0 && <Empty description={t('programs:entitlements.none')} />}
      {d?.packages.map((p) => (
        <Card
          key={p.id}
          style={{ marginBottom: 16 }}
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
    </>
  );
}

// 查重合并: duplicate groups (same ID number, same phone, similar name) and merging them into a survivor.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Empty, List, Segmented, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, call } from '../../app/api/client';
import { fmtDateTime } from '../../app/format';
import { useCan } from '../../app/session';
import { PageHeader } from '../../app/ui/PageHeader';
import type { CustomerSummary } from './api';
import { statusLabel } from './labels';
import { MergeDialog } from './MergeDialog';

type By = 'id_number' | 'phone' | 'name';

export default function DuplicatesPage() {
  const { t } = useTranslation();
  const can = useCan();
  const qc = useQueryClient();
  const [by, setBy] = useState<By>('id_number');
  const [merging, setMerging] = useState<CustomerSummary[] | null>(null);
  const groups = useQuery({
    queryKey: ['customers', 'duplicates', by],
    queryFn: () => call(api.GET('/api/customers/duplicates', { params: { query: { by, limit: 50 } } })),
  });

  return (
    <>
      <PageHeader title={t('customers:duplicates.title')} sub={t('customers:duplicates.subtitle')} />
      <Card>
        <Segmented<By>
          value={by}
          onChange={setBy}
          style={{ marginBottom: 16 }}
          options={(['id_number', 'phone', 'name'] as By[]).map((b) => ({
            value: b,
            label: t(`customers:duplicates.by.${b}`),
          }))}
        />
        <List
          loading={groups.isPending}
          dataSource={groups.data ?? []}
          locale={{ emptyText: <Empty description={t('customers:duplicates.none')} /> }}
          renderItem={(g, i) => (
            <Card
              size="small"
              style={{ marginBottom: 12 }}
              key={i}
              title={
                <Space>
                  <Tag color="orange">{t(`customers:duplicates.by.${g.by}`, { defaultValue: g.by })}</Tag>
                  {t('customers:duplicates.groupSize', { count: g.customers.length })}
                </Space>
              }
              extra={
                can('customer.merge') && (
                  <Button
                    size="small"
                    type="primary"
                    onClick={() => setMerging(g.customers)}
                    data-testid="dup-merge"
                  >
                    {t('customers:merge.button')}
                  </Button>
                )
              }
            >
              <Table
                size="small"
                rowKey="id"
                pagination={false}
                dataSource={g.customers}
                columns={[
                  {
                    title: t('customers:fields.code'),
                    dataIndex: 'code',
                    render: (v, c) => <Link to={`/customers/${c.id}`}>{v}</Link>,
                  },
                  { title: t('customers:fields.name'), dataIndex: 'name' },
                  { title: t('customers:fields.idNumber'), dataIndex: 'idNumber', render: (v) => v ?? '—' },
                  { title: t('customers:fields.phone'), dataIndex: 'phone', render: (v) => v ?? '—' },
                  {
                    title: t('customers:fields.status'),
                    dataIndex: 'status',
                    render: (v) => statusLabel(t, v),
                  },
                  {
                    title: t('customers:fields.updatedAt'),
                    dataIndex: 'updatedAt',
                    render: (v: string) => fmtDateTime(v),
                  },
                ]}
              />
            </Card>
          )}
        />
      </Card>
      {merging && (
        <MergeDialog
          customers={merging}
          onClose={() => setMerging(null)}
          onMerged={() => {
            setMerging(null);
            qc.invalidateQueries({ queryKey: ['customers'] });
          }}
        />
      )}
    </>
  );
}

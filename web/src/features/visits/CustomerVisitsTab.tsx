// The customer's visits on the 360° customer page (planned, done, cancelled), and planning one for them from here.
import { PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Flex, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../app/api/client';
import { useCan } from '../../app/session';
import { useVisits } from './api';
import { PlanVisitDialog } from './PlanVisitDialog';
import { VisitDrawer } from './VisitDrawer';
import { VisitTable } from './VisitTable';

export default function CustomerVisitsTab({ customerId }: { customerId: number }) {
  const { t } = useTranslation();
  const can = useCan();
  const [planning, setPlanning] = useState(false);
  const [openId, setOpenId] = useState<number | null>(null);
  const list = useVisits({ view: 'all', customerId });
  const customer = useQuery({
    queryKey: ['visits', 'customer', customerId],
    queryFn: () => call(api.GET('/api/customers/{id}', { params: { path: { id: customerId } } })),
    enabled: planning,
  });
  // newest first on a customer's page
  const rows = [...(list.data ?? [])].reverse();
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="customer-visits">
      <Flex justify="space-between" align="center">
        <Typography.Text type="secondary">
          {t('visits:customerTab.count', { count: rows.length })}
        </Typography.Text>
        {can('visit.write') && (
          <Button icon={<PlusOutlined />} onClick={() => setPlanning(true)} data-testid="customer-plan-visit">
            {t('visits:plan.button')}
          </Button>
        )}
      </Flex>
      <VisitTable
        rows={rows}
        loading={list.isLoading}
        onOpen={setOpenId}
        showCustomer={false}
        emptyText={t('visits:customerTab.none')}
      />
      {planning && (customer.data || customer.isError) && (
        <PlanVisitDialog
          customer={
            customer.data ? { id: customerId, name: customer.data.name, code: customer.data.code } : undefined
          }
          onClose={() => setPlanning(false)}
        />
      )}
      {openId != null && <VisitDrawer visitId={openId} onClose={() => setOpenId(null)} />}
    </Space>
  );
}

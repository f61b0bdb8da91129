// The customer's risk notices on the 360° customer page, the unconfirmed first; send one to this customer.
import { useQuery } from '@tanstack/react-query';
import { Button, Flex, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../app/api/client';
import { useCan } from '../../app/session';
import { useCustomer } from '../customers/api';
import { NoticesTable } from './NoticesTable';
import { SendNoticeDialog } from './SendNoticeDialog';

export default function CustomerNoticesTab({ customerId }: { customerId: number }) {
  const { t } = useTranslation();
  const can = useCan();
  const [sending, setSending] = useState(false);
  const q = useQuery({
    queryKey: ['notices', 'customer', customerId],
    queryFn: () =>
      call(api.GET('/api/notices', { params: { query: { customerId, order: 'open_first', limit: 100 } } })),
  });
  const rows = q.data ?? [];
  // The customer page has loaded the customer already (same query).
  const customer = useCustomer(customerId).data;
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="customer-notices">
      <Flex justify="space-between" align="center">
        <Typography.Text type="secondary">
          {t('notices:customerTab.count', { count: rows.length })}
        </Typography.Text>
        {can('notice.send') && (
          <Button onClick={() => setSending(true)} data-testid="customer-send-notice">
            {t('notices:list.send')}
          </Button>
        )}
      </Flex>
      <NoticesTable rows={rows} loading={q.isLoading} showCustomer={false} />
      {sending && (
        <SendNoticeDialog
          customer={customer ? { id: customerId, name: customer.name, code: customer.code } : undefined}
          onClose={() => setSending(false)}
        />
      )}
    </Space>
  );
}

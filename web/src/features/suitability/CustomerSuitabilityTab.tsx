// Suitability (适当性) on the customer page: the current risk level and its validity, the lowest-category and
// professional flags, the products offered with the match result — and the two actions staff take here: assess
// (or re-assess) the customer, and check a product against their level before offering it.
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Descriptions, Empty, Skeleton, Space, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, call } from '../../app/api/client';
import { fmtDate, fmtDateTime } from '../../app/format';
import { useCan } from '../../app/session';
import { OffersTable } from './OffersTable';
import { MatchDialog } from './SuitabilityPage';

export default function CustomerSuitabilityTab({ customerId }: { customerId: number }) {
  const { t } = useTranslation();
  const can = useCan();
  const navigate = useNavigate();
  const [matching, setMatching] = useState(false);
  const s = useQuery({
    queryKey: ['suitability', 'customer', customerId],
    queryFn: () =>
      call(api.GET('/api/suitability/customers/{customerId}', { params: { path: { customerId } } })),
  });
  if (s.isLoading) return <Skeleton active />;
  const cur = s.data?.current;
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="customer-suitability">
      <Space>
        {can('suitability.write') && (
          <Button type="primary" onClick={() => navigate(`/outreach/suitability/${customerId}`)}>
            {t(cur ? 'outreach:suit.reassess' : 'outreach:suit.assess')}
          </Button>
        )}
        <Button onClick={() => setMatching(true)} data-testid="customer-suit-match">
          {t('outreach:suit.matchTitle')}
        </Button>
      </Space>
      {cur ? (
        <>
          {cur.expired && <Alert type="warning" showIcon title={t('outreach:suit.expiredHint')} />}
          <Descriptions
            size="small"
            bordered
            column={2}
            items={[
              {
                key: 'level',
                label: t('outreach:suit.level'),
                children: (
                  <Space size={4}>
                    <Tag color={cur.expired ? 'default' : 'blue'}>{cur.level}</Tag>
                    {cur.lowestCategory && <Tag color="red">{t('outreach:suit.lowestCategory')}</Tag>}
                    {cur.professional && <Tag color="gold">{t('outreach:suit.professional')}</Tag>}
                  </Space>
                ),
              },
              { key: 'score', label: t('outreach:suit.scoreCol'), children: cur.score },
              { key: 'at', label: t('outreach:suit.at'), children: fmtDateTime(cur.createdAt) },
              {
                key: 'valid',
                label: t('outreach:suit.validUntilLabel'),
                children: (
                  <span style={{ color: cur.expired ? '#cf1322' : undefined }}>
                    {fmtDate(cur.validUntil)}
                  </span>
                ),
              },
            ]}
          />
        </>
      ) : (
        <Empty description={t('outreach:suit.none')} />
      )}
      <OffersTable offers={s.data?.offers ?? []} title={t('outreach:suit.offers')} />
      {matching && <MatchDialog customerId={customerId} onClose={() => setMatching(false)} />}
    </Space>
  );
}

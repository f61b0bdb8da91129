// The products offered to a customer with the match result: levels, matched or not, warning acknowledged, and the
// customer's choice. On the suitability page and on the customer page's 适当性 tab.
import { Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ApiData } from '../../app/api/client';
import { fmtDateTime } from '../../app/format';

export type Offer = ApiData<'/api/suitability/customers/{customerId}', 'get'>['offers'][number];

export function OffersTable({ offers, title }: { offers: Offer[]; title?: string }) {
  const { t } = useTranslation();
  return (
    <Table<Offer>
      rowKey="id"
      size="small"
      pagination={false}
      data-testid="suit-offers"
      title={title ? () => title : undefined}
      dataSource={offers}
      columns={[
        { title: t('outreach:suit.at'), dataIndex: 'createdAt', render: (v) => fmtDateTime(v) },
        {
          title: t('outreach:suit.levels'),
          render: (_, o) => `${o.customerLevel ?? '—'} / ${o.productLevel}`,
        },
        {
          title: t('outreach:suit.result'),
          render: (_, o) => (
            <>
              <Tag color={o.matched ? 'green' : 'orange'}>
                {t(o.matched ? 'outreach:suit.matchedShort' : 'outreach:suit.mismatch')}
              </Tag>
              {o.warningAcknowledged && <Tag>{t('outreach:suit.acknowledged')}</Tag>}
              {t(`outreach:suit.${o.choice}`)}
            </>
          ),
        },
      ]}
    />
  );
}

// The interaction timeline (接触记录), newest first, with "load more".
import { Timeline as AntTimeline, Card, Empty, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { fmtDateTime } from '../../app/format';
import { LoadMore } from '../../app/ui/LoadMore';
import { useInteractions } from './api';
import { channelLabel } from './labels';

const channelColor: Record<string, string> = {
  visit: 'green',
  counter: 'green',
  meeting: 'green',
  phone_in: 'blue',
  phone_out: 'blue',
  sms: 'gray',
  email: 'gray',
  portal: 'purple',
  wechat: 'cyan',
};

export function Timeline({ customerId }: { customerId: number }) {
  const { t } = useTranslation();
  const q = useInteractions(customerId);
  const rows = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Card title={t('customers:interactions.title')} size="small" data-testid="timeline">
      {rows.length === 0 && !q.isPending ? (
        <Empty description={t('customers:interactions.none')} />
      ) : (
        <AntTimeline
          style={{ marginTop: 8 }}
          items={rows.map((i) => ({
            key: i.id,
            color: channelColor[i.channel],
            children: (
              <div data-testid="timeline-item">
                <Space size={6} wrap>
                  <Tag color={channelColor[i.channel]}>{channelLabel(t, i.channel)}</Tag>
                  <Typography.Text type="secondary">
                    {t(`customers:direction.${i.direction}`)}
                  </Typography.Text>
                  <Typography.Text type="secondary">{fmtDateTime(i.occurredAt)}</Typography.Text>
                  {i.staffName && <Typography.Text type="secondary">· {i.staffName}</Typography.Text>}
                  {i.source === 'system' && <Tag>{t('customers:interactions.system')}</Tag>}
                </Space>
                <div style={{ whiteSpace: 'pre-wrap' }}>{i.summary}</div>
                {i.outcome && (
                  <Typography.Text type="secondary">
                    {t('customers:interactions.outcome')}：{i.outcome}
                  </Typography.Text>
                )}
              </div>
            ),
          }))}
        />
      )}
      <LoadMore
        count={rows.length}
        hasMore={!!q.hasNextPage}
        loading={q.isFetchingNextPage}
        onMore={() => q.fetchNextPage()}
      />
    </Card>
  );
}
